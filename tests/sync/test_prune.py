"""Pruning the change log: it stops growing, and no reader ever reads on past a gap.

The log keeps every change after the newest snapshot's cursor and every change a webhook
has yet to be sent; a cursor from before the pruned part is a 410 that says to start again
from a snapshot, never a page that silently continues from the next change left.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from events.models import Change, ChangePrune, Webhook
from events.sync.export import export
from events.sync.feed import parse_cursor, prune
from tests import factories as f
from tests.api.conftest import assert_error

from .mirror import feed_cursor, follow
from .test_export import load

# Committed for real: which changes a snapshot's cursor covers depends on which
# transactions had finished when it was taken (events.sync.feed).
pytestmark = pytest.mark.django_db(transaction=True)

SOON = dt.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def site(settings, tmp_path):
    settings.SITE_URL = "http://testserver"
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings.EXPORT_DIR


def positions() -> list[tuple[int, int]]:
    return list(Change.objects.order_by("txid", "id").values_list("txid", "id"))


def test_without_a_snapshot_nothing_is_pruned(api):
    f.ActorFactory.create_batch(3)
    before = positions()
    result = prune(timezone.now() + SOON)
    assert result.through is None and result.removed == 0
    assert "no snapshot" in result.held_by
    assert positions() == before and not ChangePrune.objects.exists()


def test_only_changes_up_to_the_newest_snapshot_go(api):
    early = f.ActorFactory(name="Before the snapshot")
    snapshot = export()
    cursor = parse_cursor(snapshot.manifest["cursor"])
    late = f.ActorFactory(name="After the snapshot")
    before = positions()
    kept = [p for p in before if p > cursor]

    result = prune(timezone.now() + SOON)

    assert result.removed == len(before) - len(kept) > 0
    assert "snapshot" in result.held_by
    assert positions() == kept
    assert not Change.objects.filter(object_id=early.pk, kind="actor").exists()
    assert Change.objects.filter(object_id=late.pk, kind="actor").exists()
    assert ChangePrune.objects.get().removed == result.removed


def test_changes_younger_than_the_cutoff_stay(api):
    f.ActorFactory()
    export()
    Change.objects.update(created_at=timezone.now() - dt.timedelta(days=100))
    f.ActorFactory()  # after the snapshot: held by it anyway
    old = Change.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=90)).count()
    result = prune(timezone.now() - dt.timedelta(days=90))
    assert result.removed == old > 0
    assert not Change.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=90))


def test_a_cursor_before_the_pruned_part_is_refused_and_says_what_to_do(api):
    start = feed_cursor(api)
    f.ActorFactory()
    export()
    f.ActorFactory()
    prune(timezone.now() + SOON)

    for stale in (start, "0-0"):
        body = assert_error(api.get(reverse("api:changes"), {"after": stale}), 410, "after")
        assert body["code"] == "cursor_expired"
        assert "/api/v1/exports/" in body["errors"]["after"][0]
    txid, change_id = ChangePrune.objects.values_list("txid", "change_id").get()
    at_the_start = api.get(reverse("api:changes"), {"after": f"{txid}-{change_id}"})
    assert at_the_start.status_code == 200, at_the_start.content


def test_a_client_loading_the_snapshot_then_following_misses_nothing(api, crocus):
    snapshot = export()
    copy = load(snapshot.path, snapshot.manifest)
    crocus.title = "Crocus City Hall attack (renamed after the snapshot)"
    crocus.save()
    added = f.ActorFactory(name="Added after the snapshot")
    prune(timezone.now() + SOON)

    follow(api, copy, snapshot.manifest["cursor"])
    fresh = export()
    assert copy == load(fresh.path, fresh.manifest)
    assert reverse("api:actor-detail", kwargs={"slug": added.slug}) in copy


def test_a_webhook_behind_the_snapshot_holds_the_log_back(api):
    owner = get_user_model().objects.create_user("integrator", password="x")
    f.ActorFactory()
    hook = Webhook.objects.create(owner=owner, url="https://example.org/hook", cursor="0-0")
    behind = Change.objects.order_by("txid", "id").first()
    hook.cursor = f"{behind.txid}-{behind.id}"
    hook.save()
    f.ActorFactory()
    export()

    result = prune(timezone.now() + SOON)

    assert f"webhook {hook.pk}" in result.held_by
    assert result.through == (behind.txid, behind.id)
    assert positions()[0] > (behind.txid, behind.id)
    assert Change.objects.filter(id__gt=behind.id).exists()


def test_the_command_reports_what_it_did(api, capsys):
    f.ActorFactory()
    call_command("prune_changes", verbosity=0)
    assert "Nothing pruned: no change older than" in capsys.readouterr().out
    export()
    Change.objects.update(created_at=timezone.now() - dt.timedelta(days=91))
    call_command("prune_changes", "--days", "90", verbosity=0)
    out = capsys.readouterr().out
    assert out.startswith("Removed ") and "the feed now starts after" in out
    assert not Change.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=90))
