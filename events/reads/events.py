"""Events: the event page's fetch plan and what it is built from, today or as of a day.

Everything the page shows comes in a fixed number of queries whatever the amount of data
(asserted in tests/pages). With ``as_of``, the day ends in the event's own time zone, and
the same :class:`~events.reads.as_of.AsOf` filters claims, related claims, sources,
participations, sub-events, related events and corrections.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404

from events.chronology import before_pairs, chronological
from events.fetch_plans import guarded
from events.models import (
    Article,
    Claim,
    ClaimKind,
    Correction,
    Event,
    EventRelation,
    EventSummaryVersion,
    Location,
    Participation,
    Role,
    figure_series,
)
from events.models.article import texts_behind
from events.models.base import is_staff

from . import claims as claim_reads
from .as_of import AsOf
from .common import attach_corrections, fetched
from .places import ancestors, map_point, place_chain

INFOBOX_ROLES = [Role.PERPETRATOR, Role.SUSPECTED_PERPETRATOR, Role.CLAIMANT]


def events(user, as_of: AsOf | None = None):
    """Events ``user`` may see, started by the end of ``as_of``'s day when given."""
    qs = Event.objects.visible_to(user)
    return qs if as_of is None else qs.filter(as_of.started_q())


def participations(user, as_of: AsOf | None = None, *, under: str | None = None):
    """Roles ``user`` may see (beneath a visible ``under``: see
    :class:`~events.models.base.VisibleQuerySet`), stated by an article published by
    ``as_of``'s day."""
    qs = Participation.objects.visible_to(user, under=under)
    if as_of is not None:
        qs = qs.filter(as_of.published_q("source__"))
    return qs


def events_for_list(user):
    """The events list (API): each event with its place and the larger event."""
    return guarded(Event.objects.visible_to(user).for_list().select_related("parent"))


#: What an event can show besides its own row; a plan fetches the parts asked for (all by
#: default, as the page shows them all; the API asks for those its ``fields=`` keep).
EVENT_PARTS = frozenset(
    {
        "participations",
        "claims",
        "claim_sources",  # each claim's sources
        "claim_relations",  # each claim's related claims
        "children",
        "grandchildren",  # the sub-events' own sub-events (the page's timeline)
        "relations",
        "corrections",
        "summary",  # with as_of: the summary as it stood
        "place_ancestors",  # the places the event's place lies in (``api_ancestors``)
    }
)


def event_prefetches(user, as_of: AsOf | None = None, parts=EVENT_PARTS) -> list[Prefetch]:
    """What an event shows with it: roles, claims (with theirs), sub-events, related events.

    Read as ``event.fetched_participations``, ``fetched_claims``, ``fetched_children`` (and
    each child's ``fetched_children``), ``fetched_relations_out`` / ``fetched_relations_in``.
    """
    sub_events = events(user, as_of).select_related("location").order_by("start", "pk")
    prefetches = []
    if as_of is not None and "summary" in parts:
        prefetches.append(
            Prefetch("summary_versions", queryset=guarded(EventSummaryVersion.objects.all()))
        )
    if "participations" in parts:
        roles = (
            participations(user, as_of, under="event")
            .select_related("actor", "source__publisher")
            .defer(*texts_behind("source__", keep=("raw_text",)))
            .order_by("role", "actor__name", "pk")
        )
        prefetches.append(fetched("participations", roles))
    if "claims" in parts:
        claims = (
            claim_reads.claims(user, as_of, under="event")
            .select_related("speaker")
            .prefetch_related(
                *claim_reads.claim_prefetches(
                    user,
                    as_of,
                    sources="claim_sources" in parts,
                    relations="claim_relations" in parts,
                )
            )
            .order_by("made_at", "pk")
        )
        prefetches.append(fetched("claims", claims))
    if "children" in parts:
        prefetches.append(fetched("children", sub_events))
        if "grandchildren" in parts:
            prefetches.append(fetched("fetched_children__children", sub_events))
    if "relations" in parts:
        prefetches += [
            fetched(
                "relations_out",
                _links(user, as_of, under="source", other="target")
                .select_related("target__location")
                .order_by("target__start", "pk"),
            ),
            fetched(
                "relations_in",
                _links(user, as_of, under="target", other="source")
                .select_related("source__location")
                .order_by("source__start", "pk"),
            ),
        ]
    return prefetches


def _links(user, as_of: AsOf | None, *, under: str, other: str):
    """Links ``user`` may see from visible events (``under``) to events started by
    ``as_of``'s day (``other``)."""
    qs = EventRelation.objects.visible_to(user, under=under)
    return qs if as_of is None else qs.filter(as_of.started_q(f"{other}__"))


def event_detail(slug: str, user, as_of: AsOf | None = None, parts=EVENT_PARTS) -> Event | None:
    """One event with everything it shows, for its page and the API alike (corrections
    logged by then on ``fetched_corrections``). A part not in ``parts`` is not fetched; its
    lists are empty.

    With ``as_of``, the day ends in the event's own time zone, read from the event row
    itself (so as_of costs no extra query), and ``event.summary`` is the summary as it stood
    on that day (``Event.summary_as_of``): pages and API print the same one.
    """
    event = details_queryset(user).filter(slug=slug).first()
    if event is None:
        return None
    if as_of is not None:
        as_of = as_of.in_zone(event.tzinfo)
    fetch_details([event], user, as_of, parts)
    if as_of is not None and "summary" in parts:
        event.summary = event.summary_as_of(as_of.day)  # the summary as it stood then
    return event


