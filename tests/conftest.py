"""Shared fixtures: the Crocus record is loaded once per test database.

``django_db_setup`` loads it after migrations, so every database test sees the record and
rolls back its own changes. Transactional tests (live_server, browser) end with a flush that
empties the database; the rows are then put back from a copy taken after the load
(tests/snapshot.py), so every test starts from the same record whatever ran before it.
"""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db.models.signals import post_migrate

from events.models import Event
from tests import snapshot

CROCUS_ATTACK_SLUG = "crocus-city-hall-attack"
# The data migrations that create the editorial groups and grant them permissions.
GROUP_MIGRATIONS = [
    "0008_editorial_groups",
    "0010_summary_version_permissions",
    "0011_proposals",
]

# Local replay servers (page_server, wikidata_server) for code that calls out.
pytest_plugins = ["tests.replay"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_crocus", verbosity=0)
        snapshot.take()
    # Django's flush ends with post_migrate (for each app; ``events`` is the last): the rows
    # come back then, when the flush is the one that ends a test.
    post_migrate.connect(
        _restore_after_a_tests_flush,
        sender=django_apps.get_app_config("events"),
        dispatch_uid="tests.restore-the-record-after-flush",
    )


_tearing_down = False  # a test's fixtures are being torn down (pytest_runtest_teardown)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    global _tearing_down
    _tearing_down = True
    try:
        return (yield)
    finally:
        _tearing_down = False


def _restore_after_a_tests_flush(using, **kwargs):
    # A test that flushes on purpose (to start from an empty database) keeps it empty.
    if _tearing_down:
        snapshot.restore(using)


@pytest.fixture
def crocus(db):
    """The Crocus City Hall attack event, with its whole record loaded."""
    return Event.objects.get(slug=CROCUS_ATTACK_SLUG)


@pytest.fixture
def editorial_groups(db):
    """The Editors and Publishers groups, as the migrations make them (idempotent: the
    record's copy holds them too; a test that flushed on purpose has none)."""
    make_editorial_groups()


def make_editorial_groups(using: str = "default") -> None:
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    create_permissions(django_apps.get_app_config("events"), verbosity=0, using=using)
    for module in GROUP_MIGRATIONS:
        migration = importlib.import_module(f"events.migrations.{module}")
        for name in (migration.EDITORS, migration.PUBLISHERS):
            group, _ = Group.objects.using(using).get_or_create(name=name)
            group.permissions.add(
                *Permission.objects.using(using).filter(
                    content_type__app_label="events", codename__in=migration.codenames_for(name)
                )
            )


@pytest.fixture
def one_throttle_window(monkeypatch):
    """Pin the throttles' clock half-way through an hour and a minute, so a test's requests
    all count in one window however slowly they run (a window that ended between two of
    them would start the count afresh, and a limit would seem not to hold)."""
    import time

    from events import throttling

    pinned = time.time() // 3600 * 3600 + 1830.0
    monkeypatch.setattr(throttling, "clock", lambda: pinned)
    return pinned


@pytest.fixture(autouse=True)
def _fresh_rendered_cache():
    """Each test starts with a new generation of the rendered-document cache.

    The generation lives outside the database (a directory, or Redis), so the rows a test
    wrote and rolled back would otherwise still match the bodies it rendered from them.
    """
    from django.test.signals import setting_changed

    from events.cache import changes

    changes._unsent_bump = None  # a test that made the cache unreachable leaves no retry
    changes.bump()
    # A body rendered under other settings (map tiles, throttles…) is not served after a
    # test changes them: the cache only watches the database.
    setting_changed.connect(_bump_on_setting_change, dispatch_uid="tests.fresh-rendered-cache")


def _bump_on_setting_change(setting, **kwargs):
    from events.cache.changes import bump

    if setting != "CACHES":  # (a new cache has nothing rendered under the old settings)
        bump()
