"""Reading the change log in commit-safe order: cursors and pages.

A cursor is the position ``(txid, id)`` of the last change a client has read, written as
``"<txid>-<id>"`` (``"0-0"`` is the very start). A page holds the next changes after it
that are *final*: on PostgreSQL, written by a transaction older than every transaction
still running (see :mod:`events.models.change`). A change that is still being written is
therefore not skipped: it waits until its transaction has finished, then comes after the
cursor the client holds. Each change is returned once; a client that stores the cursor
of each page and asks for the next one reads every committed change exactly once.

The log does not grow for ever: :func:`prune` removes changes older than
``CHANGES_KEEP_DAYS``, but never one after the newest snapshot's cursor (so a client can
always load that snapshot and follow the feed from it) nor one a webhook has yet to be
sent. A cursor from before the pruned part is refused with :class:`CursorExpired`, never
silently read on from the next change left.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from events.models import Change, ChangePrune
from events.models.change import feed_horizon

CURSOR_RE = re.compile(r"^(\d{1,19})-(\d{1,19})$")
START = (0, 0)


class BadCursor(ValueError):
    pass


class CursorExpired(Exception):
    """The cursor is before changes that have been pruned: the reader may have missed some,
    and must load a snapshot (``/api/v1/exports/``) and follow the feed from its cursor."""

    def __init__(self, pruned: tuple[int, int]):
        self.pruned = pruned
        super().__init__(
            f"Changes up to {format_cursor(pruned)} have been pruned, so a reader at this "
            "cursor may have missed some: load the latest snapshot (/api/v1/exports/) and "
            "follow the feed from the cursor in its manifest."
        )


def parse_cursor(raw: str | None) -> tuple[int, int]:
    if raw is None or raw == "":
        return START
    match = CURSOR_RE.match(raw)
    if not match:
        raise BadCursor(
            f"“{raw}” is not a change-feed cursor: give the “cursor” of the last page you "
            "read (like 0-0 for the start)."
        )
    return int(match[1]), int(match[2])


def format_cursor(position: tuple[int, int]) -> str:
    return f"{position[0]}-{position[1]}"


@dataclass
class FeedPage:
    changes: list[Change]
    cursor: str  # where the next page starts (unchanged when there was nothing new)
    has_more: bool


def pruned_through() -> tuple[int, int] | None:
    """The position of the last change removed by :func:`prune` (None: none ever was)."""
    return (
        ChangePrune.objects.order_by("-txid", "-change_id")
        .values_list("txid", "change_id")
        .first()
    )


def read_page(after: tuple[int, int], size: int) -> FeedPage:
    """The next ``size`` final changes after ``after`` (:class:`CursorExpired` if changes
    after it were pruned)."""
    pruned = pruned_through()
    if pruned is not None and after < pruned:
        raise CursorExpired(pruned)
    horizon = feed_horizon()
    rows = list(Change.objects.final(horizon).after(*after).order_by("txid", "id")[: size + 1])
    page = rows[:size]
    position = (page[-1].txid, page[-1].id) if page else after
    return FeedPage(changes=page, cursor=format_cursor(position), has_more=len(rows) > size)


def current_cursor() -> str:
    """A cursor from which a client that has everything committed now may follow the feed.

    On PostgreSQL it sits just before the horizon, so changes of transactions still
    running are read later (a client may see a few changes it already has: fetching
    again is harmless). Call it inside the transaction whose snapshot the client copied.
    """
    horizon = feed_horizon()
    if horizon is None:
        last = Change.objects.order_by("-id").values_list("id", flat=True).first()
        return format_cursor((0, last or 0))
    return format_cursor(_before_own(horizon, (horizon.snapshot_edge - 1, 2**63 - 1)))


def _before_own(horizon, position: tuple[int, int]) -> tuple[int, int]:
    """Keep ``position`` before the changes the reader's own transaction writes from now on
    (at ``(own, id)`` with ids above every id there is now), if it has an id already: only
    a caller that goes on writing in the same transaction, as a test does."""
    if horizon.own is None:
        return position
    last = Change.objects.order_by("-id").values_list("id", flat=True).first()
    return min(position, (horizon.own, last or 0))


def end_cursor() -> str:
    """The feed's end now: after every final change, so a reader starting here is given
    only the changes made from now on (and, on PostgreSQL, those of transactions still
    running, which are not final yet). Where a webhook starts."""
    horizon = feed_horizon()
    if horizon is None:
        return current_cursor()
    final = Change.objects.all()
    if horizon.running is not None:
        final = final.filter(txid__lt=horizon.running)
    last = final.order_by("-txid", "-id").values_list("txid", "id").first()
    start = parse_cursor(current_cursor())
    return format_cursor(_before_own(horizon, max(start, last) if last else start))


def at_or_before(position: tuple[int, int]) -> Q:
    txid, change_id = position
    return Q(txid__lt=txid) | Q(txid=txid, id__lte=change_id)


@dataclass
class PruneResult:
    through: tuple[int, int] | None  # the new start of the log (None: nothing pruned)
    removed: int
    held_by: str  # what stopped it going further: "age", "snapshot", a webhook, …


def prune_limit(older_than: dt.datetime) -> tuple[tuple[int, int] | None, str]:
    """How far the log may be pruned: the last final change written before
    ``older_than``, but not past the newest snapshot's cursor nor any webhook's cursor."""
    from events.models.webhook import Webhook

    from .export import newest_cursor

    horizon = feed_horizon()
    old = Change.objects.final(horizon).filter(created_at__lt=older_than)
    limit = old.order_by("-txid", "-id").values_list("txid", "id").first()
    if limit is None:
        return None, f"no change older than {older_than:%Y-%m-%d %H:%M}"
    held_by = "age"
    snapshot = newest_cursor()
    if snapshot is None:
        return None, "no snapshot: run manage.py export first"
    if parse_cursor(snapshot) < limit:
        limit, held_by = parse_cursor(snapshot), f"the newest snapshot (cursor {snapshot})"
    for hook in Webhook.objects.only("pk", "cursor"):
        position = parse_cursor(hook.cursor)
        if position < limit:
            limit, held_by = position, f"webhook {hook.pk} (cursor {hook.cursor})"
    if limit <= (pruned_through() or START):
        return None, held_by
    return limit, held_by


def prune(
    older_than: dt.datetime,
    *,
    batch: int = 10_000,
    progress: Callable[[int], None] = lambda removed: None,
) -> PruneResult:
    """Remove the changes up to :func:`prune_limit`.

    The new start is recorded first, in its own transaction: from then on a cursor before
    it is refused, so deleting in batches (each its own transaction) never shows a reader
    a log with a silent gap.
    """
    limit, held_by = prune_limit(older_than)
    if limit is None:
        return PruneResult(None, 0, held_by)
    gone = Change.objects.filter(at_or_before(limit))
    with transaction.atomic():
        mark = ChangePrune.objects.create(txid=limit[0], change_id=limit[1], removed=0)
    removed = 0
    while ids := list(gone.order_by("txid", "id").values_list("id", flat=True)[:batch]):
        with transaction.atomic():
            removed += Change.objects.filter(id__in=ids).delete()[0]
        progress(len(ids))
    ChangePrune.objects.filter(pk=mark.pk).update(removed=removed)
    return PruneResult(limit, removed, held_by)
