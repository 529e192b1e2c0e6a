"""Claims, actors, locations and articles: their filters and details; GeoJSON; tombstones."""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Actor, Article, Claim, Event, Location, Status, Tombstone
from tests.factories import EventFactory, LocationFactory

from .conftest import api_url, assert_error

pytestmark = pytest.mark.django_db
ATTACK = "crocus-city-hall-attack"


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- claims -------------------------------------------------------------------------------
def test_claim_filters(api, crocus):
    def claims(**params):
        return results(api.get(api_url("claim-list", params={"page_size": 100, **params})))

    by_event = claims(event=ATTACK)
    assert by_event and all(c["event"]["slug"] == ATTACK for c in by_event)
    putin = claims(speaker="vladimir-putin")
    assert putin and all(c["speaker"]["slug"] == "vladimir-putin" for c in putin)
    figures = claims(kind="figure", event=ATTACK)
    assert figures and all(c["figure"]["metric"] for c in figures)
    false = claims(assessment="false")
    assert {c["figure"]["value"] for c in false if c["figure"]} >= {150}
    assert_error(api.get(api_url("claim-list", params={"kind": "rumour"})), 400, "kind")
    assert_error(api.get(api_url("claim-list", params={"assessment": "maybe"})), 400, "assessment")
    assert_error(api.get(api_url("claim-list", params={"event": "nope"})), 400, "event")


def test_claims_as_of(api, crocus):
    def killed(**params):
        rows = results(
            api.get(
                api_url(
                    "claim-list",
                    params={"event": ATTACK, "kind": "figure", "page_size": 100, **params},
                )
            )
        )
        return [c["figure"]["value"] for c in rows if c["figure"]["metric"] == "killed"]

    assert 133 in killed(as_of="2024-03-23")
    assert 139 not in killed(as_of="2024-03-23")
    assert set(killed(as_of="2024-03-22")) == {40}
    assert 149 in killed()
    claim = Claim.objects.get(import_key="killed-133-sk")
    detail = api.get(api_url("claim-detail", pk=claim.pk, params={"as_of": "2024-03-23"}))
    assert detail.status_code == 200
    assert detail.json()["as_of"] == "2024-03-23"
    assert_error(
        api.get(api_url("claim-detail", pk=claim.pk, params={"as_of": "2024-03-22"})), 404
    )
    assert_error(api.get(api_url("claim-list", params={"as_of": "March"})), 400, "as_of")


def test_claim_detail(api, crocus):
    claim = Claim.objects.get(import_key="putin-window-ukraine")
    data = api.get(api_url("claim-detail", pk=claim.pk)).json()
    assert data["speaker"]["slug"] == "vladimir-putin"
    assert data["event"]["slug"] == ATTACK
    assert data["mode"] == "paraphrase"
    assert {a["slug"] for a in data["about_actors"]} >= {"ukrainian-government"}
    assert {s["article"]["slug"] for s in data["sources"]} >= {"novaya-gazeta-europe-2024-03-23"}
    contra = {c["speaker"]["slug"] for c in data["contradicting_claims"]}
    assert "volodymyr-zelensky" in contra
    assert_error(api.get("/api/v1/claims/abc/"), 404)


# --- actors -------------------------------------------------------------------------------
def test_actor_kind_filter_and_detail(api, crocus):
    people = results(api.get(api_url("actor-list", params={"kind": "person", "page_size": 100})))
    assert people and all(a["kind"] == "person" for a in people)
    assert "vladimir-putin" in [a["slug"] for a in people]
    assert_error(api.get(api_url("actor-list", params={"kind": "alien"})), 400, "kind")
    data = api.get(api_url("actor-detail", slug="islamic-state-khorasan-province")).json()
    assert any(a["name"] == "IS-K" for a in data["aliases"])
    assert any(
        a["organisation"]["slug"] == "islamic-state" and a["kind"] == "branch_of"
        for a in data["affiliations"]
    )
    assert data["events_url"].endswith("/api/v1/events/?actor=islamic-state-khorasan-province")
    events = api.get(data["events_url"]).json()["results"]
    assert ATTACK in [e["slug"] for e in events]
    zelensky = api.get(api_url("actor-detail", slug="volodymyr-zelensky")).json()
    assert {"Зеленський", "Zelenskyy"} <= {a["name"] for a in zelensky["aliases"]}


