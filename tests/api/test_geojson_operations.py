"""GeoJSON as operations of their own (issue 15): ``/api/v1/events.geojson``,
``/api/v1/events/{slug}.geojson`` and the same for locations answer only
``application/geo+json``, with their own operation ids and schemas, so a generated client
can read them. Every response here is also checked against the document (contract.py)."""

import pytest
from django.urls import reverse

from events.models import Status
from events.services import location_merge
from tests import factories as f

from .conftest import api_url, assert_error

pytestmark = pytest.mark.django_db

ATTACK = "crocus-city-hall-attack"


def test_the_events_collection_is_the_json_lists_page_as_geojson(api, crocus):
    params = {"type": "attack", "fields": "title", "count": "true"}
    response = api.get(api_url("event-list-geojson", params=params))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["count"] == 1
    [feature] = data["features"]
    assert feature["id"] == ATTACK
    assert feature["geometry"]["coordinates"] == [37.39028, 55.82583]
    assert feature["properties"] == {"slug": ATTACK, "title": "Crocus City Hall attack"}
    same = api.get(api_url("event-list", params={**params, "format": "geojson"})).json()
    assert same == data


def test_a_collection_pages_like_the_json_list(api, crocus):
    first = api.get(api_url("location-list-geojson", params={"page_size": 2})).json()
    assert len(first["features"]) == 2 and first["next_cursor"]
    assert reverse("api:location-list-geojson") in first["next"]
    second = api.get(first["next"]).json()
    assert {x["id"] for x in second["features"]}.isdisjoint(x["id"] for x in first["features"])


def test_a_feature_per_event_and_location(api, crocus):
    event = api.get(api_url("event-detail-geojson", slug=ATTACK))
    assert event.status_code == 200 and event["Content-Type"] == "application/geo+json"
    assert event.json()["type"] == "Feature" and event.json()["id"] == ATTACK
    place = api.get(api_url("location-detail-geojson", slug="krasnogorsk")).json()
    assert place["properties"]["slug"] == "krasnogorsk" and place["geometry"]["type"] == "Point"


def test_errors_are_the_json_error_shape(api, crocus):
    assert_error(api.get(api_url("event-detail-geojson", slug="no-such-event")), 404)
    assert_error(api.get(api_url("event-list-geojson", params={"type": "rumour"})), 400, "type")
    assert_error(api.get(api_url("event-list-geojson", params={"format": "json"})), 400, "format")
    # a slug the route does not take: a 404, not a redirect to the path with a slash added
    assert_error(api.get("/api/v1/events/not%20a%20slug.geojson"), 404)


def test_drafts_stay_out(api, crocus):
    draft = f.EventFactory(status=Status.DRAFT)
    assert_error(api.get(api_url("event-detail-geojson", slug=draft.slug)), 404)
    ids = [x["id"] for x in api.get(api_url("event-list-geojson")).json()["features"]]
    assert draft.slug not in ids


def test_a_merged_locations_old_geojson_url_leads_to_the_survivors(api, crocus, django_user_model):
    publisher = django_user_model.objects.create_superuser("pub", "p@example.org", "x")
    keep, dup = f.LocationFactory(name="Krasnogorsk"), f.LocationFactory(name="Krasnogorsk (2)")
    location_merge(target=keep, source=dup, user=publisher)
    response = api.get(api_url("location-detail-geojson", slug=dup.slug))
    assert response.status_code == 301
    assert response["Location"].endswith(reverse("api:location-detail-geojson", args=[keep.slug]))
    assert api.get(response["Location"]).json()["id"] == keep.slug


def test_the_schema_gives_each_its_own_operation_answering_only_geojson(api):
    paths = api.get(api_url("schema"), {"format": "json"}).json()["paths"]
    for path, kind in [
        ("/api/v1/events.geojson", "FeatureCollection"),
        ("/api/v1/events/{slug}.geojson", "Feature"),
        ("/api/v1/locations.geojson", "FeatureCollection"),
        ("/api/v1/locations/{slug}.geojson", "Feature"),
    ]:
        operation = paths[path]["get"]
        assert "geojson" in operation["operationId"]
        ok = operation["responses"]["200"]["content"]
        assert list(ok) == ["application/geo+json"]
        assert ok["application/geo+json"]["schema"]["properties"]["type"]["enum"] == [kind]
