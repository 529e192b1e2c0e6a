"""Fetch plans for the reader pages, and what was known on a given day.

Each ``*_page`` function returns everything one page shows, in a fixed number of queries
whatever the amount of data (asserted in tests/pages). Visibility is applied to every
related row, not only to the page's own object: a published claim whose speaker is still a
draft is left out for the public, so drafts never leak through a link or a name.

"As of day D" (``?as_of=YYYY-MM-DD`` on the event page): claims made on or before D
(``made_at``), events that had started by D, articles published by D, corrections logged by
D. Figures are then chosen with ``events.models.best_figure`` exactly as for today's page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from .fetch_plans import guarded
from .models import (
    Actor,
    ActorAlias,
    Affiliation,
    Article,
    Claim,
    ClaimKind,
    ClaimRelation,
    ClaimRelationKind,
    ClaimSource,
    Correction,
    Event,
    EventRelation,
    EventType,
    Location,
    LocationAlias,
    Mention,
    Participation,
    Role,
    SlugRedirect,
    Status,
    figure_series,
)
from .models.article import texts_behind

# Deepest location hierarchy fetched in one query for breadcrumbs (venue ⊂ city ⊂ district ⊂
# region ⊂ country ⊂ area); deeper chains are cut at the top, which no real place needs.
ANCESTOR_DEPTH = 6
LIST_LIMIT = 200  # rows per list on a detail page (the API pages through the rest)

INFOBOX_ROLES = [Role.PERPETRATOR, Role.SUSPECTED_PERPETRATOR, Role.CLAIMANT]


class InvalidAsOf(ValueError):
    """``as_of`` is not a usable day; the message is shown to the reader."""


def parse_as_of(value: str | None) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidAsOf(
            f"“{value[:40]}” is not a date. Give as_of as YYYY-MM-DD, for example "
            "as_of=2024-03-23."
        ) from None
    if len(value.strip()) != 10:
        raise InvalidAsOf("Give as_of as YYYY-MM-DD, for example as_of=2024-03-23.")
    today = timezone.localdate()
    if day > today:
        raise InvalidAsOf(
            f"as_of={day.isoformat()} is in the future; give a day up to {today.isoformat()}."
        )
    return day


def is_staff(user) -> bool:
    return bool(user is not None and user.is_active and user.is_staff)


def visible_q(user, prefix: str = "") -> Q:
    """Condition on ``prefix`` + status: published for the public, anything for staff."""
    if is_staff(user):
        return Q()
    return Q(**{f"{prefix}status": Status.PUBLISHED})


def visible(obj, user) -> bool:
    return obj is not None and (is_staff(user) or obj.status == Status.PUBLISHED)


def end_of_day(day: dt.date, tz: dt.tzinfo = dt.UTC) -> dt.datetime:
    """The first instant after ``day`` in ``tz`` (use with ``__lt``).

    Pass the event's time zone: "on 23 March" means 23 March where it happened (as
    ``ClaimQuerySet.known_on`` does).
    """
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def slug_redirect(kind: str, slug: str) -> str | None:
    """The slug a merged or renamed object now lives at, if ``slug`` was one of its old ones."""
    return (
        SlugRedirect.objects.filter(kind=kind, old_slug=slug)
        .values_list("new_slug", flat=True)
        .first()
    )


def corrections_for(obj, *, as_of: dt.date | None = None, tz=dt.UTC) -> list[Correction]:
    ct = ContentType.objects.get_for_model(type(obj))  # cached after the first call
    qs = Correction.objects.filter(content_type=ct, object_id=obj.pk)
    if as_of is not None:
        qs = qs.filter(created_at__lt=end_of_day(as_of, tz))
    return list(qs.order_by("-created_at")[:LIST_LIMIT])


# --- Claims ------------------------------------------------------------------------------


def claim_queryset(user, *, as_of: dt.date | None = None, tz=dt.UTC):
    """Claims the reader may see (and their speakers), known by ``as_of`` when given."""
    qs = Claim.objects.filter(visible_q(user), visible_q(user, "speaker__"))
    if as_of is not None:
        qs = qs.known_on(as_of, tz=tz)
    return qs


def _claim_prefetches(user, *, as_of: dt.date | None = None, tz=dt.UTC) -> list[Prefetch]:
    sources = (
        ClaimSource.objects.filter(visible_q(user, "article__"))
        .select_related("article__publisher")
        .defer(*texts_behind("article__", keep=("raw_text",)))
    )
    if as_of is not None:
        sources = sources.filter(
            Q(article__published_on__isnull=True) | Q(article__published_on__lte=as_of)
        )
    others = claim_queryset(user, as_of=as_of, tz=tz)
    return [
        Prefetch("sources", queryset=guarded(sources.order_by("article__published_on", "pk"))),
        Prefetch(
            "about_actors",
            queryset=guarded(Actor.objects.filter(visible_q(user)).order_by("name")),
        ),
        Prefetch(
            "relations_out",
            queryset=guarded(
                ClaimRelation.objects.filter(to_claim__in=others.values("pk"))
                .select_related("to_claim__speaker", "to_claim__event")
                .order_by("to_claim__made_at", "pk")
            ),
        ),
        Prefetch(
            "relations_in",
            queryset=guarded(
                ClaimRelation.objects.filter(from_claim__in=others.values("pk"))
                .select_related("from_claim__speaker", "from_claim__event")
                .order_by("from_claim__made_at", "pk")
            ),
        ),
    ]


def claim_relations(claim) -> dict[str, list[Claim]]:
    """``{"supports": [...], "contradicts": [...], "updates": [...], "supported_by": …}``."""
    result: dict[str, list[Claim]] = defaultdict(list)
    for rel in claim.relations_out.all():
        result[rel.kind].append(rel.to_claim)
    for rel in claim.relations_in.all():
        if rel.kind == ClaimRelationKind.CONTRADICTS:
            result["contradicts"].append(rel.from_claim)  # contradiction is mutual
        elif rel.kind == ClaimRelationKind.SUPPORTS:
            result["supported_by"].append(rel.from_claim)
        else:
            result["updated_by"].append(rel.from_claim)
    return dict(result)


@dataclass
class Standoff:
    """Claims that contradict each other, in two columns (accusations | denials)."""

    left_label: str
    right_label: str
    left: list[Claim]
    right: list[Claim]


def contradiction_standoffs(claims: list[Claim]) -> list[Standoff]:
    """Split each group of mutually contradicting claims into two sides.

    Claims joined by "contradicts" relations form a graph; each connected group is coloured
    in two (a claim sits opposite the claims it contradicts). The side holding accusations
    or claims of responsibility goes left, so a reader sees the claim before its denial.
    """
    by_pk = {c.pk: c for c in claims}
    edges: dict[int, set[int]] = defaultdict(set)
    for claim in claims:
        for rel in claim.relations_out.all():
            if rel.kind == ClaimRelationKind.CONTRADICTS and rel.to_claim_id in by_pk:
                edges[claim.pk].add(rel.to_claim_id)
                edges[rel.to_claim_id].add(claim.pk)
    side: dict[int, int] = {}
    standoffs = []
    for start in sorted(edges, key=lambda pk: (by_pk[pk].made_at, pk)):
        if start in side:
            continue
        side[start], queue, members = 0, [start], []
        while queue:
            pk = queue.pop(0)
            members.append(pk)
            for other in sorted(edges[pk]):
                if other not in side:
                    side[other] = 1 - side[pk]
                    queue.append(other)
        columns = [
            sorted((by_pk[pk] for pk in members if side[pk] == s), key=lambda c: c.made_at)
            for s in (0, 1)
        ]
        leading = {ClaimKind.ACCUSATION, ClaimKind.RESPONSIBILITY, ClaimKind.ATTRIBUTION}
        if not any(c.kind in leading for c in columns[0]) and any(
            c.kind in leading for c in columns[1]
        ):
            columns.reverse()
        left_label, right_label = _column_label(columns[0]), _column_label(columns[1])
        if left_label == right_label:
            left_label, right_label = "One account", "A conflicting account"
        standoffs.append(
            Standoff(
                left_label=left_label,
                right_label=right_label,
                left=columns[0],
                right=columns[1],
            )
        )
    return standoffs


def _plural(label: str) -> str:
    if label.startswith("Claim of "):
        return "Claims of " + label[len("Claim of ") :]
    return label if label.endswith("s") else label + "s"


def _column_label(claims: list[Claim]) -> str:
    """ "Accusations", or "Denials and assessments" for a mixed column, in kind order."""
    kinds = [k for k in ClaimKind if k in {c.kind for c in claims}]
    labels = [_plural(k.label) for k in kinds]
    if not labels:
        return "Claims"
    text = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    return text[0] + text[1:].lower()


# --- Event page --------------------------------------------------------------------------


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
    standoffs: list[Standoff]
    roles: list[tuple[str, list[Participation]]]
    infobox_actors: list[tuple[str, list[Participation]]]
    timeline: list[TimelineItem]
    articles: list[Article]
    corrections: list[Correction]
    relations: dict[int, dict[str, list[Claim]]]
    map_points: list[dict] = field(default_factory=list)
    place_chain: list[Location] = field(default_factory=list)


def _location_chain(location) -> list[Location]:
    """The location and its ancestors as fetched with select_related (no further queries)."""
    chain, node = [], location
    for _ in range(ANCESTOR_DEPTH + 1):
        if node is None:
            break
        chain.append(node)
        if "parent" not in node._state.fields_cache:
            break
        node = node.parent
    return chain


def _parent_path(prefix: str, depth: int = ANCESTOR_DEPTH) -> str:
    return prefix + "__".join(["parent"] * depth)


def map_point(location, user, label: str = "", url: str = "") -> dict | None:
    """A marker for the nearest place in the chain that is visible and has coordinates."""
    for place in _location_chain(location):
        if visible(place, user) and place.latitude is not None:
            return {
                "lat": float(place.latitude),
                "lon": float(place.longitude),
                "label": label or place.name,
                "place": place.name,
                "url": url or place.get_absolute_url(),
            }
    return None


def event_page(slug: str, user, *, as_of: dt.date | None = None) -> EventPage:
    events = Event.objects.filter(visible_q(user))
    tz = dt.UTC
    if as_of is not None:
        # The day ends in the event's own time zone (one extra query, only for as_of views).
        name = events.filter(slug=slug).values_list("timezone", flat=True).first()
        if name is None:
            raise Http404("No such event.")
        tz = Event(timezone=name).tzinfo
    events_known = events.filter(start__lt=end_of_day(as_of, tz)) if as_of is not None else events
    participations = (
        Participation.objects.filter(visible_q(user, "actor__"), visible_q(user, "source__"))
        .select_related("actor", "source__publisher")
        .defer(*texts_behind("source__", keep=("raw_text",)))
    )
    if as_of is not None:
        participations = participations.filter(
            Q(source__published_on__isnull=True) | Q(source__published_on__lte=as_of)
        )
    claims = claim_queryset(user, as_of=as_of, tz=tz).select_related("speaker")
    qs = events.select_related(_parent_path("location__"), "parent__location").prefetch_related(
        Prefetch(
            "participations", queryset=guarded(participations.order_by("role", "actor__name"))
        ),
        Prefetch(
            "claims",
            queryset=guarded(claims.prefetch_related(*_claim_prefetches(user, as_of=as_of))),
        ),
        Prefetch(
            "children",
            queryset=guarded(events_known.select_related("location").order_by("start")),
        ),
        Prefetch(
            "children__children",
            queryset=guarded(events_known.select_related("location").order_by("start")),
        ),
        Prefetch(
            "relations_out",
            queryset=guarded(
                EventRelation.objects.filter(target__in=events_known.values("pk"))
                .select_related("target__location")
                .order_by("target__start")
            ),
        ),
        Prefetch(
            "relations_in",
            queryset=guarded(
                EventRelation.objects.filter(source__in=events_known.values("pk"))
                .select_related("source__location")
                .order_by("source__start")
            ),
        ),
    )
    event = guarded(qs).filter(slug=slug).first()
    if event is None:
        raise Http404("No such event.")

    claim_list = list(event.claims.all())
    figures = figure_series(claim_list)
    groups: dict[str, list[Claim]] = defaultdict(list)
    for claim in claim_list:
        if claim.kind != ClaimKind.FIGURE:
            groups[claim.kind].append(claim)
    claim_groups = [(kind.label, groups[kind.value]) for kind in ClaimKind if kind in groups]

    by_role: dict[str, list[Participation]] = defaultdict(list)
    for p in event.participations.all():
        by_role[p.role].append(p)
    roles = [(role.label, by_role[role.value]) for role in Role if role in by_role]
    infobox_actors = [(r.label, by_role[r.value]) for r in INFOBOX_ROLES if r in by_role]

    timeline = _timeline(event, user)

    articles: dict[int, Article] = {}
    for claim in claim_list:
        for source in claim.sources.all():
            articles.setdefault(source.article_id, source.article)
    for p in event.participations.all():
        articles.setdefault(p.source_id, p.source)
    article_list = sorted(
        articles.values(), key=lambda a: (a.published_on or dt.date.max, a.headline)
    )

    points = []
    if event.location is not None:
        point = map_point(event.location, user, label=event.title, url=event.get_absolute_url())
        if point:
            points.append(point)
    for item in timeline:
        if item.current or item.event.location_id is None:
            continue
        point = map_point(
            item.event.location, user, item.event.title, item.event.get_absolute_url()
        )
        if point and (point["lat"], point["lon"]) not in {(p["lat"], p["lon"]) for p in points}:
            points.append(point)

    return EventPage(
        event=event,
        as_of=as_of,
        claims=claim_list,
        figures=figures,
        claim_groups=claim_groups,
        standoffs=contradiction_standoffs(claim_list),
        roles=roles,
        infobox_actors=infobox_actors,
        timeline=timeline,
        articles=article_list,
        corrections=corrections_for(event, as_of=as_of, tz=tz),
        relations={c.pk: claim_relations(c) for c in claim_list},
        map_points=points,
        place_chain=[p for p in _location_chain(event.location) if visible(p, user)],
    )


def _timeline(event: Event, user) -> list[TimelineItem]:
    items: dict[int, TimelineItem] = {event.pk: TimelineItem(event, "this event", current=True)}
    if event.parent is not None and visible(event.parent, user):
        items[event.parent.pk] = TimelineItem(event.parent, "the larger event")
    for child in event.children.all():
        items.setdefault(child.pk, TimelineItem(child, "part of this event"))
        for grandchild in child.children.all():
            items.setdefault(grandchild.pk, TimelineItem(grandchild, f"part of {child.title}"))
    for rel in event.relations_out.all():
        items.setdefault(
            rel.target_id, TimelineItem(rel.target, f"this event {rel.get_kind_display()} it")
        )
    for rel in event.relations_in.all():
        items.setdefault(
            rel.source_id, TimelineItem(rel.source, f"{rel.get_kind_display()} this event")
        )
    return sorted(items.values(), key=lambda i: (i.event.start, i.event.pk))


# --- Other detail pages ------------------------------------------------------------------


def get_visible(queryset, user, **lookup):
    obj = guarded(queryset).filter(visible_q(user), **lookup).first()
    if obj is None:
        raise Http404("Not found.")
    return obj


@dataclass
class ActorPage:
    actor: Actor
    aliases: list
    affiliations: list[Affiliation]
    affiliated: list[Affiliation]
    roles: list[tuple[str, list[Participation]]]
    claims_made: list[Claim]
    claims_about: list[Claim]
    corrections: list[Correction]


def actor_page(slug: str, user) -> ActorPage:
    events = Event.objects.filter(visible_q(user))
    claims = claim_queryset(user).filter(visible_q(user, "event__"))
    qs = Actor.objects.prefetch_related(
        Prefetch("aliases", queryset=guarded(ActorAlias.objects.all())),
        Prefetch(
            "affiliations",
            queryset=guarded(
                Affiliation.objects.filter(visible_q(user, "organisation__")).select_related(
                    "organisation"
                )
            ),
        ),
        Prefetch(
            "affiliated",
            queryset=guarded(
                Affiliation.objects.filter(visible_q(user, "actor__")).select_related("actor")
            ),
        ),
        Prefetch(
            "participations",
            queryset=guarded(
                Participation.objects.filter(event__in=events.values("pk"))
                .select_related("event__location")
                .order_by("role", "event__start")
            ),
        ),
        Prefetch(
            "claims_made",
            queryset=guarded(claims.select_related("event").order_by("made_at", "pk")),
        ),
        Prefetch(
            "claims_about",
            queryset=guarded(claims.select_related("event", "speaker").order_by("made_at", "pk")),
        ),
    )
    actor = get_visible(qs, user, slug=slug)
    by_role: dict[str, list[Participation]] = defaultdict(list)
    for p in actor.participations.all():
        by_role[p.role].append(p)
    return ActorPage(
        actor=actor,
        aliases=list(actor.aliases.all()),
        affiliations=list(actor.affiliations.all()),
        affiliated=list(actor.affiliated.all()),
        roles=[(role.label, by_role[role.value]) for role in Role if role in by_role],
        claims_made=list(actor.claims_made.all())[:LIST_LIMIT],
        claims_about=list(actor.claims_about.all())[:LIST_LIMIT],
        corrections=corrections_for(actor),
    )


@dataclass
class LocationPage:
    location: Location
    ancestors: list[Location]
    places_inside: list[Location]
    events: list[Event]
    events_total: int
    map_points: list[dict]
    corrections: list[Correction]


def location_page(slug: str, user) -> LocationPage:
    qs = Location.objects.select_related(_parent_path("")).prefetch_related(
        Prefetch("aliases", queryset=guarded(LocationAlias.objects.all()))
    )
    location = get_visible(qs, user, slug=slug)
    ancestors = [p for p in _location_chain(location)[1:] if visible(p, user)]
    ancestors.reverse()  # country first
    ids = location.descendant_ids()  # one query per level of the hierarchy, not per place
    inside = list(
        guarded(Location.objects.filter(visible_q(user), pk__in=ids - {location.pk}))
        .select_related("parent")
        .order_by("name")[:LIST_LIMIT]
    )
    events_qs = (
        guarded(Event.objects.filter(visible_q(user), location_id__in=ids))
        .select_related("location")
        .order_by("-start")
    )
    events = list(events_qs[: LIST_LIMIT + 1])
    points = []
    own = map_point(location, user)
    if own and location.latitude is not None:
        points.append(own)
    for place in inside:
        if place.latitude is not None:
            points.append(
                {
                    "lat": float(place.latitude),
                    "lon": float(place.longitude),
                    "label": place.name,
                    "place": place.name,
                    "url": place.get_absolute_url(),
                }
            )
    if not points and own:
        points.append(own)  # no coordinates of its own: show the nearest enclosing place
    return LocationPage(
        location=location,
        ancestors=ancestors,
        places_inside=inside,
        events=events[:LIST_LIMIT],
        events_total=len(events),
        map_points=points[:LIST_LIMIT],
        corrections=corrections_for(location),
    )


@dataclass
class ArticlePage:
    article: Article
    mentions: list[Mention]
    claim_sources: list[ClaimSource]
    events: list[Event]
    corrections: list[Correction]


def article_page(slug: str, user) -> ArticlePage:
    claims = claim_queryset(user).filter(visible_q(user, "event__"))
    qs = Article.objects.select_related("publisher").prefetch_related(
        Prefetch(
            "mentions",
            queryset=guarded(
                Mention.objects.filter(confirmed=True)
                .select_related("actor", "location")
                .order_by("start_offset", "-end_offset")
            ),
        ),
        Prefetch(
            "claim_sources",
            queryset=guarded(
                ClaimSource.objects.filter(claim__in=claims.values("pk"))
                .select_related("claim__speaker", "claim__event")
                .order_by("start_offset", "pk")
            ),
        ),
    )
    article = get_visible(qs, user, slug=slug)
    if article.publisher is not None and not visible(article.publisher, user):
        article.publisher = None
    mentions = [m for m in article.mentions.all() if visible(m.target, user)]
    sources = list(article.claim_sources.all())[:LIST_LIMIT]
    events: dict[int, Event] = {}
    for s in sources:
        events.setdefault(s.claim.event_id, s.claim.event)
    return ArticlePage(
        article=article,
        mentions=mentions,
        claim_sources=sources,
        events=sorted(events.values(), key=lambda e: e.start),
        corrections=corrections_for(article),
    )


@dataclass
class ClaimPage:
    claim: Claim
    relations: dict[str, list[Claim]]
    corrections: list[Correction]


def claim_page(pk: int, user) -> ClaimPage:
    qs = (
        claim_queryset(user)
        .filter(visible_q(user, "event__"))
        .select_related("speaker", _parent_path("event__location__", 3))
        .prefetch_related(*_claim_prefetches(user))
    )
    claim = guarded(qs).filter(pk=pk).first()
    if claim is None:
        raise Http404("No such claim.")
    return ClaimPage(
        claim=claim, relations=claim_relations(claim), corrections=corrections_for(claim)
    )


# --- The /events/ list ----------------------------------------------------------------


class EventPageFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(
        field_name="event_type", choices=EventType.choices, label="Type", empty_label="Any type"
    )
    start_from = django_filters.DateFilter(
        field_name="start",
        lookup_expr="date__gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    start_to = django_filters.DateFilter(
        field_name="start",
        lookup_expr="date__lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    place = django_filters.CharFilter(method="filter_place", label="Place (slug)")
    actor = django_filters.CharFilter(method="filter_actor", label="Actor (slug)")

    class Meta:
        model = Event
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def _visible(self, model):
        return model.objects.visible_to(self.user)

    def filter_place(self, queryset, name, value):
        place = self._visible(Location).filter(slug=value).first()
        if place is None:
            return queryset.none()
        return queryset.filter(location_id__in=place.descendant_ids())

    def filter_actor(self, queryset, name, value):
        ids = self._visible(Actor).filter(slug=value).values("pk")
        return queryset.filter(participations__actor__in=ids).distinct()

    def clean_form_errors(self) -> dict[str, list[str]]:
        return {k: [str(e) for e in v] for k, v in self.form.errors.items()}
