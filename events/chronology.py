"""Reading order for events whose dates are known to different precisions.

A start known to the day is the whole day where it happened, not its midnight. Where such an
interval overlaps a better-known time, what is known about the events places it: a part of an
event cannot begin before the event does, and an event that follows, answers or was led to by
another comes after it. Each event is placed at the earliest time its interval and those
relations allow: at the latest cause inside its interval, and after it (one link further
than the cause), so a cause always reads before what follows it. A time known to the minute
is its own place. Ties keep the more precise date first.

The rule is written twice, once per place it runs:

- ``chronological`` sorts a list in Python (an event page's timeline, where
  only the events on the page count);
- ``reading_keys`` is the same rule as a database expression. Its result is stored on each
  event (``Event.reading_at``, with ``reading_rank`` from the precision) whenever the event,
  its precision, its status or its relations change (``refresh_reading_order``, called by
  the receivers ``connect`` installs and by the bulk writers in events.services.history), so
  ``in_reading_order`` is a plain indexed ordering and a list paged by the database
  (/events/, the API, feeds, a place's events) reads in order across its pages at the cost of
  ordering by ``start``. ``reading_at`` is the placing with each link after a cause counted
  as a microsecond (finer than any stored time). The causes are joined, not looked up row by
  row: one grouped query over chains of up to ``CHAIN_LINKS`` links, taking the latest
  placing any chain allows inside the interval (the Python rule takes the latest cause's
  placing; they agree whenever a cause's placing lies inside the intervals it places). Only
  published causes count (a draft moves nothing the public sees), and an interval is read
  from the stored start: a day is [start, start + 1 day), the local day whenever the start
  is stored at that day's local midnight, as the loader and the admin store it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import (
    Case,
    DateTimeField,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.db.models.signals import post_delete, post_save, pre_save

from .models import Event, EventRelation, EventRelationKind, Precision, Status
from .models.base import PRECISION_RANK

# Relation kinds read "source before target" and "target before source".
SOURCE_FIRST = {EventRelationKind.WARNED_OF, EventRelationKind.LED_TO}
TARGET_FIRST = {EventRelationKind.RESPONSE_TO, EventRelationKind.FOLLOWS}


def interval(start: dt.datetime, precision: str, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The instants ``start`` stands for at its precision, in the place's time zone."""
    local = start.astimezone(tz)
    if precision == Precision.MINUTE:
        return start, start + dt.timedelta(minutes=1)
    if precision == Precision.YEAR:
        lo = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        return lo, lo.replace(year=lo.year + 1)
    if precision == Precision.MONTH:
        lo = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        year, month = (lo.year + 1, 1) if lo.month == 12 else (lo.year, lo.month + 1)
        return lo, lo.replace(year=year, month=month)
    day = local.date()
    return (
        dt.datetime.combine(day, dt.time.min, tzinfo=tz),
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def before_pairs(relations: Iterable) -> list[tuple[int, int]]:
    """``(earlier_pk, later_pk)`` from ``EventRelation`` rows (or objects shaped like them)."""
    pairs = []
    for rel in relations:
        if rel.kind in SOURCE_FIRST:
            pairs.append((rel.source_id, rel.target_id))
        elif rel.kind in TARGET_FIRST:
            pairs.append((rel.target_id, rel.source_id))
    return pairs


def chronological(events: Iterable, pairs: Iterable[tuple[int, int]] = ()) -> list:
    """``events`` in reading order: parents (``parent_id``) and ``pairs`` place imprecise dates."""
    events = list(events)
    by_pk = {e.pk: e for e in events}
    earlier: dict[int, set[int]] = defaultdict(set)
    for e in events:
        if e.parent_id in by_pk:
            earlier[e.pk].add(e.parent_id)
    for first, later in pairs:
        if first in by_pk and later in by_pk and first != later:
            earlier[later].add(first)
    spans = {e.pk: interval(e.start, e.start_precision, e.tzinfo) for e in events}
    placed: dict[int, tuple[dt.datetime, int]] = {}

    def place(pk: int, visiting: frozenset = frozenset()) -> tuple[dt.datetime, int]:
        """(time, links after it): the latest cause's placing within the event's interval,
        one link further, or the interval's start."""
        if pk in placed:
            return placed[pk]
        lo, hi = spans[pk]
        at = (lo, 0)
        if by_pk[pk].start_precision != Precision.MINUTE:
            for other in earlier[pk] - visiting - {pk}:
                other_at, other_after = place(other, visiting | {pk})
                if lo <= other_at < hi and (other_at, other_after + 1) > at:
                    at = (other_at, other_after + 1)
        placed[pk] = at
        return at

    def key(e):
        return (*place(e.pk), PRECISION_RANK.get(e.start_precision, 1), e.start, e.pk)

    return sorted(events, key=key)


# --- The same rule in the database, stored on write -------------------------------------

#: How many links of causes (parent, relation) the database key follows.
CHAIN_LINKS = 2
#: How long an interval each precision stands for, from its stored start (a month is read as
#: 31 days and a year as 366, the longest they run).
SPANS = {
    Precision.MINUTE: dt.timedelta(minutes=1),
    Precision.DAY: dt.timedelta(days=1),
    Precision.MONTH: dt.timedelta(days=31),
    Precision.YEAR: dt.timedelta(days=366),
}
#: One link after a cause, in ``reading_at``.
LINK = dt.timedelta(microseconds=1)
#: ``in_reading_order``'s terms, oldest first; negate each for newest first.
READING_ORDER = ("reading_at", "reading_rank", "start", "pk")
#: The ways a row's causes are reached: (path to the cause, what the path's relation must be).
CAUSE_PATHS = (
    ("parent", {}),
    ("relations_in__source", {"relations_in__kind__in": sorted(SOURCE_FIRST)}),
    ("relations_out__target", {"relations_out__kind__in": sorted(TARGET_FIRST)}),
)


def _end(node: str = ""):
    """The end (exclusive) of the interval of the row at path ``node`` ("" for the row)."""
    prefix = f"{node}__" if node else ""
    start = F(f"{prefix}start")
    return Case(
        *(When(**{f"{prefix}start_precision": p}, then=start + span) for p, span in SPANS.items()),
        default=start + SPANS[Precision.DAY],
        output_field=DateTimeField(),
    )


def _chains(links: int) -> list[tuple[list[str], dict]]:
    """Every chain of ``links`` causes: the paths to its nodes (nearest first) and the
    conditions its relations must meet."""
    chains: list[tuple[list[str], dict]] = [([], {})]
    for _ in range(links):
        grown = []
        for nodes, where in chains:
            base = nodes[-1] if nodes else ""
            for step, condition in CAUSE_PATHS:
                node = f"{base}__{step}" if base else step
                on_path = {f"{base}__{k}" if base else k: v for k, v in condition.items()}
                grown.append(([*nodes, node], {**where, **on_path}))
        chains = grown
    return chains


def _candidate(nodes: list[str], where: dict):
    """The placing the chain gives the row: the farthest cause's start, a link later for
    each step, when it lies inside the interval of every imprecise event on the way."""
    cause = F(f"{nodes[-1]}__start")
    inside = Q(**where) & Q(**{f"{nodes[-1]}__start__gte": F("start")})
    inside &= Q(**{f"{nodes[-1]}__start__lt": _end()})
    for node in nodes:
        inside &= Q(**{f"{node}__status": Status.PUBLISHED})
    for node in nodes[:-1]:
        inside &= ~Q(**{f"{node}__start_precision": Precision.MINUTE})
        inside &= Q(**{f"{nodes[-1]}__start__gte": F(f"{node}__start")})
        inside &= Q(**{f"{nodes[-1]}__start__lt": _end(node)})
    placed = Max(Case(When(inside, then=cause + LINK * len(nodes)), output_field=DateTimeField()))
    return Coalesce(placed, F("start"), output_field=DateTimeField())


def reading_keys(events: QuerySet) -> QuerySet:
    """``events`` annotated with their reading key as the rule computes it now
    (``placed_at``, ``placed_rank``): what ``refresh_reading_order`` stores."""
    candidates = [
        _candidate(nodes, where)
        for links in range(1, CHAIN_LINKS + 1)
        for nodes, where in _chains(links)
    ]
    return events.annotate(
        placed_at=Case(
            When(start_precision=Precision.MINUTE, then=F("start")),  # its own place
            default=Greatest(F("start"), *candidates, output_field=DateTimeField()),
            output_field=DateTimeField(),
        ),
        placed_rank=Case(
            *(When(start_precision=p, then=Value(n)) for p, n in PRECISION_RANK.items()),
            default=Value(PRECISION_RANK[Precision.DAY]),
            output_field=IntegerField(),
        ),
    )


def _placed_by(model, pks: set[int]) -> set[int]:
    """The events one of ``pks`` places directly: its parts, and the later end of each of
    its relations that reads in an order."""
    return set(
        model._base_manager.filter(
            Q(parent__in=pks)
            | Q(relations_in__source__in=pks, relations_in__kind__in=sorted(SOURCE_FIRST))
            | Q(relations_out__target__in=pks, relations_out__kind__in=sorted(TARGET_FIRST))
        ).values_list("pk", flat=True)
    )


def refresh_reading_order(pks: Iterable[int | None], *, model=Event) -> int:
    """Store the reading key of the events ``pks`` and of every event they place, up to
    ``CHAIN_LINKS`` links on (a change to a cause moves what follows it). Returns how many
    rows changed. ``model`` is a migration's historical ``Event`` when a migration calls it.

    A derived index, like the search vectors: it is written with ``bulk_update``, so it
    neither bumps a revision nor leaves a history row."""
    todo = {pk for pk in pks if pk is not None}
    frontier = set(todo)
    for _ in range(CHAIN_LINKS):
        if not frontier:
            break
        frontier = _placed_by(model, frontier) - todo
        todo |= frontier
    if not todo:
        return 0
    return store_reading_order(model._base_manager.filter(pk__in=todo))


def store_reading_order(events: QuerySet) -> int:
    """Store the reading key of every row of ``events`` whose stored key is out of date."""
    model = events.model
    stale = [
        model(pk=pk, reading_at=placed_at, reading_rank=placed_rank)
        for pk, at, rank, placed_at, placed_rank in reading_keys(events)
        .order_by()
        .values_list("pk", "reading_at", "reading_rank", "placed_at", "placed_rank")
        if (at, rank) != (placed_at, placed_rank)
    ]
    model._base_manager.bulk_update(stale, ["reading_at", "reading_rank"], batch_size=500)
    return len(stale)


def in_reading_order(events: QuerySet, *, newest_first: bool = False) -> QuerySet:
    """``events`` ordered as ``chronological`` orders them, by their stored reading key."""
    terms = [f"-{t}" for t in READING_ORDER] if newest_first else list(READING_ORDER)
    return events.order_by(*terms)


# --- Keeping the stored key: every write that can move an event ------------------------


def events_touched(model, pks: Iterable[int]) -> set[int]:
    """The events whose reading key a write to rows ``pks`` of ``model`` can move, as the
    database holds those rows now (call before and after a bulk write)."""
    pks = list(pks)
    if model is Event:
        return set(pks)
    if model is EventRelation:
        ends = EventRelation._base_manager.filter(pk__in=pks).values_list("source_id", "target_id")
        return {pk for pair in ends for pk in pair}
    return set()


def _event_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_reading_order([instance.pk])


def _relation_before_save(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    instance._reading_before = events_touched(EventRelation, [instance.pk])


def _relation_written(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_reading_before", set())
    instance._reading_before = set()
    refresh_reading_order({instance.source_id, instance.target_id, *before})


def connect() -> None:
    """Keep ``Event.reading_at`` on every save and delete of an event or a relation (the
    bulk writers in events.services.history call ``refresh_reading_order`` themselves)."""
    post_save.connect(_event_saved, sender=Event, dispatch_uid="reading-event")
    pre_save.connect(_relation_before_save, sender=EventRelation, dispatch_uid="reading-rel-pre")
    post_save.connect(_relation_written, sender=EventRelation, dispatch_uid="reading-rel")
    post_delete.connect(_relation_written, sender=EventRelation, dispatch_uid="reading-rel-del")
