"""A merge reads as a merge: the tombstone names the record kept, and the old URL leads there."""

import pytest
from django.urls import reverse

from events.models import Tombstone
from events.services import actor_merge, location_merge
from tests import factories as f

from .mirror import feed_cursor

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher(django_user_model):
    return django_user_model.objects.create_superuser("pub", "p@example.org", "x")


def test_a_merged_actor_has_a_merged_tombstone_naming_the_survivor(api, publisher):
    keep, dup = f.ActorFactory(name="Islamic State"), f.ActorFactory(name="ISIS")
    dup_id, dup_slug = dup.pk, dup.slug
    actor_merge(target=keep, source=dup, user=publisher)

    tombstone = Tombstone.objects.get(kind="actor", object_id=dup_id)
    assert (tombstone.reason, tombstone.merged_into_id) == ("merged", keep.pk)
    rows = api.get(reverse("api:deleted-list"), {"page_size": 100}).json()["results"]
    row = next(r for r in rows if r["type"] == "actor" and r["id"] == dup_id)
    assert row["reason"] == "merged" and row["slug"] == dup_slug
    assert row["merged_into"]["id"] == keep.pk
    assert api.get(row["merged_into"]["url"]).json()["slug"] == keep.slug


def test_a_deleted_record_is_still_deleted_with_no_survivor(api):
    actor = f.ActorFactory()
    actor_id = actor.pk
    actor.delete()
    rows = api.get(reverse("api:deleted-list"), {"page_size": 100}).json()["results"]
    row = next(r for r in rows if r["type"] == "actor" and r["id"] == actor_id)
    assert (row["reason"], row["merged_into"]) == ("deleted", None)


def test_the_old_api_url_of_a_merged_record_is_a_301_to_the_survivor(api, publisher):
    keep, dup = f.LocationFactory(name="Krasnogorsk"), f.LocationFactory(name="Krasnogorsk (2)")
    old = reverse("api:location-detail", kwargs={"slug": dup.slug})
    location_merge(target=keep, source=dup, user=publisher)

    response = api.get(old, {"fields": "slug,name"})
    assert response.status_code == 301
    new = reverse("api:location-detail", kwargs={"slug": keep.slug})
    assert response["Location"].endswith(f"{new}?fields=slug%2Cname")
    assert api.get(response["Location"]).json() == {"slug": keep.slug, "name": "Krasnogorsk"}
    # A slug that never existed is still a 404.
    missing = api.get(reverse("api:location-detail", kwargs={"slug": "never-was"}))
    assert missing.status_code == 404


def test_a_chain_of_merges_leads_to_the_last_survivor(api, publisher):
    a, b, c = (f.ActorFactory(name=n) for n in ("A group", "B group", "C group"))
    b_id = b.pk
    cursor = feed_cursor(api)
    actor_merge(target=a, source=b, user=publisher)
    actor_merge(target=c, source=a, user=publisher)
    rows = api.get(reverse("api:deleted-list"), {"page_size": 100}).json()["results"]
    row = next(r for r in rows if r["type"] == "actor" and r["id"] == b_id)
    assert row["merged_into"]["id"] == c.pk
    feed = api.get(reverse("api:changes"), {"after": cursor, "page_size": 100}).json()
    merged = [ch for ch in feed["results"] if ch["action"] == "merged" and ch["id"] == b_id]
    assert merged and merged[0]["merged_into"]["id"] == c.pk
