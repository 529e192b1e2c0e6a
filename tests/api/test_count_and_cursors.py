"""``count=true`` and plain cursors on every paged list (issue 15).

``count`` is the whole filtered list's length, given only when asked for and at the price
of exactly one query; ``next_cursor`` / ``previous_cursor`` are the positions the ``next`` /
``previous`` links carry, so a client can page without parsing URLs.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Status
from tests.factories import EventFactory, LocationFactory

from .conftest import api_url, assert_error

pytestmark = pytest.mark.django_db

LISTS = ["event-list", "actor-list", "location-list", "claim-list", "article-list"]
PAGED = [*LISTS, "deleted-list"]


@pytest.fixture
def some_deleted(crocus):
    """The deleted feed with rows from more than one of its sources."""
    for _ in range(3):
        LocationFactory().delete()
    for _ in range(2):  # public once, then withdrawn
        event = EventFactory()
        event.status = Status.WITHDRAWN
        event.save()


def walk(api, url) -> list:
    items = []
    while url:
        data = api.get(url).json()
        items += data["results"]
        url = data["next"]
    return items


def cursor_in(link: str) -> str:
    return parse_qs(urlsplit(link).query)["cursor"][0]


@pytest.mark.parametrize("name", PAGED)
def test_count_true_gives_the_whole_lists_length_on_every_page(api, some_deleted, name):
    everything = walk(api, api_url(name, params={"page_size": 100}))
    assert len(everything) > 3
    first = api.get(api_url(name, params={"page_size": 3, "count": "true"}))
    assert first.status_code == 200, first.content
    assert first.json()["count"] == len(everything)
    second = api.get(first.json()["next"])  # the link keeps count=true
    assert second.json()["count"] == len(everything)
    assert second.json()["results"] == everything[3:6]


@pytest.mark.parametrize("name", PAGED)
@pytest.mark.parametrize("params", [{}, {"count": "false"}])
def test_without_count_true_a_page_has_no_count(api, some_deleted, name, params):
    data = api.get(api_url(name, params={"page_size": 3, **params})).json()
    assert set(data) == {"next", "previous", "next_cursor", "previous_cursor", "results"}


def test_count_is_of_the_filtered_list(api, crocus):
    attacks = walk(api, api_url("event-list", params={"type": "attack"}))
    everything = walk(api, api_url("event-list", params={"page_size": 100}))
    assert 0 < len(attacks) < len(everything)
    data = api.get(api_url("event-list", params={"type": "attack", "count": "true"})).json()
    assert data["count"] == len(attacks)
    since = api.get(
        api_url("deleted-list", params={"since": "2099-01-01T00:00:00Z", "count": "true"})
    )
    assert since.json()["count"] == 0 and since.json()["results"] == []


@pytest.mark.parametrize("value", ["maybe", "True", "1"])
@pytest.mark.parametrize("name", PAGED)
def test_count_other_than_true_or_false_is_a_400_naming_it(api, crocus, name, value):
    body = assert_error(api.get(api_url(name, params={"count": value})), 400, "count")
    assert body["errors"]["count"] == [f"Give true or false, not “{value}”."]


@pytest.mark.parametrize("name", PAGED)
def test_count_costs_exactly_one_query_and_only_when_asked(api, some_deleted, name):
    def queries(params):
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(api_url(name, params={"page_size": 5, **params}))
        assert response.status_code == 200, response.content
        sql = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
        return len(ctx.captured_queries), sql

    # the same throttle window for all three, so its counter costs the same each time
    plain, plain_counts = queries({})
    asked, asked_counts = queries({"count": "true"})
    declined, declined_counts = queries({"count": "false"})
    assert asked == plain + 1 and declined == plain
    assert plain_counts == declined_counts == [] and len(asked_counts) == 1


@pytest.mark.parametrize("name", PAGED)
def test_plain_cursors_are_the_ones_the_links_carry(api, some_deleted, name):
    first = api.get(api_url(name, params={"page_size": 2})).json()
    assert first["previous"] is None and first["previous_cursor"] is None
    assert first["next_cursor"] == cursor_in(first["next"])
    by_cursor = api.get(api_url(name, params={"page_size": 2, "cursor": first["next_cursor"]}))
    assert by_cursor.json()["results"] == api.get(first["next"]).json()["results"]
    second = by_cursor.json()
    assert second["previous_cursor"] == cursor_in(second["previous"])
    back = api.get(api_url(name, params={"page_size": 2, "cursor": second["previous_cursor"]}))
    assert back.json()["results"] == first["results"]


def test_the_last_page_has_no_next_cursor(api, crocus):
    items = walk(api, api_url("actor-list", params={"page_size": 100}))
    data = api.get(api_url("actor-list", params={"page_size": len(items)})).json()
    assert data["next"] is None and data["next_cursor"] is None


def test_an_empty_page_after_a_cursor_points_back_to_the_first_page(api, crocus):
    first = api.get(api_url("actor-list", params={"page_size": 1, "ordering": "name"})).json()
    # Every actor is withdrawn after the first page was read: the next page is empty.
    from events.models import Actor

    Actor.objects.update(status=Status.WITHDRAWN)
    empty = api.get(first["next"]).json()
    assert empty["results"] == [] and empty["next_cursor"] is None
    # No cursor to give (absent is null); the previous link is the list without one.
    assert empty["previous_cursor"] is None
    assert "cursor" not in parse_qs(urlsplit(empty["previous"]).query)
    assert api.get(empty["previous"]).status_code == 200


def test_geojson_pages_carry_the_same_envelope(api, crocus):
    params = {"format": "geojson", "page_size": 2, "count": "true"}
    data = api.get(api_url("location-list", params=params)).json()
    total = len(walk(api, api_url("location-list", params={"page_size": 100})))
    assert data["type"] == "FeatureCollection" and data["count"] == total
    assert data["next_cursor"] == cursor_in(data["next"])


def test_the_schema_documents_count_and_cursors(api):
    document = api.get(api_url("schema"), {"format": "json"}).json()
    for path in ("/api/v1/events/", "/api/v1/claims/", "/api/v1/deleted/"):
        operation = document["paths"][path]["get"]
        [count] = [p for p in operation["parameters"] if p["name"] == "count"]
        assert count["schema"] == {"type": "boolean"}
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert {"next_cursor", "previous_cursor", "count"} <= set(page["properties"])
        assert "count" not in page["required"] and "next_cursor" in page["required"]
    geo = document["paths"]["/api/v1/events/"]["get"]["responses"]["200"]["content"]
    assert "next_cursor" in geo["application/geo+json"]["schema"]["properties"]


def test_options_lists_count_among_the_paging_parameters(api):
    params = api.options(api_url("event-list")).json()["query_parameters"]
    assert params["count"]["type"] == "boolean"