# --- locations ----------------------------------------------------------------------------
def test_location_filters(api, crocus):
    def places(**params):
        rows = results(api.get(api_url("location-list", params={"page_size": 100, **params})))
        return [p["slug"] for p in rows]

    inside = places(within="moscow-oblast")
    assert {"krasnogorsk", "crocus-city-hall"} <= set(inside)
    assert "moscow-oblast" not in inside and "bryansk-oblast" not in inside
    assert places(kind="venue") == ["crocus-city-hall"]
    in_box = sorted(places(bbox="37.0,55.5,38.0,56.0"))
    assert in_box == ["crocus-city-hall", "krasnogorsk", "moscow"]
    assert "crocus-city-hall" not in places(bbox="-10,40,10,50")
    # crossing the antimeridian
    assert "crocus-city-hall" in places(bbox="30,55,-170,56")
    for bad in ("1,2,3", "a,b,c,d", "0,50,10,40", "0,0,200,10", "nan,0,1,1"):
        assert_error(api.get(api_url("location-list", params={"bbox": bad})), 400, "bbox")
    assert_error(api.get(api_url("location-list", params={"within": "mars"})), 400, "within")


def test_location_detail(api, crocus):
    data = api.get(api_url("location-detail", slug="krasnogorsk")).json()
    assert [a["slug"] for a in data["ancestors"]] == ["moscow-oblast", "russia"]
    assert "crocus-city-hall" in [c["slug"] for c in data["children"]]
    assert "Красногорск" in [a["name"] for a in data["aliases"]]


# --- articles -----------------------------------------------------------------------------
def test_article_list_and_detail(api, crocus):
    rows = results(api.get(api_url("article-list", params={"page_size": 100})))
    report = next(a for a in rows if a["slug"] == "crocus-report-2024-03-23")
    assert report["is_citation"] is False
    assert "text" not in report  # the list stays light
    assert any(a["is_citation"] for a in rows)
    data = api.get(api_url("article-detail", slug="crocus-report-2024-03-23")).json()
    assert "Advertisment" in data["raw_text"]
    assert "Advertisment" not in data["text"]
    assert "133 attendees dead" in data["text"]


# --- GeoJSON ------------------------------------------------------------------------------
def test_locations_as_geojson(api, crocus):
    for response in (
        api.get(api_url("location-list", params={"format": "geojson", "kind": "venue"})),
        api.get(
            api_url("location-list", params={"kind": "venue"}), HTTP_ACCEPT="application/geo+json"
        ),
    ):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/geo+json"
        data = response.json()
        assert data["type"] == "FeatureCollection"
        [feature] = data["features"]
        assert feature["type"] == "Feature" and feature["id"] == "crocus-city-hall"
        assert feature["geometry"] == {"type": "Point", "coordinates": [37.39028, 55.82583]}
        assert feature["properties"]["name"] == "Crocus City Hall"
        assert data["next"] is None
        parent = feature["properties"]["parent"]["url"]
        assert parent.endswith("/api/v1/locations/krasnogorsk/")
    detail = api.get(api_url("location-detail", slug="russia", params={"format": "geojson"}))
    assert detail.json()["type"] == "Feature"
    # a country's representative point (CIA World Factbook), so its map shows where it is
    assert detail.json()["geometry"] == {"type": "Point", "coordinates": [100.0, 60.0]}


