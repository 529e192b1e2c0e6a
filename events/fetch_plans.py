"""Fetch plans that fail loudly in tests when something reads past them.

The read layer's plans (events/reads) name every relation the API's renderers
(events/api/render.py) and the pages' templates read. With ``FETCH_PLANS_RAISE`` on (test
settings), their querysets run in Django's ``FETCH_RAISE`` mode, so a lazy load the plan
did not foresee raises in every test instead of silently adding a query per row.
"""

from django.conf import settings
from django.db.models.fetch_modes import FETCH_RAISE


def guarded(queryset):
    """``queryset`` in FETCH_RAISE mode when FETCH_PLANS_RAISE is on, else unchanged."""
    return queryset.fetch_mode(FETCH_RAISE) if settings.FETCH_PLANS_RAISE else queryset
