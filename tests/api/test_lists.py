"""Behaviour shared by every list: cursor pages, page_size, ordering, modified_since, q,
and 400s that name the unknown or malformed parameter."""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Actor, Article, Claim, Event, Location
from tests.factories import ActorFactory

from .conftest import api_url, assert_error

pytestmark = pytest.mark.django_db

LISTS = ["event-list", "actor-list", "location-list", "claim-list", "article-list"]
MODELS = {
    "event-list": Event,
    "actor-list": Actor,
    "location-list": Location,
    "claim-list": Claim,
    "article-list": Article,
}
# A word every list can find in the Crocus record, and a row it should find.
SEARCH = {
    "event-list": ("Crocus", "crocus-city-hall-attack"),
    "actor-list": ("Zelensk", "volodymyr-zelensky"),
    "location-list": ("Красногорск", "krasnogorsk"),
    "claim-list": ("heading for Ukraine", None),
    "article-list": ("lethal capability", "crocus-report-2024-03-23"),
}


def key(item):
    return item.get("slug") or item.get("id")


@pytest.mark.parametrize("name", LISTS)
def test_cursor_pages_walk_the_whole_list_once(api, crocus, name):
    total = MODELS[name].objects.public().count()
    seen, url, pages = [], api_url(name, params={"page_size": 7}), 0
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        data = response.json()
        assert len(data["results"]) <= 7
        seen += [key(i) for i in data["results"]]
        url, pages = data["next"], pages + 1
    assert len(seen) == len(set(seen))
    if name != "claim-list":  # claims of non-public events/speakers are hidden too
        assert len(seen) == total
    assert pages >= 2

    # and back again with the previous links, from the last page
    last = api.get(api_url(name, params={"page_size": 7}))
    url = last.json()["next"]
    while url:
        data = api.get(url).json()
        url = data["next"] or None
        prev = data["previous"]
    back = api.get(prev).json()
    assert back["results"] and back["next"]


def test_default_page_size_is_20_and_maximum_is_100(api, crocus):
    assert len(api.get(api_url("claim-list")).json()["results"]) == 20
    assert api.get(api_url("claim-list", params={"page_size": 100})).status_code == 200
    body = assert_error(
        api.get(api_url("claim-list", params={"page_size": 101})), 400, "page_size"
    )
    assert "100" in body["errors"]["page_size"][0]
    for bad in ("0", "-3", "ten", "2.5"):
        assert_error(api.get(api_url("claim-list", params={"page_size": bad})), 400, "page_size")


def test_bad_cursors_are_400s(api, crocus):
    first = api.get(api_url("actor-list", params={"page_size": 2})).json()
    good = first["next"].split("cursor=")[1]
    for bad in ("garbage", "eyJ9", good[:-6], "e30="):
        assert_error(api.get(api_url("actor-list", params={"cursor": bad})), 400, "cursor")
    # A cursor from another ordering is refused rather than misread.
    assert_error(
        api.get(api_url("actor-list", params={"cursor": good, "ordering": "-name"})),
        400,
        "cursor",
    )


@pytest.mark.parametrize(
    ("name", "field", "term"),
    [
        ("event-list", "title", "title"),  # start: reading order (tests/api/test_events.py)
        ("actor-list", "name", "name"),
        ("location-list", "name", "-name"),
        ("claim-list", "made_at", "-made_at"),
        ("article-list", "updated_at", "updated_at"),
    ],
)
def test_ordering(api, crocus, name, field, term):
    data = api.get(api_url(name, params={"ordering": term, "page_size": 100})).json()
    values = [i[field] for i in data["results"]]
    assert values == sorted(values, reverse=term.startswith("-"))
    body = assert_error(api.get(api_url(name, params={"ordering": "password"})), 400, "ordering")
    assert term.lstrip("-") in body["errors"]["ordering"][0]


def test_article_ordering_by_publication_date(api, crocus):
    data = api.get(api_url("article-list", params={"page_size": 100})).json()
    dates = [a["published_on"] or "" for a in data["results"]]
    assert dates == sorted(dates, reverse=True)


def test_ties_do_not_break_cursor_pages(api, db):
    ActorFactory.create_batch(9, name="Same Name")
    seen, url = [], api_url("actor-list", params={"page_size": 2, "q": "Same Name"})
    while url:
        data = api.get(url).json()
        seen += [a["slug"] for a in data["results"]]
        url = data["next"]
    assert len(seen) == len(set(seen))
    # (PostgreSQL's search may add a loosely similar name; the nine ties all come once)
    assert len([s for s in seen if s.startswith("same-name")]) == 9


