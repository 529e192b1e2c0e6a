"""What the site answers when its database is slow, locked or down: a 503, quickly.

Every PostgreSQL connection carries ``connect_timeout``, ``statement_timeout`` and
``lock_timeout`` (newsbase/settings/base.py: short for the public, longer for the admin and
management commands; ``AdminTimeoutsMiddleware`` raises them for /admin/ requests only), so
a slow query or a held lock ends in an ``OperationalError`` well before gunicorn's timeout.
That error, or a database that cannot be reached at all, becomes a 503 with ``Retry-After``
(``server_error`` for pages, events/api/errors.py for the API) instead of a 500, and the
worker lives on.

Logging: the first such error after a quiet spell is logged once, as one line; the rest of
the outage is counted, not logged per request (``SkipDatabaseUnavailable`` drops Django's
own per-request lines for them).
"""

import contextlib
import logging
import sys
import threading
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, connections
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults

logger = logging.getLogger("events.outages")

QUIET_SECONDS = 30  # an error after this long without one starts a new outage (logged)


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Down, unreachable, or a statement/lock timeout: the request cannot be answered now."""
    return isinstance(exc, OperationalError | InterfaceError)


class _Outage:
    def __init__(self):
        self.lock = threading.Lock()
        self.last_error = -float(QUIET_SECONDS)
        self.refused = 0

    def note(self, exc: BaseException) -> None:
        now = time.monotonic()
        with self.lock:
            new = now - self.last_error > QUIET_SECONDS
            previous, self.refused = self.refused, (1 if new else self.refused + 1)
            self.last_error = now
        if new:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            logger.error(
                "Database unavailable (%s: %s); answering 503 until it is back.%s",
                type(exc).__name__,
                first_line[:200],
                f" The previous outage refused {previous} requests." if previous > 1 else "",
            )


outage = _Outage()


def unavailable_response(request):
    """503 + Retry-After: JSON in the API's error shape under /api/, a page elsewhere."""
    retry_after = settings.DATABASE_RETRY_AFTER
    if request.path.startswith("/api/"):
        body = {
            "status": 503,
            "code": "unavailable",
            "detail": f"The service is temporarily unavailable; retry in {retry_after} seconds.",
            "errors": {},
        }  # the API's error shape (events/api/errors.py)
        response = JsonResponse(body, status=503)
    else:
        response = render(request, "503.html", {"retry_after": retry_after}, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, *args, **kwargs):
    """``handler500``: a database that is down, slow or locked is a 503, anything else a 500."""
    exc = sys.exc_info()[1]
    if is_database_unavailable(exc):
        outage.note(exc)
        return unavailable_response(request)
    return defaults.server_error(request, *args, **kwargs)


class SkipDatabaseUnavailable(logging.Filter):
    """Drop per-request log lines for database outages (``outage.note`` logs them once)."""

    def filter(self, record):
        if getattr(record, "status_code", None) == 503:
            return False
        exc = record.exc_info[1] if record.exc_info else None
        return not is_database_unavailable(exc)


class AdminTimeoutsMiddleware:
    """The admin's requests run with the longer admin timeouts (public ones otherwise).

    Connections open with the public ``statement_timeout`` / ``lock_timeout`` (their session
    defaults); an /admin/ request sets the admin ones and ``RESET`` returns to the defaults
    when it ends. Public requests cost no extra query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith("/admin/") or connection.vendor != "postgresql":
            return self.get_response(request)
        bounds = settings.DATABASE_TIMEOUTS["admin"]
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, false), "
                    "set_config('lock_timeout', %s, false)",
                    [f"{bounds['statement_timeout']}ms", f"{bounds['lock_timeout']}ms"],
                )
        except DatabaseError:
            # The database is away: let the view meet it, so the answer is the view's own
            # (with a replica, the "temporarily read-only" page; else the outage 503).
            connection.close_if_unusable_or_obsolete()
            return self.get_response(request)
        try:
            return self.get_response(request)
        finally:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("RESET statement_timeout; RESET lock_timeout")
            except DatabaseError:
                connection.close_if_unusable_or_obsolete()


def database_available(timeout: float) -> bool:
    """Whether a fresh connection answers ``SELECT 1`` within ``timeout`` seconds.

    Runs in a thread with its own connection, so the answer comes in time even when the
    database accepts connections and never replies (the thread ends on its own timeouts).
    """
    result: list[bool] = []

    def probe():
        conn = connections.create_connection("default")
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT 1")
                result.append(cursor.fetchone() == (1,))
        except Exception:  # any failure (refused, timeout, auth) means "not available"
            result.append(False)
        finally:
            with contextlib.suppress(Exception):  # closing a broken connection may raise
                conn.close()

    thread = threading.Thread(target=probe, name="healthz-database", daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])
