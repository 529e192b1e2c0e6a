"""Which tables a statement writes or reads, and the record's generation that writes move on.

Completeness comes from where this sits: an execute wrapper on every database connection
Django opens, so every write Django sends is seen, whether it comes from a view, the admin,
a service, a loader, ``QuerySet.update()``, ``bulk_create()``, a migration or a raw cursor.
A statement that is not plainly a read counts as a write; a write whose table cannot be
named counts as a write to everything. Writes outside Django (psql, a raw ``COPY``) must
call ``bump()`` themselves (``manage.py bump_cache``; the benchmark's loader does).

On a write the generation moves at once (so readers inside the same transaction, such as
tests, see the change) and again when the transaction commits (so no reader can keep a body
rendered from the rows as they were before the commit under the new generation). Then
``public_data_changed`` is sent with the surrogate keys of the tables written.
"""

import contextvars
import logging
import re
import time
import uuid

from django.core.cache import caches
from django.db import connections
from django.dispatch import Signal
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Sent on commit, after the generation moved: ``keys`` is a frozenset of surrogate keys
# (table names, or ALL_KEY) whose responses are stale. Varnish's purger listens here.
public_data_changed = Signal()

ALL_KEY = "newsbase"  # every public response carries it; purging it purges everything
GENERATION_KEY = "generation"
# Tables no public response reads: sessions, users and tokens, login throttling, the
# admin's log, the cache tables themselves, the editorial history.
PRIVATE_TABLE_PREFIXES = (
    "django_",
    "auth_",
    "authtoken_",
    "axes_",
    "newsbase_cache",
    "events_historical",
)
READ_RE = re.compile(
    r"\s*(?:SELECT|SAVEPOINT|RELEASE|ROLLBACK|SET|SHOW|EXPLAIN|BEGIN|COMMIT|PRAGMA|VALUES|"
    r"DECLARE|FETCH|CLOSE|LISTEN|UNLISTEN)\b",
    re.IGNORECASE,
)
WRITE_RE = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO|"
    r"TRUNCATE(?:\s+TABLE)?|COPY)\s+(?:ONLY\s+)?\"?(\w+)\"?",
    re.IGNORECASE,
)
WITH_WRITE_RE = re.compile(r"\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
TRUNCATE_RE = re.compile(r"\s*TRUNCATE\b(.*)", re.IGNORECASE | re.DOTALL)
READ_TABLES_RE = re.compile(r"\b(?:FROM|JOIN)\s+\"?(\w+)\"?", re.IGNORECASE)

_reads: contextvars.ContextVar[set | None] = contextvars.ContextVar("public_reads", default=None)


def is_public_table(table: str) -> bool:
    return not table.startswith(PRIVATE_TABLE_PREFIXES)


def written_tables(sql) -> frozenset[str]:
    """The public tables ``sql`` may write: empty for a read, {ALL_KEY} when unknown."""
    if not isinstance(sql, str):
        return frozenset({ALL_KEY})
    if READ_RE.match(sql):
        return frozenset()
    if sql.lstrip()[:4].upper() == "WITH":
        if not WITH_WRITE_RE.search(sql):
            return frozenset()
        return frozenset({ALL_KEY})
    truncate = TRUNCATE_RE.match(sql)
    if truncate:  # TRUNCATE a, b, c (a test flush names every table)
        names = re.findall(r"\"?(\w+)\"?", truncate.group(1))
        names = [n for n in names if n.upper() not in {"TABLE", "ONLY", "CASCADE", "RESTRICT"}]
        return frozenset(t for t in names if is_public_table(t))
    match = WRITE_RE.match(sql)
    if match is None:
        return frozenset({ALL_KEY})  # DDL, a procedure call, something new: assume the worst
    table = match.group(1)
    return frozenset({table}) if is_public_table(table) else frozenset()


# --- the generation -----------------------------------------------------------------------
# The shared cache may be unreachable (Redis down, the cache directory unwritable): a write
# must still succeed and a read still be answered, rendered afresh. A write whose generation
# could not be moved is remembered and the move retried (at most once a second) before this
# process serves anything from the cache again; writes made by a process that ends during
# the outage need ``manage.py bump_cache`` once the cache is back (docs/caching.md).
CACHE_ERRORS = (RedisError, OSError)
RETRY_SECONDS = 1.0
_unsent_bump: float | None = None  # when a bump last failed (monotonic), None if none did


def generation() -> str | None:
    """The record's current generation: when it moved, and a random token (so a value that
    was rolled back never recurs), as ``"<unix time>-<token>"``; None while the shared cache
    cannot be reached or a write of this process is not announced yet (then nothing is
    served from the rendered cache, nor stored into it)."""
    if _unsent_bump is not None and not bump():
        return None
    cache = caches["http"]
    try:
        current = cache.get(GENERATION_KEY)
        if current is None:
            cache.add(GENERATION_KEY, _new_generation(), None)
            current = cache.get(GENERATION_KEY)
    except CACHE_ERRORS as exc:
        logger.warning("rendered cache unreachable, rendering afresh: %s", exc)
        return None
    return current


def pending_bump() -> bool:
    """Whether a write of this process has not moved the generation yet."""
    return _unsent_bump is not None


def _new_generation() -> str:
    return f"{time.time():.3f}-{uuid.uuid4().hex[:16]}"


def generation_age(value: str) -> float:
    """Seconds since the generation ``value`` began."""
    return time.time() - float(value.split("-", 1)[0])


def bump() -> bool:
    """Move the generation on; False if the shared cache could not be reached (retried)."""
    global _unsent_bump
    if _unsent_bump is not None and time.monotonic() - _unsent_bump < RETRY_SECONDS:
        return False
    try:
        caches["http"].set(GENERATION_KEY, _new_generation(), None)
    except CACHE_ERRORS as exc:
        if _unsent_bump is None:
            logger.warning("could not move the rendered cache's generation: %s", exc)
        _unsent_bump = time.monotonic()
        return False
    _unsent_bump = None
    return True


def announce_outside_write() -> None:
    """After a change the database did not see (files on disk, psql): every cached public
    body is rendered afresh, and the HTTP caches in front are purged."""
    bump()
    public_data_changed.send(sender=__name__, keys=frozenset({ALL_KEY}))


def _committed(connection) -> None:
    """After commit (or at once, outside a transaction): move on and name what changed.

    Every write statement in a transaction schedules this; the first to run takes the
    pending keys, the rest find none. Keys left by a rolled-back transaction are sent with
    the next commit: a purge too many, never one too few.
    """
    keys = frozenset(getattr(connection, "_public_changes", ()))
    if not keys:
        return
    connection._public_changes = set()
    bump()
    public_data_changed.send(sender=__name__, keys=keys)


def watch_statement(execute, sql, params, many, context):
    """The execute wrapper every connection gets (``install``)."""
    result = execute(sql, params, many, context)
    written = written_tables(sql)
    if written:
        connection = context["connection"]
        bump()
        if not hasattr(connection, "_public_changes"):
            connection._public_changes = set()
        connection._public_changes |= written
        if connection.in_atomic_block:
            connection.on_commit(lambda: _committed(connection))
        else:
            _committed(connection)
    else:
        reads = _reads.get()
        if reads is not None and isinstance(sql, str):
            reads.update(t for t in READ_TABLES_RE.findall(sql) if is_public_table(t))
    return result


def install(sender=None, connection=None, **kwargs) -> None:
    """Put the wrapper on a connection (``connection_created``), once."""
    targets = [connection] if connection is not None else connections.all(initialized_only=True)
    for conn in targets:
        if watch_statement not in conn.execute_wrappers:
            conn.execute_wrappers.append(watch_statement)


class collecting_reads:
    """Within it, the public tables every statement reads are gathered: surrogate keys."""

    def __enter__(self) -> set:
        self.tables = set()
        self.token = _reads.set(self.tables)
        return self.tables

    def __exit__(self, *exc) -> None:
        _reads.reset(self.token)
