"""Shared fixtures: the Crocus record is loaded once per test database.

``django_db_setup`` loads it after migrations, so every database test sees the record and
rolls back its own changes. Transactional tests (live_server, browser) flush the database
when they end; pytest-django runs them after the others, and the ``crocus`` fixture reloads
the record if a flush removed it.
"""

import pytest
from django.core.management import call_command

from events.models import Event

CROCUS_ATTACK_SLUG = "crocus-city-hall-attack"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_crocus", verbosity=0)


@pytest.fixture
def crocus(db):
    """The Crocus City Hall attack event, with its whole record loaded."""
    event = Event.objects.filter(slug=CROCUS_ATTACK_SLUG).first()
    if event is None:
        call_command("load_crocus", verbosity=0)
        event = Event.objects.get(slug=CROCUS_ATTACK_SLUG)
    return event