def details_queryset(user):
    """The events ``user`` may see, with the rows every detail prints beside its own."""
    return guarded(Event.objects.visible_to(user).select_related("location", "parent__location"))


def fetch_details(events_list, user, as_of: AsOf | None = None, parts=EVENT_PARTS) -> None:
    """Fetch everything the detail of each of ``events_list`` (rows of
    :func:`details_queryset`) shows, for them all at once; ``as_of`` is a day already in
    their time zone. A part not in ``parts`` is not fetched; its lists are empty."""
    prefetch_related_objects(events_list, *event_prefetches(user, as_of, parts))
    for event in events_list:
        for name in ("participations", "claims", "children", "relations_out", "relations_in"):
            if not hasattr(event, f"fetched_{name}"):
                setattr(event, f"fetched_{name}", [])
        claim_reads.empty_parts(event.fetched_claims)
        event.fetched_corrections = []
    if "corrections" in parts:
        attach_corrections(events_list, as_of=as_of)
    if "place_ancestors" in parts:
        chains: dict[int, list[Location]] = {}  # one query per place, not per event
        for event in events_list:
            if event.location is not None:
                if event.location_id not in chains:
                    chains[event.location_id] = ancestors(event.location, user)
                event.location.api_ancestors = chains[event.location_id]


@dataclass
class TimelineItem:
    event: Event
    label: str  # "this event", "part of this event", "warned of this event"…
    current: bool = False


@dataclass
class EventPage:
    event: Event
    as_of: dt.date | None
    claims: list[Claim]
    figures: dict[str, dict]
    claim_groups: list[tuple[str, list[Claim]]]
    standoffs: list[claim_reads.Standoff]
    roles: list[tuple[str, list[Participation]]]
    infobox_actors: list[tuple[str, list[Participation]]]
    timeline: list[TimelineItem]
    articles: list[Article]
    corrections: list[Correction]
    relations: dict[int, dict[str, list[Claim]]]
    map_points: list[dict] = field(default_factory=list)
    place_chain: list[Location] = field(default_factory=list)


def event_page(slug: str, user, *, as_of: AsOf | None = None) -> EventPage:
    event = event_detail(slug, user, as_of)
    if event is None:
        raise Http404("No such event.")
    if as_of is not None:
        as_of = as_of.in_zone(event.tzinfo)

    claim_list = event.fetched_claims
    groups: dict[str, list[Claim]] = defaultdict(list)
    for claim in claim_list:
        if claim.kind != ClaimKind.FIGURE:
            groups[claim.kind].append(claim)
    by_role: dict[str, list[Participation]] = defaultdict(list)
    for p in event.fetched_participations:
        by_role[p.role].append(p)
    timeline = _timeline(event, user)
    chain = place_chain(event.location, user, getattr(event.location, "api_ancestors", None))

    return EventPage(
        event=event,
        as_of=as_of.day if as_of is not None else None,
        claims=claim_list,
        figures=figure_series(claim_list),
        claim_groups=[(k.label, groups[k.value]) for k in ClaimKind if k in groups],
        standoffs=claim_reads.contradiction_standoffs(claim_list),
        roles=[(role.label, by_role[role.value]) for role in Role if role in by_role],
        infobox_actors=[(r.label, by_role[r.value]) for r in INFOBOX_ROLES if r in by_role],
        timeline=timeline,
        articles=_articles(event, claim_list),
        corrections=event.fetched_corrections,
        relations={c.pk: claim_reads.relation_groups(c) for c in claim_list},
        map_points=_map_points(event, chain, timeline, user),
        place_chain=chain,
    )


def _articles(event: Event, claim_list: list[Claim]) -> list[Article]:
    """Every article behind the page's claims and roles, oldest first."""
    articles: dict[int, Article] = {}
    for claim in claim_list:
        for source in claim.fetched_sources:
            articles.setdefault(source.article_id, source.article)
    for p in event.fetched_participations:
        articles.setdefault(p.source_id, p.source)
    return sorted(articles.values(), key=lambda a: (a.published_on or dt.date.max, a.headline))


def _map_points(event, chain, timeline, user) -> list[dict]:
    points = []
    point = map_point(chain, label=event.title, url=event.get_absolute_url())
    if point:
        points.append(point)
    for item in timeline:
        place = item.event.location
        if item.current or place is None or not (is_staff(user) or place.is_public):
            continue
        point = map_point([place], item.event.title, item.event.get_absolute_url())
        if point and (point["lat"], point["lon"]) not in {(p["lat"], p["lon"]) for p in points}:
            points.append(point)
    return points


def _timeline(event: Event, user) -> list[TimelineItem]:
    items: dict[int, TimelineItem] = {event.pk: TimelineItem(event, "this event", current=True)}
    if event.parent is not None and (is_staff(user) or event.parent.is_public):
        items[event.parent.pk] = TimelineItem(event.parent, "the larger event")
    for child in event.fetched_children:
        items.setdefault(child.pk, TimelineItem(child, "part of this event"))
        for grandchild in child.fetched_children:
            items.setdefault(grandchild.pk, TimelineItem(grandchild, f"part of {child.title}"))
    for rel in event.fetched_relations_out:
        items.setdefault(
            rel.target_id, TimelineItem(rel.target, f"this event {rel.get_kind_display()} it")
        )
    for rel in event.fetched_relations_in:
        items.setdefault(
            rel.source_id, TimelineItem(rel.source, f"{rel.get_kind_display()} this event")
        )
    pairs = before_pairs([*event.fetched_relations_out, *event.fetched_relations_in])
    return [items[e.pk] for e in chronological([i.event for i in items.values()], pairs)]
