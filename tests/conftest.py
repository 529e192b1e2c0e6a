"""Shared fixtures: the Crocus record is loaded once per test database.

``django_db_setup`` loads it after migrations, so every database test sees the record and
rolls back its own changes. Transactional tests (live_server, browser) flush the database
when they end; pytest-django runs them after the others, and the ``crocus`` fixture reloads
the record if a flush removed it.
"""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from events.models import Event

CROCUS_ATTACK_SLUG = "crocus-city-hall-attack"

# Local replay servers (page_server, wikidata_server) for code that calls out.
pytest_plugins = ["tests.replay"]


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


@pytest.fixture
def editorial_groups(db):
    """The Editors and Publishers groups, as migration 0008 makes them.

    A data migration's rows do not survive the flush that ends a transactional test, so
    tests that need the groups after one ask for this (creating them is idempotent).
    """
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    migration = importlib.import_module("events.migrations.0008_editorial_groups")
    create_permissions(django_apps.get_app_config("events"), verbosity=0)
    for name in (migration.EDITORS, migration.PUBLISHERS):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="events", codename__in=migration.codenames_for(name)
            )
        )
