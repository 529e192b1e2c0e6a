"""Each page costs a constant number of queries, however much data it shows.

Every page is requested once with the story, then again after many more related rows are
added (claims with sources and relations, roles, sub-events, mentions, places…): the count
must not move, and it stays under a fixed ceiling.
"""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import models as m
from tests import factories as f

from .conftest import build_story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def render_every_request(settings):
    """These counts are what one render costs, so every request renders here. Served from
    the rendered-document cache, a repeated request costs no query at all
    (tests/http/test_rendered_cache.py)."""
    settings.RENDERED_CACHE = False


# Measured on SQLite and PostgreSQL alike (anonymous reader; staff add 2 for session and user).
# The place hierarchy is one recursive query up (event, location) and one down (location,
# list_place), whatever its depth (events.reads.places).
CEILING = {
    "event": 12,
    "event_as_of": 13,  # + the summary of the day; the day ends in the fetched event's zone
    "actor": 8,
    "location": 5,
    "article": 4,
    "claim": 6,
    "home": 2,
    "list": 2,
    "list_place": 3,
    # One query per kind and one per kind of alias; then the names close to the query: once
    # on SQLite, on PostgreSQL once per kind ranked by its own names (events, actors, places).
    "search": 10,
    "atom": 1,
    "sitemap": 10,
}


def urls(story):
    return {
        "event": story.attack.get_absolute_url(),
        "event_as_of": story.attack.get_absolute_url() + "?as_of=2024-03-25",
        "actor": story.putin.get_absolute_url(),
        "location": story.country.get_absolute_url(),
        "article": story.report.get_absolute_url(),
        "claim": story.accusation.get_absolute_url(),
        "home": reverse("events:home"),
        "list": reverse("events:event-list"),
        "list_place": reverse("events:event-list") + f"?place={story.country.slug}",
        "search": reverse("events:search") + "?q=attack",
        "atom": reverse("events:feed-atom"),
        "sitemap": "/sitemap.xml",
    }


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def add_many_rows(story, n=12):
    """More of everything each page lists, all attached to the story's objects."""
    build_story(" 2")  # a whole second story elsewhere in the database
    for i in range(n):
        speaker = f.ActorFactory()
        f.ActorAliasFactory(actor=story.putin)
        article = f.ArticleFactory(
            published_on=dt.date(2024, 3, 24),
            publisher=f.ActorFactory(kind=m.ActorKind.MEDIA_OUTLET),
        )
        claim = f.ClaimFactory(
            event=story.attack,
            speaker=speaker if i % 2 else story.putin,
            kind=m.ClaimKind.ACCUSATION if i % 3 else m.ClaimKind.DENIAL,
            made_at=dt.datetime(2024, 3, 24, i, tzinfo=dt.UTC),
        )
        claim.about_actors.add(story.zelensky, speaker)
        f.ClaimSourceFactory(claim=claim, article=article)
        f.ClaimSourceFactory(
            claim=claim, article=story.report, passage="the world has been alerted."
        )
        m.ClaimRelation.objects.create(
            from_claim=claim, to_claim=story.accusation, kind="contradicts"
        )
        m.ClaimRelation.objects.create(from_claim=story.denial, to_claim=claim, kind="supports")
        f.FigureFactory(
            event=story.attack,
            speaker=speaker,
            figure_value=100 + i,
            figure_metric=m.Metric.INJURED if i % 2 else m.Metric.KILLED,
            made_at=dt.datetime(2024, 3, 24, i, tzinfo=dt.UTC),
        )
        f.ParticipationFactory(
            event=story.attack, actor=speaker, role=m.Role.COMMENTATOR, source=article
        )
        f.ParticipationFactory(
            event=f.EventFactory(location=story.city), actor=story.putin, role=m.Role.OFFICIAL
        )
        place = f.LocationFactory(parent=story.city if i % 2 else story.region)
        child = f.EventFactory(
            parent=story.attack, location=place, start=dt.datetime(2024, 3, 23, i, tzinfo=dt.UTC)
        )
        f.EventFactory(parent=child, location=place)
        related = f.EventFactory(location=place)
        m.EventRelation.objects.create(source=related, target=story.attack, kind="related")
        m.Affiliation.objects.create(actor=speaker, organisation=story.putin, kind="adviser_to")
        m.Correction.objects.create(
            content_type=ContentType.objects.get_for_model(m.Event),
            object_id=story.attack.pk,
            note=f"Fix {i}",
        )
        text = story.report.clean_text
        start = text.index("Ukraine")
        if i == 0:
            m.Mention.objects.create(
                article=story.report,
                location=story.country,
                start_offset=start,
                end_offset=start + 7,
                surface="Ukraine",
                confirmed=True,
            )


def test_query_counts_do_not_grow_with_data(client, story):
    targets = urls(story)
    for url in targets.values():
        client.get(url)  # warm per-process caches (ContentType ids for corrections)
    before = {name: count_queries(client, url) for name, url in targets.items()}
    add_many_rows(story)
    after = {name: count_queries(client, url) for name, url in targets.items()}
    assert after == before
    over = {name: n for name, n in after.items() if n > CEILING[name]}
    assert not over, f"over the ceiling: {over}"


@pytest.mark.parametrize("name", ["event", "actor", "location", "article", "claim"])
def test_detail_pages_within_ceiling_with_extra_rows(
    client, story, django_assert_max_num_queries, name
):
    add_many_rows(story, n=5)
    url = urls(story)[name]
    client.get(url)
    with django_assert_max_num_queries(CEILING[name]):
        assert client.get(url).status_code == 200
