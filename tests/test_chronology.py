"""Reading order for dates of mixed precision (events.chronology), and the pages that use it."""

import datetime as dt
import html as html_lib
import re
import zoneinfo

import feedparser
import pytest

from events import models as m
from events import views
from events.chronology import (
    CHAIN_LINKS,
    LINK,
    before_pairs,
    chronological,
    in_reading_order,
    interval,
    store_reading_order,
)
from events.services import rows_bulk_update
from tests.factories import EventFactory

MSK = zoneinfo.ZoneInfo("Europe/Moscow")


def event(pk, start, precision, parent=None):
    return m.Event(
        pk=pk,
        start=start,
        start_precision=precision,
        timezone="Europe/Moscow",
        parent_id=parent,
        title=f"e{pk}",
    )


def test_a_day_is_the_whole_day_where_it_happened():
    lo, hi = interval(dt.datetime(2024, 3, 21, 21, 0, tzinfo=dt.UTC), "day", MSK)
    assert lo == dt.datetime(2024, 3, 22, tzinfo=MSK) and hi == dt.datetime(
        2024, 3, 23, tzinfo=MSK
    )
    lo, hi = interval(dt.datetime(2024, 12, 10, tzinfo=dt.UTC), "month", MSK)
    assert (lo.month, hi.year, hi.month) == (12, 2025, 1)
    lo, hi = interval(dt.datetime(2024, 5, 1, tzinfo=dt.UTC), "year", MSK)
    assert (lo.year, hi.year) == (2024, 2025)


def test_parts_and_consequences_of_an_event_follow_it_within_their_day():
    attack = event(1, dt.datetime(2024, 3, 22, 19, 58, tzinfo=MSK), "minute")
    claim = event(2, dt.datetime(2024, 3, 22, tzinfo=MSK), "day", parent=1)
    detained = event(3, dt.datetime(2024, 3, 22, tzinfo=MSK), "day")
    earlier = event(4, dt.datetime(2024, 3, 22, 9, 0, tzinfo=MSK), "minute")
    month = event(5, dt.datetime(2024, 3, 1, tzinfo=MSK), "month")
    order = chronological([detained, claim, attack, earlier, month], pairs=[(1, 3)])
    assert [e.pk for e in order] == [5, 4, 1, 2, 3]
    assert [e.pk for e in chronological(order, [(1, 3)])][:3] == [5, 4, 1]
    # Without what places them, day-precision events keep their day's start.
    assert [e.pk for e in chronological([attack, detained])] == [3, 1]


@pytest.mark.django_db
def test_crocus_timeline_reads_in_order_with_its_precision(client, crocus):
    html = client.get(crocus.get_absolute_url()).content.decode()
    timeline = html[html.index('id="timeline"') : html.index("</ol>", html.index('id="timeline"'))]
    titles = re.findall(r'class="timeline-title"[^>]*>([^<]+)<', timeline)
    attack = titles.index(crocus.title)
    for after in ("Islamic State claims", "Four gunmen detained", "Criminal case opened"):
        position = next(i for i, t in enumerate(titles) if t.startswith(after))
        assert position > attack, (after, titles)
    assert "22 March 2024, 19:58 MSK" in timeline  # a time names its zone
    assert ">22 March 2024<" in timeline  # a day reads as a day
    dates = re.findall(r'<time datetime="([^"]+)"', timeline)
    assert [d[:10] for d in dates] == sorted(d[:10] for d in dates)


@pytest.mark.django_db
def test_event_list_places_day_precision_events_after_the_attack(client, crocus):
    html = client.get("/events/").content.decode()
    titles = re.findall(r'<li class="event-row"><a href="[^"]+">([^<]+)</a>', html)
    attack = titles.index(crocus.title)
    detained = next(i for i, t in enumerate(titles) if t.startswith("Four gunmen detained"))
    assert detained < attack  # newest first: what followed the attack is listed above it


def python_order(events) -> list[str]:
    """The reading order events.chronology decides in Python, over the whole set."""
    pairs = before_pairs(m.EventRelation.objects.all())
    return [e.slug for e in chronological(events, pairs)][::-1]


@pytest.mark.django_db
def test_the_database_orders_as_chronology_decides(crocus):
    """Causes on one day, each placed by the one before it through each way of knowing it
    (a relation read "source first", one read "target first", a parent), ``CHAIN_LINKS``
    links deep: the database key orders them as the Python rule does."""
    assert CHAIN_LINKS == 2
    day = dt.datetime(2024, 4, 2, tzinfo=MSK)
    cause = EventFactory(
        timezone="Europe/Moscow",
        slug="chain-0",
        start=day.replace(hour=10),
        start_precision="minute",
    )
    led = EventFactory(timezone="Europe/Moscow", slug="chain-1", start=day, start_precision="day")
    m.EventRelation.objects.create(source=cause, target=led, kind="led_to")
    follows = EventFactory(
        timezone="Europe/Moscow", slug="chain-2", start=day, start_precision="day"
    )
    m.EventRelation.objects.create(source=follows, target=led, kind="follows")
    EventFactory(
        timezone="Europe/Moscow", slug="chain-2-part", start=day, start_precision="day", parent=led
    )
    # A draft would place an event later if drafts counted; a month is placed by its cause.
    draft = EventFactory(
        slug="chain-draft", start=day.replace(hour=23), start_precision="minute", status="draft"
    )
    late = EventFactory(
        timezone="Europe/Moscow", slug="after-draft", start=day, start_precision="day"
    )
    m.EventRelation.objects.create(source=draft, target=late, kind="led_to")
    month = EventFactory(
        timezone="Europe/Moscow", slug="april", start=day.replace(day=1), start_precision="month"
    )
    m.EventRelation.objects.create(source=cause, target=month, kind="led_to")

    public = m.Event.objects.public()
    database = [e.slug for e in in_reading_order(public, newest_first=True)]
    assert database == python_order(list(public))
    oldest_first = [e.slug for e in in_reading_order(public)]
    assert oldest_first == database[::-1]
    assert oldest_first.index("after-draft") < oldest_first.index("chain-0")  # its midnight
    assert oldest_first.index("chain-0") < oldest_first.index("april")
    chain = [s for s in oldest_first if s.startswith("chain-")]
    assert chain[:2] == ["chain-0", "chain-1"] and set(chain[2:]) == {"chain-2", "chain-2-part"}
    attack = oldest_first.index(crocus.slug)
    for slug in ("islamic-state-claims-crocus-attack", "crocus-gunmen-detained"):
        assert oldest_first.index(slug) > attack


