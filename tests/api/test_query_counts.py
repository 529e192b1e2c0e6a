"""Query counts of every list and detail endpoint stay constant as rows grow.

Each endpoint is measured on the Crocus record, then again after many more rows of every
kind are added (events with participants, claims with sources and relations, nested
places, aliases…); ``django_assert_max_num_queries`` holds it to the same fixed budget.
The budget is what a real request costs: it includes the throttle's counter in the
database cache (at most 6 queries: savepoint, lock, read, delete expired counters when a
window starts, write, release; newsbase/cache.py's ``CountingDatabaseCache``; none with
Redis) and, for editors, one query for the token.

Where the rest goes: a list is 1 query plus 1 per prefetched collection (aliases, sources)
plus 1 per slug filter; the event detail is 1 + 9 prefetches + 1 recursive query for the
location's ancestors (+1 with as_of, for the summary of that day).
"""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import (
    ActorAlias,
    ClaimRelation,
    EventRelation,
    Location,
    LocationAlias,
    Status,
)
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimSourceFactory,
    EventFactory,
    FigureFactory,
    LocationFactory,
    ParticipationFactory,
)

from .conftest import api_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def render_every_request(settings):
    """These counts are what one render costs, so every request renders here. Served from
    the rendered-document cache, a repeated request costs no query at all
    (tests/http/test_rendered_cache.py)."""
    settings.RENDERED_CACHE = False


ATTACK = "crocus-city-hall-attack"

# endpoint → (url name, kwargs, params, budget)
ENDPOINTS = {
    "events": ("event-list", {}, {"page_size": 100}, 7),
    "events-filtered": (
        "event-list",
        {},
        {"location": "russia", "actor": "islamic-state", "role": "claimant", "q": "Crocus"},
        9,
    ),
    "events-geojson": ("event-list", {}, {"format": "geojson", "page_size": 100}, 7),
    # The event page's plan (events.reads.events), with corrections.
    "event": ("event-detail", {"slug": ATTACK}, {}, 17),
    # + the summary as it stood that day; the day ends in the fetched event's zone.
    "event-as-of": ("event-detail", {"slug": ATTACK}, {"as_of": "2024-03-23"}, 18),
    "claims": ("claim-list", {}, {"page_size": 100}, 8),
    "claims-filtered": (
        "claim-list",
        {},
        {"event": ATTACK, "speaker": "investigative-committee", "as_of": "2024-03-25"},
        10,
    ),
    "claim": ("claim-detail", {"pk": None}, {}, 12),  # + corrections
    "actors": ("actor-list", {}, {"page_size": 100}, 8),
    "actor": ("actor-detail", {"slug": "islamic-state"}, {}, 10),
    "locations": ("location-list", {}, {"page_size": 100, "within": "russia"}, 8),
    "location": ("location-detail", {"slug": "krasnogorsk"}, {}, 10),
    "articles": ("article-list", {}, {"page_size": 100}, 7),
    "article": ("article-detail", {"slug": "crocus-report-2024-03-23"}, {}, 7),
    "deleted": ("deleted-list", {}, {"page_size": 100}, 12),
}


def grow(crocus, n=25):
    """Add ``n`` of everything, much of it hung on the Crocus attack and its places."""
    region = Location.objects.get(slug="moscow-oblast")
    city = Location.objects.get(slug="krasnogorsk")
    islamic_state = ActorFactory._meta.model.objects.get(slug="islamic-state")
    ic = ActorFactory._meta.model.objects.get(slug="investigative-committee")
    first = None
    for i in range(n):
        place = LocationFactory(parent=city if i % 2 else region)
        LocationAlias.objects.create(location=place, name=f"Alias {i}")
        actor = ActorFactory()
        ActorAlias.objects.create(actor=actor, name=f"Other name {i}")
        ActorAlias.objects.create(actor=islamic_state, name=f"IS alias {i}")
        article = ArticleFactory()
        event = EventFactory(location=place, parent=crocus, title=f"Crocus follow-up {i}")
        EventRelation.objects.create(source=event, target=crocus, kind="follows")
        ParticipationFactory(event=crocus, actor=actor, role="commentator", source=article)
        ParticipationFactory(event=event, actor=islamic_state, role="claimant", source=article)
        claim = ClaimFactory(event=crocus, speaker=ic, text=f"Crocus statement {i}")
        ClaimSourceFactory(claim=claim, article=article, passage="")
        figure = FigureFactory(event=crocus, speaker=actor, figure_value=100 + i)
        ClaimSourceFactory(claim=figure, article=article, passage="")
        putin = crocus.claims.get(import_key="putin-window-ukraine")
        ClaimRelation.objects.create(from_claim=claim, to_claim=putin, kind="contradicts")
        ClaimRelation.objects.create(from_claim=putin, to_claim=claim, kind="supports")
        ClaimSourceFactory(claim=putin, article=article, passage="")
        putin.about_actors.add(actor)
        if first is not None:
            ClaimRelation.objects.create(from_claim=claim, to_claim=first, kind="contradicts")
        first = first or claim
        gone = LocationFactory()
        gone.delete()
        EventFactory(status=Status.WITHDRAWN)
    return first


