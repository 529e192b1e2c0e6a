"""The API's read limits, per IP for anonymous clients and per user for token clients, and
the ``RateLimit-Limit`` / ``-Remaining`` / ``-Reset`` headers (the IETF draft fields) that
tell every API client where it stands.

Counted by events/throttling.py's atomic counter (one increment per request in the shared
cache), so a limit of N lets through at most N per window; rates are read per request (so
settings can change in tests). With the cache down they fail open: the API serves on.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from events.throttling import Decision, Window, peek, window

STATE_ATTR = "api_rate_limit"  # on the Django request: the most restrictive Decision seen
TAKEN_ATTR = "api_counts_taken"  # on the Django request: counter name → its Decision


class _CounterThrottle(BaseThrottle):
    scope = ""

    def ident(self, request) -> str | None:
        raise NotImplementedError

    def rate(self) -> str:
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def window(self, request) -> Window | None:
        """The client's counter for the current window (None: not this throttle's client)."""
        ident = self.ident(request)
        return None if ident is None else window(f"api-{self.scope}", ident, self.rate())

    def allow_request(self, request, view):
        counter = self.window(request)
        if counter is None:
            return True
        self.decision = take(request, counter)
        return self.decision.allowed

    def wait(self):
        return self.decision.retry_after

    def peek(self, request) -> Decision | None:
        """The client's standing without counting a request (for answers no throttle saw)."""
        ident = self.ident(request)
        if ident is None:
            return None
        return peek(f"api-{self.scope}", ident, self.rate())


def take(request, counter: Window, count: int | None = None) -> Decision:
    """Count this request against ``counter`` once. ``count``: the counter's value after the
    rendered cache's lookup counted it in its own round trip (``events.cache.store``). A
    request already counted (by that lookup, then reaching DRF's throttle on a miss) reuses
    its decision: it is never counted twice."""
    django_request = getattr(request, "_request", request)
    taken = django_request.__dict__.setdefault(TAKEN_ATTR, {})
    decision = taken.get(counter.name)
    if decision is None:
        decision = counter.count() if count is None else counter.decide(count)
        taken[counter.name] = decision
        remember(request, decision)
    return decision


def remember(request, decision: Decision) -> None:
    """Keep the most restrictive standing seen for this request."""
    django_request = getattr(request, "_request", request)
    current = getattr(django_request, STATE_ATTR, None)
    if current is None or decision.remaining < current.remaining:
        setattr(django_request, STATE_ATTR, decision)


class AnonReadThrottle(_CounterThrottle):
    """Anonymous clients, counted per IP address."""

    scope = "anon"

    def ident(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None  # UserReadThrottle counts them
        return self.get_ident(request)


class UserReadThrottle(_CounterThrottle):
    """Clients with a token, counted per user (anonymous ones: not here)."""

    scope = "user"

    def ident(self, request):
        if not (request.user and request.user.is_authenticated):
            return None  # AnonReadThrottle counts anonymous clients, once
        return str(request.user.pk)


class RateLimitHeadersMiddleware:
    """``RateLimit-*`` on every ``/api/`` response: from the throttle that counted the
    request, or (for an answer given before throttling, such as a 401 or a 404 for an
    unknown path) the anonymous counter as it stands; none on a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return add_rate_limit_headers(request, self.get_response(request))


def add_rate_limit_headers(request, response):
    """Tell an ``/api/`` client where it stands (also on answers from the rendered cache)."""
    if not request.path.startswith("/api/"):
        return response
    state = getattr(request, STATE_ATTR, None)
    if state is None and response.status_code < 500:
        # Not for a 503: with the database down, asking the database cache would wait out
        # another connect timeout for nothing.
        state = AnonReadThrottle().peek(request)
    if state is not None:
        response["RateLimit-Limit"] = str(state.limit)
        response["RateLimit-Remaining"] = str(state.remaining)
        response["RateLimit-Reset"] = str(state.reset)
    return response
