"""What the API serves (events/api/render.py) is what its declared serializers say.

The plain renderers answer every request; the serializers are the schema. Here every list
row and every object of the Crocus record, drafts hung on it included (the ``null`` paths),
is fetched over HTTP as served, for an anonymous client and for an editor, and compared
with DRF's own output for the same rows of the read layer (the serializer run with DRF's
fields, ``reverse()`` and ``build_absolute_uri()``); so are the event and claim details
``as_of`` three days and the sync feeds' rows. Both sides go through the JSON renderer, so
``1`` and ``1.0``, or a missing ``Z``, differ; a difference names its path
(``claims[3].sources[0].article.url``).
"""

import datetime as dt
import itertools
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory

from events import models as m
from events.api import render
from events.api import serializers as s
from events.api.changes import ChangeSerializer, feed_entries
from events.api.deleted import LIVE, feed_rows, live_hidden, tombstones
from events.models.base import is_staff
from events.reads import actors as actor_reads
from events.reads import articles as article_reads
from events.reads import claims as claim_reads
from events.reads import events as event_reads
from events.reads import locations as location_reads
from events.reads.as_of import AsOf
from events.reads.places import ancestors
from tests import factories as f

from .conftest import api_url

pytestmark = pytest.mark.django_db

AS_OF_DAYS = ["2024-03-22", "2024-03-23", "2024-03-30"]


def differences(served, declared, path="") -> list[str]:
    """Where ``served`` and ``declared`` differ, each as ``path: served != declared``."""
    here = path or "(top)"
    if isinstance(served, dict) and isinstance(declared, dict):
        if list(served) != list(declared):
            return [f"{here}: fields {list(served)} != {list(declared)}"]
        return [
            d
            for key in served
            for d in differences(served[key], declared[key], f"{path}.{key}" if path else key)
        ]
    if isinstance(served, list) and isinstance(declared, list):
        if len(served) != len(declared):
            return [f"{here}: {len(served)} items != {len(declared)}"]
        return [
            d
            for i, (a, b) in enumerate(zip(served, declared, strict=True))
            for d in differences(a, b, f"{path}[{i}]")
        ]
    if served == declared and type(served) is type(declared):
        return []
    return [f"{here}: {served!r} != {declared!r}"]


def blanks(data, path="") -> list[str]:
    """Paths of ``""`` values in ``data``: an absent value is ``null``, never ``""``."""
    if isinstance(data, dict):
        return [b for key, value in data.items() for b in blanks(value, f"{path}.{key}")]
    if isinstance(data, list):
        return [b for i, value in enumerate(data) for b in blanks(value, f"{path}[{i}]")]
    return [path] if data == "" else []


def as_json(data):
    return json.loads(JSONRenderer().render(data))


def declared(serializer_class, rows, user, *, many=False, as_of=None):
    """DRF's output of ``serializer_class`` for ``rows``, as a request from ``user`` sees it."""
    context = {
        "request": APIRequestFactory().get("/"),
        "public_only": not is_staff(user),
        "as_of": as_of,
    }
    return as_json(serializer_class(rows, many=many, context=context).data)


def assert_same(served, declared_data, what):
    found = differences(served, declared_data)
    assert not found, f"{what}: " + "; ".join(found[:10])


@pytest.fixture
def with_drafts(crocus):
    """Drafts hanging on published rows: a draft speaker, source, place and sub-event."""
    event = m.Event.objects.get(slug="crocus-city-hall-attack")
    draft_actor = f.ActorFactory(name="Unconfirmed channel", status=m.Status.DRAFT)
    claim = f.ClaimFactory(event=event, speaker=draft_actor, text="A draft speaker's claim.")
    published_claim = event.claims.filter(status=m.Status.PUBLISHED).first()
    f.ClaimSourceFactory(claim=published_claim, article=f.ArticleFactory(status=m.Status.DRAFT))
    f.EventFactory(
        title="A draft sub-event",
        parent=event,
        status=m.Status.DRAFT,
        location=f.LocationFactory(status=m.Status.DRAFT),
    )
    f.EventFactory(
        title="A published event in a draft place",
        location=f.LocationFactory(status=m.Status.DRAFT),
        start=dt.datetime(2024, 3, 25, tzinfo=dt.UTC),
    )
    return claim


def _all_pages(client, name) -> list[dict]:
    url, rows = api_url(name, params={"page_size": 100}), []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        url = body["next"]
    return rows