def queries(client, name, claim_pk) -> tuple[int, bytes]:
    """How many queries one request of endpoint ``name`` costs, and the body it answers."""
    url_name, kwargs, params, _ = ENDPOINTS[name]
    if "pk" in kwargs:
        kwargs = {"pk": claim_pk}
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(api_url(url_name, params=params, **kwargs))
    assert response.status_code == 200, (name, response.content)
    return len(ctx.captured_queries), response.content


def budget(name, who) -> int:
    extra = 1 if who == "editor" else 0  # the token lookup
    if "q" in ENDPOINTS[name][2] and connection.vendor != "postgresql":
        extra += 1  # SQLite: the names close to the query (events/search/names.py)
    return ENDPOINTS[name][3] + extra


@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_query_count_is_constant_as_rows_grow(api, editor_api, crocus, who):
    """Every endpoint within its budget on the record, and again after ``grow()``.

    The rows are grown once for all endpoints (growing them is most of this test's time);
    every endpoint over its budget is named, not only the first.
    """
    client = api if who == "anonymous" else editor_api
    claim_pk = crocus.claims.filter(import_key="putin-window-ukraine").get().pk
    small = {name: queries(client, name, claim_pk) for name in ENDPOINTS}
    grow(crocus)
    # On a loaded machine grow() can outlast the throttle's window: the expired counter row
    # would cost a DELETE that is the throttle's, not the endpoint's. Start it afresh.
    caches["default"].clear()
    large = {name: queries(client, name, claim_pk) for name in ENDPOINTS}
    over = {
        name: (small[name][0], large[name][0], budget(name, who))
        for name in ENDPOINTS
        if max(small[name][0], large[name][0]) > budget(name, who)
    }
    assert not over, f"queries (before, after growing) over the budget: {over}"
    same = [
        name
        for name in ENDPOINTS
        if len(large[name][1]) <= len(small[name][1])
        and name not in {"article", "claims-filtered"}
    ]
    assert not same, f"these answered no more after growing (did grow() reach them?): {same}"


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "params, saved",
    [
        # Only the event's own row: no roles, claims, sources, relations, sub-events,
        # related events (2), corrections or ancestors are fetched.
        ({"fields": "slug,title"}, 10),
        # Claims without their sources and related claims (3 queries fewer).
        ({"omit": "claims.sources,claims.related_claims,claims.contradicting_claims"}, 3),
        # Figures need the claims, not their sources or relations, nor anything else.
        ({"fields": "figures"}, 9),
    ],
)
def test_fields_and_omit_prune_what_is_fetched(api, crocus, params, saved):
    """``fields=`` / ``omit=`` leave out the queries of what they leave out."""
    full = count(api, api_url("event-detail", slug=ATTACK))
    pruned = count(api, api_url("event-detail", slug=ATTACK, params=params))
    assert full - pruned == saved


@pytest.mark.parametrize(
    "name, kwargs, params, saved",
    [
        # An actor without its aliases and its links to other actors, either way round.
        ("actor-detail", {"slug": "islamic-state"}, {"fields": "slug,name"}, 3),
        ("actor-detail", {"slug": "islamic-state"}, {"omit": "affiliated"}, 1),
        ("actor-list", {}, {"page_size": 100, "omit": "aliases"}, 1),
        # A place without its aliases, the places inside it and the recursive walk up.
        ("location-detail", {"slug": "krasnogorsk"}, {"fields": "slug,name"}, 3),
        ("location-detail", {"slug": "krasnogorsk"}, {"omit": "ancestors,children"}, 2),
    ],
)
def test_actor_and_place_selections_prune_what_is_fetched(
    api, crocus, name, kwargs, params, saved
):
    """The same for actors and places: what a selection leaves out is not fetched."""
    base = {"page_size": 100} if name.endswith("-list") else {}
    full = count(api, api_url(name, params=base or None, **kwargs))
    pruned = count(api, api_url(name, params=params, **kwargs))
    assert full - pruned == saved


def test_claims_list_without_sources_does_not_fetch_them(api, crocus):
    full = count(api, api_url("claim-list", params={"page_size": 100}))
    pruned = count(api, api_url("claim-list", params={"page_size": 100, "omit": "sources"}))
    assert full - pruned == 1
    data = api.get(api_url("claim-list", params={"omit": "sources"})).json()
    assert data["results"] and all("sources" not in row for row in data["results"])
