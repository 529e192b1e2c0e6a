"""Fixtures for search tests: the Crocus record's attack, actors and places."""

from types import SimpleNamespace

import pytest
from django.db import connection

from events.models import Actor, Location


@pytest.fixture(autouse=True)
def _postgres_only(request):
    marker = request.node.get_closest_marker("postgres")
    if marker and connection.vendor != "postgresql":
        reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
        pytest.skip(f"needs PostgreSQL: {reason or 'full-text ranking and pg_trgm'}")


@pytest.fixture
def record(crocus):
    """The attack and the actors and places the issue's searches must find."""
    return SimpleNamespace(
        attack=crocus,
        zelensky=Actor.objects.get(slug="volodymyr-zelensky"),
        iskp=Actor.objects.get(slug="islamic-state-khorasan-province"),
        islamic_state=Actor.objects.get(slug="islamic-state"),
        krasnogorsk=Location.objects.get(slug="krasnogorsk"),
    )


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("editor", password="x", is_staff=True)
