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


@dataclass(frozen=True)
class Window:
    """One client's counter (``name``: scope and ident) in the window of a rate current when
    it was made."""

    name: str
    key: str
    limit: int
    period: int
    reset: int  # seconds until the window ends

    @property
    def timeout(self) -> int:
        # The key outlives its window by a whole period, so it never expires between a
        # check and the count that follows.
        return 2 * self.period

    def count(self, *, fail_closed: bool = False) -> Decision:
        """Count one request and say whether it may pass."""
        try:
            count = count_hit(self.key, self.timeout)
        except UNAVAILABLE:
            if fail_closed:
                return Decision(
                    False, retry_after=self.period, limit=self.limit, reset=self.period
                )
            return Decision(
                True, retry_after=0, limit=self.limit, remaining=self.limit, reset=self.reset
            )
        return self.decide(count)

    def decide(self, count: int) -> Decision:
        """Whether the request that brought the counter to ``count`` may pass."""
        if count > self.limit:
            return Decision(False, retry_after=self.reset, limit=self.limit, reset=self.reset)
        return Decision(
            True,
            retry_after=0,
            limit=self.limit,
            remaining=max(self.limit - count, 0),
            reset=self.reset,
        )


def window(scope: str, ident: str, rate: str) -> Window:
    """``ident``'s counter for the window of ``rate`` that is current now."""
    limit, period = parse_rate(rate)
    now = clock()
    current = int(now // period)
    reset = max(1, math.ceil((current + 1) * period - now))
    name = f"{scope}:{ident}"
    return Window(name, f"rl:{name}:{current}", limit, period, reset)


def hit(scope: str, ident: str, rate: str, *, fail_closed: bool = False) -> Decision:
    """Count one request of ``ident`` against ``rate`` and say whether it may pass."""
    return window(scope, ident, rate).count(fail_closed=fail_closed)


def peek(scope: str, ident: str, rate: str) -> Decision | None:
    """Where ``ident`` stands against ``rate``, without counting a request: the decision
    the window's last counted request got (None: the cache cannot say)."""
    counter = window(scope, ident, rate)
    try:
        count = caches["default"].get(counter.key, 0)
    except UNAVAILABLE:
        return None
    return counter.decide(int(count))


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
