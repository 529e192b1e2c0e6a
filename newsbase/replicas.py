"""Public reads from a streaming replica, without surprising anyone.

Active only when ``DATABASE_REPLICA_URL`` is set (settings add the ``replica`` alias, this
router and this middleware). The rules, in one place:

- A request is served from the replica only when it is a GET or HEAD outside /admin/ from
  a client that has not written recently, and the replica is up and no further behind the
  primary than ``DATABASE_REPLICA_MAX_LAG`` seconds. Everything else reads the primary:
  writes, the admin, management commands and shells (no request), and any read inside a
  transaction on the primary.
- Read-your-writes: every unsafe request (POST, PUT, PATCH, DELETE: a save, a login) pins
  its client to the primary for the lag bound plus one check interval, with a cookie. When
  the pin ends the replica is known to be less than the bound behind, so it has the write;
  until then the client reads the primary (and, having a cookie, passes the HTTP cache).
- The replica's lag is measured on the replica itself at most once per
  ``REPLICA_CHECK_INTERVAL`` per process: zero when it has replayed everything it received,
  otherwise the age of the last transaction it replayed (``LAG_SQL``).
- A safe request whose read fails on one database (the replica stopped, a connection
  terminated) is answered again from the other one; a failing admin request gets the
  "temporarily read-only" page (503, Retry-After), never a half-finished save: admin writes
  run in one transaction on the primary, which either commits or leaves nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.shortcuts import render

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
PIN_COOKIE = "nb_primary_until"
SAFE_METHODS = {"GET", "HEAD"}
CONNECTION_ERRORS = (OperationalError, InterfaceError)
# How long a process trusts one measurement of the replica (seconds).
REPLICA_CHECK_INTERVAL = 1.0
RETRY_AFTER_SECONDS = 10

# Where this request's reads go; outside a request (commands, shells): the primary.
_read_alias: contextvars.ContextVar[str] = contextvars.ContextVar("read_alias", default=PRIMARY)

# Zero when the replica has replayed all it received (or receives nothing: the primary is
# away, and what it has is the best there is); otherwise the age of its last replayed
# commit, which over-states the lag when the primary was idle before a burst (safe side).
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN COALESCE(pg_last_wal_receive_lsn(), '0/0') <= pg_last_wal_replay_lsn() THEN 0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""


def max_lag() -> float:
    return float(settings.DATABASE_REPLICA_MAX_LAG)


def pin_seconds() -> float:
    return max_lag() + REPLICA_CHECK_INTERVAL


class ReplicaHealth:
    """This process's latest measurement of the replica: usable or not, and why."""

    def __init__(self) -> None:
        self.checked_at = float("-inf")
        self.usable = False
        self.reason = "not checked yet"

    def check(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if now - self.checked_at < REPLICA_CHECK_INTERVAL:
            return self.usable
        self.checked_at = now
        self.usable, self.reason = self._measure()
        if not self.usable:
            logger.info("reads go to the primary: %s", self.reason)
        return self.usable

    def mark_down(self, reason: str) -> None:
        self.checked_at, self.usable, self.reason = time.monotonic(), False, reason
        logger.warning("replica marked down: %s", reason)

    @staticmethod
    def _measure() -> tuple[bool, str]:
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(LAG_SQL)
                (lag,) = cursor.fetchone()
        except DatabaseError as exc:
            _discard(REPLICA)
            return False, f"replica unreachable: {exc}".strip()
        if lag is None:
            return False, "replica lag unknown (nothing replayed yet)"
        if float(lag) > max_lag():
            return False, f"replica {float(lag):.1f}s behind (bound {max_lag():g}s)"
        return True, f"replica {float(lag):.2f}s behind"


health = ReplicaHealth()


def _discard(alias: str) -> None:
    """Drop a connection that failed, so the next use opens a fresh one."""
    with contextlib.suppress(DatabaseError):
        connections[alias].close()


def is_pinned(request, now: float | None = None) -> bool:
    try:
        until = float(request.COOKIES.get(PIN_COOKIE, ""))
    except ValueError:
        return False
    return until > (time.time() if now is None else now)


def is_admin(request) -> bool:
    return request.path_info.startswith("/admin/")


def choose_read_alias(request) -> str:
    if request.method not in SAFE_METHODS or is_admin(request) or is_pinned(request):
        return PRIMARY
    return REPLICA if health.check() else PRIMARY


class ReplicaRouter:
    """Reads follow the request's choice (``ReplicaMiddleware``); writes, migrations and
    reads inside a transaction on the primary stay on the primary."""

    def db_for_read(self, model, **hints):
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return _read_alias.get()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class ReplicaMiddleware:
    """Chooses where this request reads, pins writers to the primary and answers a read
    again from the other database when one fails. Last in MIDDLEWARE, so its
    process_exception is the first to see a view's database error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _read_alias.set(choose_read_alias(request))
        try:
            response = self.get_response(request)
        finally:
            _read_alias.reset(token)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + pin_seconds():.3f}",
                max_age=int(pin_seconds()) + 1,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, CONNECTION_ERRORS):
            return None
        failed = _read_alias.get()
        _discard(failed)
        if is_admin(request):
            return read_only_page(request)
        if request.method not in SAFE_METHODS or request.resolver_match is None:
            return None
        if failed == REPLICA:
            health.mark_down(str(exception).strip())
            other = PRIMARY
        else:
            # The primary is away: a replica past the lag bound (or whose lag is unknown, as
            # just after a restart) still holds a consistent, recent record, and serving it
            # beats an error page. Only an unreachable replica leaves nothing to read.
            other = REPLICA
        logger.warning(
            "%s failed on %s, read again from %s: %s",
            request.path,
            failed,
            other,
            str(exception).strip(),
        )
        _read_alias.set(other)
        match = request.resolver_match
        try:
            response = match.func(request, *match.args, **match.kwargs)
            if callable(getattr(response, "render", None)):
                response = response.render()
        except CONNECTION_ERRORS as again:
            logger.warning("%s failed on %s too: %s", request.path, other, str(again).strip())
            _discard(other)
            return None  # the next handler (a 503 page) answers for the original error
        return response


def read_only_page(request):
    """The admin while the primary is out of reach: say so, and when to try again."""
    response = render(
        request,
        "admin/read_only.html",
        {"retry_after": RETRY_AFTER_SECONDS, "title": "Temporarily read-only"},
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