def test_events_as_geojson_with_field_selection(api, crocus):
    response = api.get(
        api_url("event-list", params={"format": "geojson", "type": "attack", "fields": "title"})
    )
    assert response["Content-Type"] == "application/geo+json"
    [feature] = response.json()["features"]
    assert feature["geometry"]["coordinates"] == [37.39028, 55.82583]
    assert feature["properties"] == {"slug": ATTACK, "title": "Crocus City Hall attack"}
    detail = api.get(api_url("event-detail", slug=ATTACK), HTTP_ACCEPT="application/geo+json")
    assert detail.json()["geometry"]["coordinates"] == [37.39028, 55.82583]
    # Errors stay plain JSON; other resources do not offer GeoJSON.
    error = api.get(api_url("event-list", params={"format": "geojson", "type": "x"}))
    assert_error(error, 400, "type")
    assert_error(api.get(api_url("actor-list", params={"format": "geojson"})), 400, "format")
    assert api.get(api_url("actor-list"), HTTP_ACCEPT="application/geo+json").status_code == 406


# --- tombstones ---------------------------------------------------------------------------
def test_deleted_lists_withdrawn_unpublished_and_deleted(api, crocus):
    before = timezone.now() - dt.timedelta(seconds=1)
    assert results(api.get(api_url("deleted-list", params={"since": before.isoformat()}))) == []

    withdrawn = Event.objects.get(slug="crocus-verdict-2026-03-12")
    withdrawn.status, withdrawn.public_note = Status.WITHDRAWN, "Sentencing date corrected."
    withdrawn.save()
    actor = Actor.objects.get(slug="bruce-hoffman")
    actor.status = Status.DRAFT
    actor.save()
    place = LocationFactory(name="Short-lived place")
    place_pk, place_slug = place.pk, place.slug
    place.delete()
    never_public = LocationFactory(name="Never public", status=Status.DRAFT)
    never_public.delete()

    rows = results(api.get(api_url("deleted-list", params={"since": before.isoformat()})))
    got = {(r["type"], r["slug"] or r["id"], r["reason"]) for r in rows}
    assert ("event", withdrawn.slug, "withdrawn") in got
    assert ("actor", "bruce-hoffman", "unpublished") in got
    assert ("location", place_slug, "deleted") in got
    assert not any(r["slug"] == never_public.slug for r in rows)
    # claims hanging on the unpublished speaker are gone for clients too
    hoffman_claims = Claim.objects.filter(speaker=actor, status=Status.PUBLISHED)
    assert {("claim", c.pk, "unpublished") for c in hoffman_claims} <= got
    note = next(r for r in rows if r["slug"] == withdrawn.slug)["public_note"]
    assert note == "Sentencing date corrected."
    assert Tombstone.objects.filter(kind="location", object_id=place_pk).exists()
    # the withdrawn event is a 404 now
    assert_error(api.get(api_url("event-detail", slug=withdrawn.slug)), 404)

    # paging through the feed with small pages sees each row once
    seen, url = [], api_url("deleted-list", params={"since": before.isoformat(), "page_size": 1})
    while url:
        data = api.get(url).json()
        seen += [(r["type"], r["id"]) for r in data["results"]]
        url = data["next"]
    assert len(seen) == len(rows) == len(set(seen))
    ats = [r["at"] for r in rows]
    assert ats == sorted(ats)

    later = timezone.now() + dt.timedelta(seconds=5)
    assert results(api.get(api_url("deleted-list", params={"since": later.isoformat()}))) == []
    assert_error(api.get(api_url("deleted-list", params={"since": "soon"})), 400, "since")
    assert_error(api.get(api_url("deleted-list", params={"cursor": "x"})), 400, "cursor")
    assert_error(api.get(api_url("deleted-list", params={"type": "event"})), 400, "type")


def test_article_and_event_deletes_leave_tombstones(api, crocus):
    event = EventFactory(title="Deleted later")
    event_id = event.pk
    event.delete()
    article = Article.objects.create(headline="Gone", status=Status.PUBLISHED)
    article.delete()
    rows = results(api.get(api_url("deleted-list", params={"page_size": 100})))
    assert ("event", event_id, "deleted") in {(r["type"], r["id"], r["reason"]) for r in rows}
    assert "gone" in [r["slug"] for r in rows]
    assert Location.objects.filter(slug="crocus-city-hall").exists()