def _event_detail(slug, user, as_of=None):
    event = event_reads.event_detail(slug, user, as_of)
    if event.location is not None:
        event.location.api_ancestors = ancestors(event.location, user)
    return event


# resource → (list rows, detail row, list serializer, detail serializer, identity)
RESOURCES = {
    "event": (
        event_reads.events_for_list,
        _event_detail,
        s.EventListSerializer,
        s.EventDetailSerializer,
        "slug",
    ),
    "claim": (
        claim_reads.claims_for_list,
        lambda pk, user: claim_reads.claim_detail(pk, user),
        s.ClaimListSerializer,
        s.ClaimDetailSerializer,
        "id",
    ),
    "actor": (
        actor_reads.actors_for_list,
        actor_reads.actor_detail,
        s.ActorListSerializer,
        s.ActorDetailSerializer,
        "slug",
    ),
    "location": (
        location_reads.locations_for_list,
        location_reads.location_detail,
        s.LocationListSerializer,
        s.LocationDetailSerializer,
        "slug",
    ),
    "article": (
        article_reads.articles_for_list,
        article_reads.article_detail,
        s.ArticleListSerializer,
        s.ArticleDetailSerializer,
        "slug",
    ),
}


@pytest.mark.parametrize("who", ["anonymous", "editor"])
@pytest.mark.parametrize("resource", list(RESOURCES))
def test_every_list_row_and_detail_is_what_the_serializers_declare(
    resource, who, request, with_drafts
):
    client = request.getfixturevalue("api" if who == "anonymous" else "editor_api")
    user = None if who == "anonymous" else request.getfixturevalue("editor")
    list_rows, detail_row, list_serializer, detail_serializer, key = RESOURCES[resource]

    served = {row[key]: row for row in _all_pages(client, f"{resource}-list")}
    rows = list(list_rows(user))
    if resource == "claim":
        claim_reads.empty_parts(rows)  # as the view's prepare_page
    expected = {row[key]: row for row in declared(list_serializer, rows, user, many=True)}
    assert served.keys() == expected.keys()
    for name in served:
        assert_same(served[name], expected[name], f"{resource}-list {name}")

    assert not blanks(list(served.values())), f'{resource}-list says "" for null'
    for name in served:
        lookup = {"pk": name} if key == "id" else {"slug": name}
        response = client.get(api_url(f"{resource}-detail", **lookup))
        assert response.status_code == 200, response.content
        row = detail_row(name, user)
        assert_same(response.json(), declared(detail_serializer, row, user), f"{resource} {name}")
        assert not blanks(response.json()), f'{resource} {name} says "" for null'

    # What was compared is the real record, drafts for the editor only.
    assert len(served) >= {"event": 11, "claim": 42}.get(resource, 5)
    if resource == "claim":
        texts = {row["text"] for row in served.values()}
        assert ("A draft speaker's claim." in texts) is (who == "editor")


@pytest.mark.parametrize("day", AS_OF_DAYS)
def test_as_of_details_are_what_the_serializers_declare(api, crocus, day):
    as_of = AsOf.parse(day)
    compared = 0  # every public event, and the public claims made by that day
    for event in m.Event.objects.public():
        response = api.get(api_url("event-detail", slug=event.slug, params={"as_of": day}))
        assert response.status_code == 200, response.content
        row = _event_detail(event.slug, None, as_of)
        expected = declared(s.EventDetailSerializer, row, None, as_of=as_of.day)
        assert_same(response.json(), expected, f"event {event.slug} as of {day}")
        compared += 1
    for claim in m.Claim.objects.public():
        response = api.get(api_url("claim-detail", pk=claim.pk, params={"as_of": day}))
        row = claim_reads.claim_detail(claim.pk, None, as_of)
        if row is None:  # made after that day
            assert response.status_code == 404
            continue
        assert response.status_code == 200, response.content
        expected = declared(s.ClaimDetailSerializer, row, None, as_of=as_of.day)
        assert_same(response.json(), expected, f"claim {claim.pk} as of {day}")
        compared += 1
    assert compared > m.Event.objects.public().count()