@pytest.mark.django_db
@pytest.mark.parametrize("per_page", [2, 6])
def test_event_list_reads_in_order_across_its_pages(client, crocus, monkeypatch, per_page):
    """Paged through, /events/ lists every event once, newest first as the rule decides,
    whichever page boundary falls between the attack and what followed it that day."""
    monkeypatch.setattr(views, "EVENTS_PER_PAGE", per_page)
    titles, url = [], "/events/"
    while url:
        html = client.get(url).content.decode()
        page = re.findall(r'<li class="event-row"><a href="[^"]+">([^<]+)</a>', html)
        assert 0 < len(page) <= per_page
        titles += [html_lib.unescape(t) for t in page]
        following = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = "/events/" + following.group(1).replace("&amp;", "&") if following else None
    events = list(m.Event.objects.public())
    by_slug = {e.slug: e.title for e in events}
    assert titles == [by_slug[slug] for slug in python_order(events)]
    assert titles.index("Four gunmen detained in Bryansk Oblast") < titles.index(crocus.title)


@pytest.mark.django_db
def test_feed_entries_read_in_order(client, crocus):
    feed = feedparser.parse(client.get("/feeds/events.atom").content)
    events = list(m.Event.objects.public())
    by_slug = {e.slug: e.title for e in events}
    assert [e.title for e in feed.entries] == [by_slug[slug] for slug in python_order(events)]


def stored_order_is_current() -> bool:
    """Whether every event's stored reading key is what the rule computes now."""
    return store_reading_order(m.Event._base_manager.all()) == 0


@pytest.mark.django_db
def test_the_stored_key_follows_every_write_that_moves_an_event():
    """``Event.reading_at`` is kept on write: a cause's time, status and precision, a
    relation made, changed or removed, a parent given, and the bulk writers all move what
    they place (up to ``CHAIN_LINKS`` links on), and nothing is left stale."""
    day = dt.datetime(2024, 4, 2, tzinfo=MSK)

    def make(slug, start, precision, **kw):
        return EventFactory(
            timezone="Europe/Moscow", slug=slug, start=start, start_precision=precision, **kw
        )

    def order():
        mine = m.Event.objects.filter(slug__in=["cause", "led", "part", "other"])
        return [e.slug for e in in_reading_order(mine)]

    cause = make("cause", day.replace(hour=10), "minute")
    led = make("led", day, "day")
    part = make("part", day, "day")
    assert order() == ["led", "part", "cause"] and stored_order_is_current()

    relation = m.EventRelation.objects.create(source=cause, target=led, kind="led_to")
    part.parent = led
    part.save()
    assert order() == ["cause", "led", "part"] and stored_order_is_current()

    cause.start = day.replace(hour=8)  # its consequences move with it, two links on
    cause.save()
    placed = m.Event.objects.get(slug="part").reading_at
    assert placed == day.replace(hour=8) + 2 * LINK and stored_order_is_current()

    cause.status = m.Status.WITHDRAWN  # a cause the public cannot see places nothing
    cause.save()
    assert order() == ["led", "part", "cause"] and stored_order_is_current()
    cause.status = m.Status.PUBLISHED
    cause.save()
    assert order() == ["cause", "led", "part"]

    relation.kind = "related"  # no order in it
    relation.save()
    assert order() == ["led", "part", "cause"] and stored_order_is_current()
    relation.kind = "response_to"  # read "target first": led is now the cause
    relation.save()
    assert order() == ["led", "part", "cause"] and stored_order_is_current()
    relation.delete()
    m.EventRelation.objects.create(source=led, target=cause, kind="follows")
    assert order() == ["cause", "led", "part"] and stored_order_is_current()

    # The bulk writers (no signals) keep it too: the relation moved to another event.
    other = make("other", day.replace(hour=23), "minute")
    moved = m.EventRelation.objects.get(source=led)
    moved.target = other
    rows_bulk_update(objs=[moved], fields=["target"])
    assert order() == ["cause", "other", "led", "part"] and stored_order_is_current()

    cause.start_precision = "day"  # no longer its own place: a day, ranked after a minute
    cause.start = day
    cause.save(update_fields=["start", "start_precision"])
    assert m.Event.objects.get(slug="cause").reading_rank == 1 and stored_order_is_current()


@pytest.mark.django_db
def test_a_list_of_events_is_one_query_on_the_stored_key(django_assert_num_queries, crocus):
    """The reading order costs a list nothing more than ordering by ``start``: one query,
    no grouping over the events' causes."""
    with django_assert_num_queries(1) as captured:
        list(in_reading_order(m.Event.objects.public(), newest_first=True)[:20])
    sql = captured.captured_queries[0]["sql"]
    assert "GROUP BY" not in sql and "reading_at" in sql