@pytest.mark.parametrize("name", LISTS)
def test_unknown_and_repeated_parameters_are_named(api, crocus, name):
    body = assert_error(api.get(api_url(name, params={"colour": "red"})), 400, "colour")
    assert "Known here" in body["errors"]["colour"][0]
    assert_error(api.get(f"{api_url(name)}?page_size=2&page_size=3"), 400, "page_size")
    assert_error(api.get(api_url(name, params={"format": "xml"})), 400, "format")


@pytest.mark.parametrize("name", LISTS)
def test_modified_since(api, crocus, name):
    model = MODELS[name]
    future = timezone.now() + dt.timedelta(days=1)
    assert (
        api.get(api_url(name, params={"modified_since": future.isoformat()})).json()["results"]
        == []
    )
    row = model.objects.public().order_by("pk").first()
    model.objects.filter(pk=row.pk).update(updated_at=future + dt.timedelta(hours=1))
    data = api.get(api_url(name, params={"modified_since": future.isoformat()})).json()
    assert [key(i) for i in data["results"]] == [getattr(row, "slug", row.pk)]
    assert api.get(api_url(name, params={"modified_since": "2020-01-01"})).status_code == 200
    assert_error(
        api.get(api_url(name, params={"modified_since": "last tuesday"})), 400, "modified_since"
    )


@pytest.mark.parametrize("name", LISTS)
def test_q_searches_every_list(api, crocus, name):
    word, expected = SEARCH[name]
    data = api.get(api_url(name, params={"q": word, "page_size": 100})).json()
    assert data["results"]
    if expected:
        assert expected in [key(i) for i in data["results"]]
    none = api.get(api_url(name, params={"q": "zzzqqqxxx-nothing"})).json()
    assert none["results"] == []
    assert_error(api.get(api_url(name, params={"q": "x" * 201})), 400, "q")


@pytest.mark.parametrize(
    "value, everything",
    [
        ("2024-02-19T21:43:25.06858-23:54", True),  # offsets beyond PostgreSQL's ±15:59
        ("2090-04-10T00:21:12+19:11", False),
        ("1900-01-01T00:00:00-01:00", True),  # the first day newsbase keeps (events/dates.py)
        ("2100-12-31T23:59:00+01:00", False),  # its last
    ],
)
def test_modified_since_with_any_offset(api, crocus, value, everything):
    """Found by schemathesis: such times were a 500; they are before or after every row."""
    response = api.get(api_url("actor-list", params={"modified_since": value}))
    assert response.status_code == 200
    assert bool(response.json()["results"]) is everything
    deleted = api.get(api_url("deleted-list", params={"since": value}))
    assert deleted.status_code == 200


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:00-01:00", "1899-12-31T23:59:59Z"]
)
def test_modified_since_outside_the_range_is_a_400(api, crocus, value):
    """Issue 12: times outside 1900-2100 (events/dates.py) are refused, naming the parameter."""
    assert_error(
        api.get(api_url("actor-list", params={"modified_since": value})), 400, "modified_since"
    )
    assert_error(api.get(api_url("deleted-list", params={"since": value})), 400, "since")


def test_a_filtered_list_builds_only_the_filters_it_names(api, crocus):
    """django-filter copies and validates every filter per request; ours builds the named
    ones (events.api.filters.BaseFilterSet), and a filter that needs another still sees it."""
    from django.http import QueryDict

    from events.api.filters import ClaimFilter, EventFilter

    named = EventFilter(data=QueryDict("type=attack&q=crocus"), queryset=Event.objects.all())
    assert set(named.filters) == {"type", "q"}
    assert named.is_valid()
    assert set(EventFilter(queryset=Event.objects.all()).filters) == set(EventFilter.base_filters)

    # as_of with event= ends the day in the event's time zone: both are built and applied.
    event = Event.objects.public().get(slug="crocus-city-hall-attack")
    data = QueryDict(f"as_of=2024-03-22&event={event.slug}")
    both = ClaimFilter(data=data, queryset=Claim.objects.all())
    assert set(both.filters) == {"as_of", "event"}
    response = api.get(api_url("claim-list") + f"?{data.urlencode()}&page_size=100")
    assert response.status_code == 200
    assert (
        {c["id"] for c in response.json()["results"]}
        == set(both.qs.filter(pk__in=Claim.objects.public()).values_list("pk", flat=True))
        != set()
    )

    bad = api.get(api_url("event-list") + "?role=nonsense")
    assert_error(bad, 400, "role")
