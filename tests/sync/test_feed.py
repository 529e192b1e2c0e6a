"""/api/v1/changes/: every public change once, in order, with a cursor that is a plain value."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from events.models import Change, Status
from events.services import publishable_withdraw
from events.sync.recorder import changes_committed
from tests import factories as f
from tests.api.conftest import assert_error

from .mirror import feed_cursor

pytestmark = pytest.mark.django_db


def read(api, after, **params):
    response = api.get(reverse("api:changes"), {"after": after, **params})
    assert response.status_code == 200, response.content
    return response.json()


def read_all(api, after):
    """Every change after ``after``, as one page-like dict."""
    results = []
    while True:
        body = read(api, after, page_size=100)
        results += body["results"]
        after = body["cursor"]
        if not body["has_more"]:
            return {"results": results, "cursor": after}


def names(body):
    return [(c["type"], c["id"], c["action"]) for c in body["results"]]


def test_a_published_edit_is_in_the_feed_once_with_a_link_to_fetch(api, crocus):
    cursor = feed_cursor(api)
    crocus.title = "Crocus City Hall attack (edited)"
    crocus.save()
    body = read_all(api, cursor)
    assert names(body).count(("event", crocus.pk, "changed")) == 1
    entry = next(c for c in body["results"] if c["type"] == "event" and c["id"] == crocus.pk)
    assert api.get(entry["url"]).json()["title"] == "Crocus City Hall attack (edited)"
    assert body["results"][-1]["position"] == body["cursor"]
    again = read(api, body["cursor"])
    assert again["results"] == [] and again["cursor"] == body["cursor"]


def test_pages_follow_on_without_gaps_or_repeats(api):
    cursor = feed_cursor(api)
    made = [f.ActorFactory() for _ in range(7)]
    seen = []
    while True:
        body = read(api, cursor, page_size=3)
        seen += [c["id"] for c in body["results"] if c["type"] == "actor"]
        assert len(body["results"]) <= 3
        cursor = body["cursor"]
        if not body["has_more"]:
            break
    assert seen == [a.pk for a in made]


def test_drafts_never_reach_the_feed(api):
    cursor = feed_cursor(api)
    draft = f.EventFactory(status=Status.DRAFT, location__status=Status.DRAFT)
    draft.title = "Still secret"
    draft.save()
    f.ClaimFactory(event=draft, status=Status.DRAFT, speaker__status=Status.DRAFT)
    assert read(api, cursor)["results"] == []
    assert not Change.objects.filter(kind="event", object_id=draft.pk).exists()


def test_deletion_and_withdrawal_are_named(api, django_user_model):
    publisher = django_user_model.objects.create_superuser("pub", "p@example.org", "x")
    claim = f.ClaimFactory()
    actor = f.ActorFactory()
    cursor = feed_cursor(api)
    publishable_withdraw(obj=claim, user=publisher, note="Misattributed.")
    actor_id = actor.pk
    actor.delete()
    body = read_all(api, cursor)
    assert ("claim", claim.pk, "changed") in names(body)
    assert ("actor", actor_id, "deleted") in names(body)
    assert api.get(reverse("api:claim-detail", kwargs={"pk": claim.pk})).status_code == 404


def test_a_rolled_back_change_leaves_nothing(api):
    cursor = feed_cursor(api)
    with pytest.raises(RuntimeError), transaction.atomic():
        f.ActorFactory()
        raise RuntimeError
    assert read(api, cursor)["results"] == []


@pytest.mark.parametrize("bad", ["abc", "1", "1-", "-1-2", "1-2-3", "9" * 20 + "-1"])
def test_a_bad_cursor_is_a_400_naming_after(api, bad):
    body = assert_error(api.get(reverse("api:changes"), {"after": bad}), 400, "after")
    assert "cursor" in body["errors"]["after"][0]


def test_unknown_parameters_are_refused(api):
    assert_error(api.get(reverse("api:changes"), {"since": "2024-01-01"}), 400, "since")


def test_the_root_lists_the_feed(api):
    assert api.get(reverse("api:root")).json()["changes"].endswith(reverse("api:changes"))


def test_a_signal_names_the_changes_once_committed(django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, changes, **kwargs):
        received.append({(c.kind, c.id, c.action) for c in changes})

    changes_committed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            actor = f.ActorFactory()
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        changes_committed.disconnect(receiver)
    assert any(("actor", actor.pk, "changed") in batch for batch in received)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite: ids are the commit order")
def test_on_sqlite_positions_are_ids_in_commit_order(api):
    cursor = feed_cursor(api)
    first, second = f.ActorFactory(), f.ActorFactory()
    body = read(api, cursor)
    positions = [c["position"] for c in body["results"]]
    assert all(p.startswith("0-") for p in positions)
    assert [c["id"] for c in body["results"] if c["type"] == "actor"] == [first.pk, second.pk]
