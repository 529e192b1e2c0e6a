"""Rate limits that hold: one atomic counter per client and window, in the shared cache.

``hit(scope, ident, rate)`` counts a request with newsbase.cache's ``count`` (Redis
``INCR``, or the database cache's counter under a row lock: atomic across every gunicorn
worker either way), in fixed windows of the rate's period: a limit of N
lets through at most N requests per window, however many arrive at once. (DRF's own
throttles read a list, append and write it back, so concurrent requests overwrote each other
and 139 got through a limit of 120, issue 12.)

When the cache is down the counter cannot count: read limits fail open (the site serves);
a caller that must fail closed passes ``fail_closed=True``.

``PageThrottleMiddleware`` gives the reader pages and the site search their own generous
per-IP limits (settings.PAGE_THROTTLE_RATES); the API's limits are in events/api/throttling.py.
"""

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle

from newsbase.cache import UNAVAILABLE
from newsbase.cache import count as count_hit

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # seconds until the window ends (0 when allowed)
    limit: int = 0  # the rate's N: what the RateLimit-* headers report
    remaining: int = 0  # requests left in this window after this one
    reset: int = 0  # seconds until the window ends


def parse_rate(rate: str) -> tuple[int, int]:
    """``"120/minute"`` → (120, 60)."""
    number, period = rate.split("/")
    return int(number), PERIODS[period.strip()[0]]


clock = time.time  # what "now" is for the windows (tests pin it inside one window)


def _window(scope: str, ident: str, period: int) -> tuple[str, int]:
    """The counter's key for the current window, and the seconds until that window ends."""
    now = clock()
    window = int(now // period)
    return f"rl:{scope}:{ident}:{window}", max(1, math.ceil((window + 1) * period - now))


def hit(scope: str, ident: str, rate: str, *, fail_closed: bool = False) -> Decision:
    """Count one request of ``ident`` against ``rate`` and say whether it may pass."""
    limit, period = parse_rate(rate)
    key, reset = _window(scope, ident, period)
    try:
        # The key outlives its window by a whole period, so it never expires between a
        # check and the count that follows.
        count = count_hit(key, 2 * period)
    except UNAVAILABLE:
        if fail_closed:
            return Decision(False, retry_after=period, limit=limit, reset=period)
        return Decision(True, retry_after=0, limit=limit, remaining=limit, reset=reset)
    remaining = max(limit - count, 0)
    if count > limit:
        return Decision(False, retry_after=reset, limit=limit, reset=reset)
    return Decision(True, retry_after=0, limit=limit, remaining=remaining, reset=reset)


def peek(scope: str, ident: str, rate: str) -> Decision | None:
    """Where ``ident`` stands against ``rate``, without counting a request (None: the cache
    cannot say)."""
    limit, period = parse_rate(rate)
    key, reset = _window(scope, ident, period)
    try:
        count = caches["default"].get(key, 0)
    except UNAVAILABLE:
        return None
    remaining = max(limit - int(count), 0)
    return Decision(
        remaining > 0,
        retry_after=0 if remaining else reset,
        limit=limit,
        remaining=remaining,
        reset=reset,
    )


def client_ident(request) -> str:
    """The client's address as the API's throttles see it (NUM_PROXIES, X-Forwarded-For)."""
    return BaseThrottle().get_ident(request)


class PageThrottleMiddleware:
    """Per-IP limits for reader pages and search (429 + Retry-After past the limit).

    The admin, the API (throttled by DRF), static files and /healthz are not counted.
    """

    EXEMPT_PREFIXES = ("/admin/", "/api/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rates = settings.PAGE_THROTTLE_RATES
        path = request.path_info
        if rates and not path.startswith(self.EXEMPT_PREFIXES):
            scope = "search" if path.startswith("/search/") else "pages"
            rate = rates.get(scope)
            if rate:
                decision = hit(scope, client_ident(request), rate)
                if not decision.allowed:
                    return self.too_many(request, decision)
        return self.get_response(request)

    def too_many(self, request, decision: Decision):
        response = render(
            request,
            "events/too_many_requests.html",
            {"retry_after": decision.retry_after},
            status=429,
        )
        response["Retry-After"] = str(decision.retry_after)
        response["Cache-Control"] = "no-store"
        return response