def test_sync_feed_rows_are_what_the_serializers_declare(api, crocus):
    """/deleted/ and /changes/ rows: withdrawn, unpublished, deleted and merged objects."""
    withdrawn = m.Event.objects.get(slug="crocus-city-hall-attack")
    withdrawn.status, withdrawn.public_note = m.Status.WITHDRAWN, "Withdrawn for a test."
    withdrawn.save()
    m.Actor.objects.filter(slug="islamic-state").update(status=m.Status.DRAFT)
    f.LocationFactory().delete()
    request = APIRequestFactory().get("/")

    sources = [live_hidden(model, kind) for model, kind in LIVE] + [tombstones()]
    rows = feed_rows(list(itertools.chain.from_iterable(sources)), request)
    assert {row["type"] for row in rows} >= {"event", "actor", "claim", "location"}
    for row in rows:
        expected = as_json(s.DeletedSerializer(row).data)
        assert_same(as_json(render.deleted(row)), expected, f"deleted {row}")

    entries = feed_entries(m.Change.objects.order_by("txid", "id"), request)
    assert {e["kind"] for e in entries} >= {"event", "actor", "claim", "location"}
    for entry in entries:
        expected = as_json(ChangeSerializer(entry).data)
        assert_same(as_json(render.change(entry)), expected, f"change {entry}")

    # Served: a claim has no slug, a deleted row no note: null, not "".
    served = api.get(api_url("deleted-list", params={"page_size": 100})).json()["results"]
    claims = [row for row in served if row["type"] == "claim"]
    assert claims and all(row["slug"] is None for row in claims)
    assert any(row["public_note"] is None for row in served)
    first = m.Change.objects.filter(kind="claim").order_by("txid", "id").first()
    after = f"{first.txid}-{first.id - 1}"  # just before it
    changes = api.get(api_url("changes", params={"after": after})).json()["results"]
    assert changes[0]["type"] == "claim" and changes[0]["slug"] is None


def test_absent_values_are_null(api, crocus):
    """Blank columns are null in every resource, and so say the serializers (the schema)."""
    actor = f.ActorFactory(description="", website="")
    place = f.LocationFactory(address="", description="")
    event = f.EventFactory(summary="", location=place)
    claim = f.ClaimFactory(event=event, speaker=actor, venue="", assessment_note="")
    article = f.ArticleFactory(byline="", carried_by="", provenance_note="")
    f.ClaimSourceFactory(claim=claim, article=article, passage="")

    body = api.get(api_url("actor-detail", slug=actor.slug)).json()
    assert body["description"] is None and body["website"] is None
    assert body["public_note"] is None
    body = api.get(api_url("location-detail", slug=place.slug)).json()
    assert body["address"] is None and body["description"] is None
    body = api.get(api_url("event-detail", slug=event.slug)).json()
    assert body["summary"] is None and body["end"] is None and body["end_precision"] is None
    assert body["claims"][0]["venue"] is None
    assert body["claims"][0]["sources"][0]["passage"] is None
    body = api.get(api_url("article-detail", slug=article.slug)).json()
    assert body["byline"] is None and body["carried_by"] is None
    assert body["provenance_note"] is None

    fields = {
        "public_note": s.EventListSerializer().fields,
        "summary": s.EventListSerializer().fields,
        "website": s.ActorListSerializer().fields,
        "address": s.LocationListSerializer().fields,
        "byline": s.ArticleListSerializer().fields,
        "venue": s.ClaimListSerializer().fields,
        "passage": s.ClaimSourceSerializer().fields,
        "slug": s.DeletedSerializer().fields,
    }
    assert [name for name, of in fields.items() if not of[name].allow_null] == []


def test_link_templates_equal_reverse(crocus):
    """fast_reverse() (behind get_absolute_url) gives reverse()'s string for every object."""
    checked = 0
    for model, kwarg, name in [
        (m.Event, "slug", "events:event-detail"),
        (m.Actor, "slug", "events:actor-detail"),
        (m.Location, "slug", "events:location-detail"),
        (m.Article, "slug", "events:article-detail"),
        (m.Claim, "pk", "events:claim-detail"),
    ]:
        for obj in model.objects.all():
            assert obj.get_absolute_url() == reverse(name, kwargs={kwarg: getattr(obj, kwarg)})
            checked += 1
    assert checked > 150


def test_nothing_activates_a_time_zone():
    """render.iso_datetime writes times in settings.TIME_ZONE, which is what DRF's fields
    write (the *current* zone) only while no code activates another one."""
    activates = re.compile(
        r"timezone\.(activate|override)\("
        r"|django\.utils\.timezone import[^\n]*\b(activate|override)\b"
    )
    root = Path(__file__).resolve().parents[2]
    found = [
        str(path.relative_to(root))
        for package in ("events", "newsbase")
        for path in (root / package).rglob("*.py")
        if activates.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
