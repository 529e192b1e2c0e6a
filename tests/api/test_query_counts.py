"""Query counts of every list and detail endpoint stay constant as rows grow.

Each endpoint is measured on the Crocus record, then again after many more rows of every
kind are added (events with participants, claims with sources and relations, nested
places, aliases…); ``django_assert_max_num_queries`` holds it to the same fixed budget.
The budget is what a real request costs: it includes the throttle's counter in the
database cache (6 queries: read, cull count, savepoint, select, write, release; none with
Redis) and, for editors, one query for the token.

Where the rest goes: a list is 1 query plus 1 per prefetched collection (aliases, sources)
plus 1 per slug filter; the event detail is 1 + 8 prefetches + 1 recursive query for the
location's ancestors (+1 with as_of, for the event's time zone).
"""

import pytest

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
    "event": ("event-detail", {"slug": ATTACK}, {}, 16),
    "event-as-of": ("event-detail", {"slug": ATTACK}, {"as_of": "2024-03-23"}, 17),
    "claims": ("claim-list", {}, {"page_size": 100}, 8),
    "claims-filtered": (
        "claim-list",
        {},
        {"event": ATTACK, "speaker": "investigative-committee", "as_of": "2024-03-25"},
        10,
    ),
    "claim": ("claim-detail", {"pk": None}, {}, 11),
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


def request(api, crocus, name, claim_pk):
    url_name, kwargs, params, budget = ENDPOINTS[name]
    if "pk" in kwargs:
        kwargs = {"pk": claim_pk}
    response = api.get(api_url(url_name, params=params, **kwargs))
    assert response.status_code == 200, response.content
    return response, budget


@pytest.mark.parametrize("name", list(ENDPOINTS))
@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_query_count_is_constant_as_rows_grow(
    api, editor_api, crocus, django_assert_max_num_queries, name, who
):
    client = api if who == "anonymous" else editor_api
    claim_pk = crocus.claims.filter(import_key="putin-window-ukraine").get().pk
    budget = ENDPOINTS[name][3] + (1 if who == "editor" else 0)  # the token lookup
    with django_assert_max_num_queries(budget):
        small, _ = request(client, crocus, name, claim_pk)
    grow(crocus)
    with django_assert_max_num_queries(budget):
        large, _ = request(client, crocus, name, claim_pk)
    assert len(large.content) > len(small.content) or name in {"article", "claims-filtered"}
