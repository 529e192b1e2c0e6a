"""The change log behind ``/api/v1/changes/``: one row per public resource a transaction changed.

Rows are written by :mod:`events.sync.recorder` inside the transaction that makes the
change, so a change and its log row commit or roll back together. The feed's position is
``(txid, id)``:

* On PostgreSQL ``txid`` is the writing transaction's id (``pg_current_xact_id()``, a
  column default). Transaction ids are handed out in order but transactions commit in any
  order, so the feed only returns rows whose ``txid`` is below the oldest transaction that
  may still write here (the *horizon*, from ``pg_current_snapshot()``): every transaction
  below it has finished, so no row can ever appear behind a cursor already handed out.
* On SQLite writes are serialised (one writer at a time, ``AUTOINCREMENT`` ids), so ids
  are already in commit order; ``txid`` is 0 and there is no horizon.
"""

from dataclasses import dataclass

from django.db import connection, models

from .base import TimeStampedModel


class TransactionId(models.Func):
    """The current transaction's id as a bigint on PostgreSQL; 0 where writes are serialised."""

    output_field = models.BigIntegerField()
    template = "0"

    def as_postgresql(self, compiler, connection, **extra_context):
        return "(pg_current_xact_id()::text::bigint)", []


class ChangeKind(models.TextChoices):
    EVENT = "event", "Event"
    ACTOR = "actor", "Actor"
    LOCATION = "location", "Location"
    CLAIM = "claim", "Claim"
    ARTICLE = "article", "Article"


class ChangeAction(models.TextChoices):
    CHANGED = "changed", "Changed (fetch it again: 404 means it is no longer public)"
    DELETED = "deleted", "Deleted"
    MERGED = "merged", "Merged into another record"


# What this statement's snapshot says about the transactions that may still add rows here:
# the oldest of those running when the snapshot was taken, leaving out the ones that
# pg_stat_activity shows connected to another database (they cannot write here, and a long
# transaction elsewhere in the cluster must not hold the feed back; one that ends between
# the snapshot and the pg_stat_activity read is kept in, which can only hold a change back);
# the snapshot's xmax (no transaction from there on is visible to it); and this session's
# own transaction id, if it has one (its rows are visible to it already).
HORIZON_SQL = """
WITH snap AS (SELECT pg_current_snapshot() AS s),
elsewhere AS (
    SELECT backend_xid::text::bigint AS xid FROM pg_stat_activity
    WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database()
)
SELECT
    (SELECT min(x::text::bigint) FROM snap, pg_snapshot_xip(snap.s) AS x
     WHERE (x::text::bigint % 4294967296) NOT IN (SELECT xid FROM elsewhere)),
    (SELECT pg_snapshot_xmax(s)::text::bigint FROM snap),
    pg_current_xact_id_if_assigned()::text::bigint
"""


@dataclass(frozen=True)
class Horizon:
    """Where the change log is final, for one reading statement (PostgreSQL only).

    ``running``: the oldest transaction that may still write here (None: none is running).
    Rows below it that the snapshot sees are final; a row of a later transaction is never
    visible before every earlier one has finished, so the feed needs no other bound.
    ``xmax``: no transaction from here on is visible to the snapshot.
    """

    running: int | None
    xmax: int
    own: int | None

    @property
    def snapshot_edge(self) -> int:
        """Everything below this, and nothing at or above it, is in the snapshot."""
        return self.xmax if self.running is None else min(self.running, self.xmax)


def feed_horizon() -> Horizon | None:
    """The horizon on PostgreSQL (see HORIZON_SQL); None where writes are serialised."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(HORIZON_SQL)
        return Horizon(*cursor.fetchone())


class ChangeQuerySet(models.QuerySet):
    def final(self, horizon: "Horizon | None"):
        """Rows no transaction still running can precede (see the module docstring), and
        the rows of the reader's own transaction."""
        if horizon is None or horizon.running is None:
            return self
        final = models.Q(txid__lt=horizon.running)
        if horizon.own is not None:
            final |= models.Q(txid=horizon.own)
        return self.filter(final)

    def after(self, txid: int, change_id: int):
        return self.filter(models.Q(txid__gt=txid) | models.Q(txid=txid, id__gt=change_id))


class Change(TimeStampedModel):
    """A public resource changed (or went) in the transaction ``txid``: fetch it again."""

    id = models.BigAutoField(primary_key=True)
    txid = models.BigIntegerField(
        db_default=TransactionId(),
        editable=False,
        help_text="Id of the transaction that made the change (0 where writes are serialised).",
    )
    kind = models.CharField(
        max_length=12, choices=ChangeKind.choices, help_text="Resource the object belongs to."
    )
    object_id = models.PositiveBigIntegerField(help_text="The object's id.")
    slug = models.SlugField(
        max_length=120, blank=True, help_text="The object's slug then (blank for claims)."
    )
    action = models.CharField(
        max_length=8,
        choices=ChangeAction.choices,
        default=ChangeAction.CHANGED,
        help_text="changed (fetch it again), deleted, or merged (into merged_into_id).",
    )
    merged_into_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="For a merge: the id of the record kept."
    )

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["txid", "id"]
        indexes = [models.Index(fields=["txid", "id"], name="change_feed_position")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ChangeKind.values),
                name="change_kind_valid",
                violation_error_message="Unknown kind.",
            ),
            models.CheckConstraint(
                condition=models.Q(action__in=ChangeAction.values),
                name="change_action_valid",
                violation_error_message="Unknown action.",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.slug or self.object_id} {self.action} (tx {self.txid})"


class ChangePrune(TimeStampedModel):
    """The change log was pruned up to ``(txid, change_id)``: a reader whose cursor is
    before it may have missed changes, and must start again from a snapshot
    (``manage.py prune_changes``, :mod:`events.sync.feed`)."""

    txid = models.BigIntegerField(help_text="Position of the last change removed: its txid…")
    change_id = models.BigIntegerField(help_text="…and its id.")
    removed = models.PositiveBigIntegerField(help_text="How many changes this run removed.")

    class Meta:
        ordering = ["-txid", "-change_id"]
        get_latest_by = ["txid", "change_id"]

    def __str__(self):
        return f"pruned through {self.txid}-{self.change_id} ({self.removed} changes)"
