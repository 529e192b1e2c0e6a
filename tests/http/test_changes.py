"""What counts as a write, and the signal that names what to purge, sent only on commit."""

import time

import pytest
from django.db import transaction

from events import models as m
from events.cache import changes, store
from events.cache.changes import (
    ALL_KEY,
    GENERATION_KEY,
    generation,
    public_data_changed,
    written_tables,
)


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ('SELECT "events_event"."id" FROM "events_event"', set()),
        ('INSERT INTO "events_claim" ("text") VALUES (%s)', {"events_claim"}),
        ('UPDATE "events_actor" SET "name" = %s', {"events_actor"}),
        ("update events_actor set name = 'x'", {"events_actor"}),
        ('DELETE FROM "events_event" WHERE "id" = 1', {"events_event"}),
        (
            'TRUNCATE "events_event", "auth_user", "events_claim";',
            {"events_event", "events_claim"},
        ),
        ("WITH x AS (SELECT 1) SELECT * FROM x", set()),
        ("WITH x AS (DELETE FROM events_claim RETURNING id) SELECT * FROM x", {ALL_KEY}),
        ("ALTER TABLE events_event ADD COLUMN x int", {ALL_KEY}),
        ('UPDATE "django_session" SET "expire_date" = %s', set()),
        ('INSERT INTO "newsbase_cache" VALUES (%s)', set()),
        ('INSERT INTO "events_historicalevent" VALUES (%s)', set()),
        ('INSERT INTO "auth_user" VALUES (%s)', set()),
        ("SAVEPOINT s1", set()),
        (b"UPDATE events_event SET title = 'x'", {ALL_KEY}),
    ],
)
def test_what_a_statement_writes(sql, tables):
    assert written_tables(sql) == tables


@pytest.fixture
def heard():
    keys = []

    def receiver(sender, **kwargs):
        keys.append(kwargs["keys"])

    public_data_changed.connect(receiver, weak=False, dispatch_uid="test-heard")
    yield keys
    public_data_changed.disconnect(dispatch_uid="test-heard")


@pytest.mark.django_db(transaction=True)
def test_keys_are_named_on_commit_and_never_for_a_rollback(heard):
    actor = m.Actor.objects.create(name="Someone", slug="someone", status=m.Status.PUBLISHED)
    heard.clear()
    with transaction.atomic():
        m.Actor.objects.filter(pk=actor.pk).update(name="Someone else")
        m.ActorAlias.objects.create(actor=actor, name="S. Else", language="en")
        assert heard == []  # not before the commit
        inside = generation()
    # (events_change: the change feed's log, written in the same transaction by events.sync)
    assert heard == [frozenset({"events_actor", "events_actoralias", "events_change"})]
    assert generation() != inside  # moved again on commit: nothing rendered inside survives

    heard.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        m.Actor.objects.filter(pk=actor.pk).update(name="Never")
        raise RuntimeError
    assert heard == []


def test_entries_rendered_while_a_replica_may_lag_are_kept_briefly():
    # (the lag is passed in: overriding settings.DATABASES would reconnect the test's
    # database and leave later tests counting the new connection's set-up queries)
    fresh = generation()
    assert 1 <= store.timeout_for(fresh, lag=5) <= 6
    assert store.timeout_for("1000.0-old", lag=5) == store.TIMEOUT
    assert store.timeout_for(fresh, lag=0) == store.TIMEOUT
    assert store.replica_lag() == 0  # no DATABASE_REPLICA_URL in tests


def test_shared_caches_keep_a_body_no_longer_than_the_rendered_cache(settings):
    """Varnish, purged on commit, must not then keep for a whole max-age a body read from a
    replica that had not replayed the commit yet."""
    fresh = generation()
    assert 1 <= store.shared_max_age(fresh, lag=5) <= 6
    assert store.shared_max_age("1000.0-old", lag=5) == settings.HTTP_CACHE_MAX_AGE
    assert store.shared_max_age(fresh, lag=0) == settings.HTTP_CACHE_MAX_AGE
    assert store.shared_max_age() == settings.HTTP_CACHE_MAX_AGE  # no replica in tests


def test_a_write_not_announced_moves_the_generation_before_anything_is_served(monkeypatch):
    from django.core.cache import caches

    before = generation()
    # As after a failed bump (the cache was unreachable), its retry now due:
    monkeypatch.setattr(changes, "_unsent_bump", time.monotonic() - changes.RETRY_SECONDS)
    found = store.lookup("any-url")
    assert found.entry is None
    assert found.generation == caches["http"].get(GENERATION_KEY) != before
    assert not changes.pending_bump()


def test_bump_cache_is_for_writes_made_outside_django(heard):
    from django.core.management import call_command

    before = generation()
    call_command("bump_cache", verbosity=0)
    assert generation() != before
    assert heard == [frozenset({ALL_KEY})]


def representation(size: int) -> store.Representation:
    return store.Representation(
        status=200,
        headers=[],
        body=b"x" * size,
        digest=str(size),
        last_modified=0,
        vary=(),
        compressible=False,
    )


def test_a_worker_keeps_its_last_bodies_within_its_byte_budget(settings):
    settings.RENDERED_LOCAL_BYTES = 1000
    kept = store.LocalEntries()
    for name in "abc":
        kept.put(name, "g1", representation(400), timeout=60)
    assert kept.get("a") is None  # the least recently used went to stay under 1000 bytes
    assert kept.get("b")[0] == "g1" and kept.get("c")[1].body == b"x" * 400
    kept.put("huge", "g1", representation(1001), timeout=60)
    assert kept.get("huge") is None and kept.get("b") is not None  # too big to keep at all
    kept.put("gone", "g1", representation(10), timeout=0)
    assert kept.get("gone") is None  # no longer than the shared entry may live


def test_a_kept_body_is_served_only_under_the_generation_it_was_rendered_at(settings):
    kept = representation(10)
    before = generation()
    store.save("some-url", before, kept)
    assert store.lookup("some-url") == store.Found(before, kept)
    changes.bump()
    found = store.lookup("some-url")
    assert found.generation != before and found.entry is None
    assert store.local.get("some-url") is None  # the stale one is let go
