"""Read throttles whose rates are looked up per request (so settings can change in tests)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _LiveRateMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class AnonReadThrottle(_LiveRateMixin, AnonRateThrottle):
    """Anonymous clients, counted per IP address in the shared cache."""


class UserReadThrottle(_LiveRateMixin, UserRateThrottle):
    """Clients with a token, counted per user in the shared cache (anonymous: not here)."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # AnonReadThrottle counts anonymous clients, once
        return super().get_cache_key(request, view)
