"""The page and the API state the same facts, because both read them through events.reads.

For every published event of the Crocus record, on each day of ``DAYS`` (and today, with
and without ``as_of``), the facts the event page shows are exactly the facts the API's event
detail returns: figures (each series and its best value), claims and their sources,
participants, timeline entries, corrections and the summary. The page's facts are read from
the page object the template rendered (and checked to be in its HTML); the API's from its
JSON. For every published claim, the claim page and the API agree on its related claims (one
shape: supports, contradicts, contradicted by…), sources, the actors it is about and
corrections.
For every published actor and place, the page and the API agree on its names, links, the
events it took part in or that happened there (the API's filtered lists) and, for places,
the places it lies in and the places directly inside it.
"""

import datetime as dt
import html
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from events.models import Actor, Claim, Correction, Event, Location
from events.reads.common import LIST_LIMIT
from tests.api.contract import ContractClient

pytestmark = pytest.mark.django_db

DAYS = ["2024-03-22", "2024-03-23", "2024-03-30"]
ID = re.compile(r"/claims/(\d+)/$")


def claim_id(url: str) -> int:
    return int(ID.search(url).group(1))


def page_facts(client, event, day):
    response = client.get(event.get_absolute_url(), {"as_of": day} if day else {})
    assert response.status_code == 200
    page, body = response.context["page"], response.content.decode()
    timeline = {i.event.slug for i in page.timeline if not i.current}
    # The page's timeline also lists the sub-events' own sub-events ("part of <child>"); the
    # API nests one level (a client follows each sub-event's url): compare the rest.
    deeper = {
        i.event.slug
        for i in page.timeline
        if i.label.startswith("part of ") and i.label != "part of this event"
    }
    facts = {
        "summary": page.event.summary_as_of(page.as_of),
        "claims": {c.pk for c in page.claims},
        # each claim's sources as known that day (articles published by then)
        "sources": {(c.pk, s.article.slug) for c in page.claims for s in c.fetched_sources},
        "figures": {
            metric: (
                values["best"].pk if values["best"] else None,
                [c.pk for c in values["series"]],
            )
            for metric, values in page.figures.items()
        },
        "participants": {(p.actor.slug, p.role) for _, rows in page.roles for p in rows},
        "timeline": timeline - deeper,
        "corrections": [(c.kind, c.note) for c in page.corrections],
    }
    # ... and the template printed them.
    for claim in page.claims:  # figures in their table, the rest as claims: each linked
        assert claim.get_absolute_url() in body
    for actor_slug, _ in facts["participants"]:
        assert f"/actors/{actor_slug}/" in body
    for item in page.timeline:
        assert item.event.get_absolute_url() in body
    for _, note in facts["corrections"]:
        assert html.escape(note) in body
    return facts


def api_facts(event, day):
    params = {"as_of": day} if day else {}
    response = ContractClient().get(f"/api/v1/events/{event.slug}/", params)
    assert response.status_code == 200, response.content
    data = response.json()
    timeline = {e["slug"] for e in data["sub_events"]}
    timeline |= {r["event"]["slug"] for r in data["related_events"]}
    if data["parent"]:
        timeline.add(data["parent"]["slug"])
    return {
        "summary": data["summary"],
        "claims": {c["id"] for c in data["claims"]},
        "sources": {(c["id"], s["article"]["slug"]) for c in data["claims"] for s in c["sources"]},
        "figures": {
            f["metric"]: (
                claim_id(f["best"]["claim"]) if f["best"] else None,
                [claim_id(p["claim"]) for p in f["series"]],
            )
            for f in data["figures"]
        },
        "participants": {(p["actor"]["slug"], p["role"]) for p in data["participants"]},
        "timeline": timeline,
        "corrections": [(c["kind"], c["note"]) for c in data["corrections"]],
    }


def published_events():
    return list(Event.objects.public().order_by("start"))


@pytest.fixture
def crocus_with_corrections(crocus):
    """A correction logged long ago and one logged now, so as_of has something to cut."""
    ct = ContentType.objects.get_for_model(Event)
    old = Correction.objects.create(
        content_type=ct, object_id=crocus.pk, note="Start time given in Moscow time."
    )
    Correction.objects.filter(pk=old.pk).update(
        created_at=dt.datetime(2024, 3, 23, 8, tzinfo=dt.UTC)
    )
    Correction.objects.create(content_type=ct, object_id=crocus.pk, note="Toll updated.")
    return crocus


@pytest.mark.parametrize("day", [*DAYS, "today", None])
def test_every_event_page_states_what_the_api_returns(client, crocus_with_corrections, day):
    if day == "today":
        day = timezone.localdate().isoformat()
    events = published_events()
    assert len(events) > 5
    compared = 0
    for event in events:
        page, api = page_facts(client, event, day), api_facts(event, day)
        assert page == api, event.slug
        compared += bool(page["claims"])
    assert compared  # some event had claims to compare on this day


