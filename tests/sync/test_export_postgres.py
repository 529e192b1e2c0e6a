"""A snapshot taken while a transaction is still open on PostgreSQL (two real connections):
the snapshot cannot hold that transaction's change, so its cursor must sit before it, and
following the feed from the cursor brings it in once it commits."""

import pytest
from django.db import connection
from django.urls import reverse

from events.models import Actor
from events.sync.export import export
from tests import factories as f

from .mirror import follow
from .test_export import load
from .test_feed_postgres import LongTransaction

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL transactions"),
    pytest.mark.django_db(transaction=True),
]


def test_a_change_committed_after_the_snapshot_comes_through_the_feed(api, settings, tmp_path):
    settings.SITE_URL = "http://testserver"
    settings.EXPORT_DIR = tmp_path
    long = LongTransaction(write_first=True)
    long.start()
    assert long.ready.wait(30)
    short = f.ActorFactory(name="Committed before the snapshot")

    taken = export()
    copy = load(taken.path, taken.manifest)
    assert reverse("api:actor-detail", kwargs={"slug": short.slug}) in copy
    assert not any("written-by-the-long" in path for path in copy)  # not committed yet

    long.may_commit.set()
    long.join(30)
    assert long.error is None
    late = Actor.objects.get(pk=long.actor_id)
    follow(api, copy, taken.manifest["cursor"])
    assert reverse("api:actor-detail", kwargs={"slug": late.slug}) in copy
    fresh = export()
    assert copy == load(fresh.path, fresh.manifest)
