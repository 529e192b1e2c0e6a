"""Maps, Wikidata links, feeds, favicon and og:image: what other sites and readers pick up."""

import datetime as dt
import json
from pathlib import Path

import feedparser
import lxml.html
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from events import models as m

from .helpers import parse

pytestmark = pytest.mark.django_db


def map_points(html: str) -> list[dict]:
    start = html.index('id="event-map-data"')
    return json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])


def infobox_place(html: str) -> str | None:
    """The text of the infobox's "Where", or None when it has none."""
    found = lxml.html.fromstring(html).xpath(
        '//aside[contains(@class, "infobox")]//dd[contains(concat(" ", @class, " "), " place ")]'
    )
    return " ".join(found[0].text_content().split()) if found else None


def test_each_event_map_shows_where_it_happened_or_says_no_report_places_it(client, crocus):
    """The rule for every published event: placed, its map's first marker is the event
    itself at its own place's coordinates; not placed by any report, the page says "Place
    not reported" and no marker claims to be the event."""
    events = list(m.Event.objects.filter(status="published").select_related("location"))
    unplaced = {e.slug for e in events if e.location is None}
    # Only an online claim and an approval whose place no report gives (record.toml).
    assert unplaced == {"islamic-state-claims-crocus-attack", "crocus-indictment-2025"}
    for event in events:
        html = client.get(event.get_absolute_url()).content.decode()
        where = infobox_place(html)
        points = map_points(html) if 'id="event-map-data"' in html else []
        if event.location is not None:
            assert where is not None and event.location.name in where, event.slug
            first = points[0]
            assert first["url"] == event.get_absolute_url(), event.slug
            assert first["place"] == event.location.name, event.slug
            assert (first["lat"], first["lon"]) == (
                float(event.location.latitude),
                float(event.location.longitude),
            ), event.slug
        else:
            assert where == "Place not reported", event.slug
            assert all(p["url"] != event.get_absolute_url() for p in points), event.slug
            if points:
                assert "the map shows related events, not this one" in html, event.slug
    detention = next(e for e in events if e.slug == "crocus-gunmen-detained")
    assert detention.location.name == "Bryansk Oblast"  # a region, by its own coordinates
    case = next(e for e in events if e.slug == "crocus-criminal-case-opened")
    assert case.location.name == "Moscow Oblast"  # as NSN's report of the SK's statement


def test_location_pages_link_their_wikidata_item(client, crocus):
    place = (
        m.Location.objects.filter(status="published", wikidata_qid__isnull=False)
        .exclude(wikidata_qid="")
        .first()
    )
    assert place is not None
    html = client.get(place.get_absolute_url()).content.decode()
    assert f'href="https://www.wikidata.org/wiki/{place.wikidata_qid}"' in html


def test_favicon_ico_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert b"\x89PNG" in body


def test_pages_carry_an_og_image_that_is_served(client, crocus):
    for url in ("/", crocus.get_absolute_url(), "/events/"):
        meta = parse(client.get(url)).meta
        image = meta["og:image"]
        assert image.startswith("http://testserver/") and image.endswith(".png")
    # The image is a static file (served by WhiteNoise from collectstatic's output).
    found = finders.find(image.removeprefix(f"http://testserver{settings.STATIC_URL}"))
    assert found and Path(found).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_atom_entries_have_author_and_the_events_own_dates(client, crocus):
    feed = feedparser.parse(client.get("/feeds/events.atom").content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    # RFC 4287: the feed has id, title, updated; every entry id, title, updated, an author
    # (its own or the feed's) and a link.
    assert feed.feed.id and feed.feed.title and feed.feed.updated
    entry = next(e for e in feed.entries if e.title == crocus.title)
    for e in feed.entries:
        assert e.id and e.title and e.updated and e.link
        assert e.author == "newsbase newsroom"
    published = dt.datetime.fromisoformat(entry.published)
    updated = dt.datetime.fromisoformat(entry.updated)
    assert published == crocus.start  # the attack itself, not the day its row was loaded
    latest = crocus.claims.filter(status="published").order_by("-made_at").first().made_at
    assert updated == max(latest, crocus.end or crocus.start) > published