def test_the_days_differ(client, crocus_with_corrections):
    """A control: the days chosen do show different facts (the comparison has teeth)."""
    crocus = crocus_with_corrections
    seen = [api_facts(crocus, day) for day in DAYS]
    assert seen[0]["claims"] < seen[1]["claims"] < seen[2]["claims"]
    # A claim known on 23 March had sources published later: that day cuts them.
    now = api_facts(crocus, None)["sources"]
    assert seen[1]["sources"] < {
        (claim, slug) for claim, slug in now if claim in seen[1]["claims"]
    }
    assert seen[0]["figures"] != seen[1]["figures"]
    assert len(seen[1]["corrections"]) == 1
    assert len(api_facts(crocus, None)["corrections"]) == 2


def claim_page_facts(client, claim):
    response = client.get(claim.get_absolute_url())
    assert response.status_code == 200
    page, body = response.context["page"], response.content.decode()
    for others in page.relations.values():
        for other in others:
            assert other.get_absolute_url() in body
    return {
        "related": {(key, other.pk) for key, others in page.relations.items() for other in others},
        "sources": [s.article.slug for s in page.claim.fetched_sources],
        "about": [a.slug for a in page.claim.fetched_about_actors],
        "corrections": [(c.kind, c.note) for c in page.corrections],
    }


def claim_api_facts(claim):
    data = ContractClient().get(f"/api/v1/claims/{claim.pk}/").json()
    # The page lists contradiction under one heading, in both directions (it is mutual).
    related = {
        ("contradicts" if r["relation"] == "contradicted_by" else r["relation"], r["claim"]["id"])
        for r in data["related_claims"]
    }
    return {
        "related": related,
        "sources": [s["article"]["slug"] for s in data["sources"]],
        "about": [a["slug"] for a in data["about_actors"]],
        "corrections": [(c["kind"], c["note"]) for c in data["corrections"]],
    }


def test_every_claim_page_states_what_the_api_returns(client, crocus):
    claims = list(Claim.objects.public().order_by("pk"))
    assert claims
    related = 0
    for claim in claims:
        page, api = claim_page_facts(client, claim), claim_api_facts(claim)
        assert page == api, claim.pk
        related += bool(page["related"])
    assert related  # the record has related claims, so the shape was compared


def api_list(path: str, **params) -> list[dict]:
    """Every row of an API list, following its cursor pages."""
    url, rows = path, []
    params = {"page_size": 100, **params}
    while url:
        response = ContractClient().get(url, params)
        assert response.status_code == 200, response.content
        data = response.json()
        rows += data["results"]
        url, params = data["next"], {}
    return rows


def test_every_actor_page_states_what_the_api_returns(client, crocus):
    actors = list(Actor.objects.public().order_by("slug"))
    assert len(actors) > 5
    compared = 0
    for actor in actors:
        response = client.get(actor.get_absolute_url())
        assert response.status_code == 200
        page, body = response.context["page"], response.content.decode()
        page_facts = {
            "aliases": {a.name for a in page.aliases},
            "affiliations": {(a.kind, a.organisation.slug) for a in page.affiliations},
            "affiliated": {(a.kind, a.actor.slug) for a in page.affiliated},
            "events": {p.event.slug for _, rows in page.roles for p in rows},
            "claims_made": {c.pk for c in page.claims_made},
        }
        for slug in page_facts["events"]:
            assert f"/events/{slug}/" in body
        data = ContractClient().get(f"/api/v1/actors/{actor.slug}/").json()
        api_facts = {
            "aliases": {a["name"] for a in data["aliases"]},
            "affiliations": {(a["kind"], a["organisation"]["slug"]) for a in data["affiliations"]},
            "affiliated": {(a["kind"], a["actor"]["slug"]) for a in data["affiliated"]},
            "events": {e["slug"] for e in api_list("/api/v1/events/", actor=actor.slug)},
            "claims_made": {c["id"] for c in api_list("/api/v1/claims/", speaker=actor.slug)},
        }
        assert page_facts == api_facts, actor.slug
        compared += bool(page_facts["events"] and page_facts["claims_made"])
    assert compared  # some actor both took part in events and spoke


def test_every_location_page_states_what_the_api_returns(client, crocus):
    locations = list(Location.objects.public().order_by("slug"))
    assert len(locations) > 3
    compared = 0
    for location in locations:
        response = client.get(location.get_absolute_url())
        assert response.status_code == 200
        page = response.context["page"]
        assert page.events_total <= LIST_LIMIT  # the page lists every event: compare them all
        page_facts = {
            "ancestors": [p.slug for p in page.ancestors],
            "children": {
                p.slug for p in page.places_inside if p.parent and p.parent.pk == location.pk
            },
            "events": {e.slug for e in page.events},
        }
        data = ContractClient().get(f"/api/v1/locations/{location.slug}/").json()
        api_facts = {
            "ancestors": [p["slug"] for p in reversed(data["ancestors"])],
            "children": {p["slug"] for p in data["children"]},
            "events": {e["slug"] for e in api_list("/api/v1/events/", location=location.slug)},
        }
        assert page_facts == api_facts, location.slug
        compared += bool(page_facts["ancestors"] and page_facts["events"])
    assert compared  # some place lies in another and has events (inside it, too)
