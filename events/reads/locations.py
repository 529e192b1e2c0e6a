"""The location page: where the place lies, the places inside it, the events there."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from events.chronology import in_reading_order
from events.fetch_plans import guarded
from events.models import Correction, Event, Location, LocationAlias
from events.models.base import is_staff

from .common import LIST_LIMIT, corrections_for, fetched, get_visible
from .places import ancestors, map_point, subtree


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
    qs = Location.objects.prefetch_related(
        Prefetch("aliases", queryset=guarded(LocationAlias.objects.all()))
    )
    location = get_visible(qs, user, slug=slug)
    up = ancestors(location, user)  # nearest first
    inside_ids = subtree(location.pk)
    inside = list(
        guarded(Location.objects.visible_to(user).filter(pk__in=inside_ids))
        .exclude(pk=location.pk)
        .select_related("parent")
        .order_by("name")[:LIST_LIMIT]
    )
    for place in inside:  # "in <parent>" is printed only for a parent the reader may see
        if place.parent is not None and not (is_staff(user) or place.parent.is_public):
            place.parent = None
    events = list(
        in_reading_order(
            guarded(Event.objects.visible_to(user).filter(location_id__in=inside_ids)),
            newest_first=True,
        ).select_related("location")[: LIST_LIMIT + 1]
    )
    points = []
    if location.latitude is not None:
        points.append(map_point([location]))
    points += [map_point([p]) for p in inside if p.latitude is not None]
    if not points:  # no coordinates of its own: show the nearest enclosing place
        own = map_point(up)
        if own:
            points.append(own)
    return LocationPage(
        location=location,
        ancestors=list(reversed(up)),  # country first
        places_inside=inside,
        events=events[:LIST_LIMIT],
        events_total=len(events),
        map_points=points[:LIST_LIMIT],
        corrections=corrections_for(location),
    )


# --- The API's locations ------------------------------------------------------------------------


def locations_for_list(user):
    """The locations list (API): each place with its parent."""
    return guarded(Location.objects.visible_to(user).for_list())


#: What a place shows in the API besides its own row and its parent; a plan fetches the
#: parts asked for (the API asks for those its ``fields=`` / ``omit=`` keep).
LOCATION_PARTS = frozenset({"aliases", "children", "ancestors"})


def details_queryset(user, parts=LOCATION_PARTS):
    """The places ``user`` may see, each with its aliases and the visible places directly
    inside it (finish the rows with :func:`finish_details`)."""
    qs = locations_for_list(user)
    if "aliases" in parts:
        qs = qs.prefetch_related(fetched("aliases", LocationAlias.objects.order_by("name", "id")))
    if "children" in parts:
        children = Location.objects.visible_to(user).order_by("name", "id")
        qs = qs.prefetch_related(fetched("children", children))
    return qs


def finish_details(location: Location, user, parts=LOCATION_PARTS) -> Location:
    """Empty lists for the parts not fetched; the ancestors as ``api_ancestors``."""
    for name in ("aliases", "children"):
        if not hasattr(location, f"fetched_{name}"):
            setattr(location, f"fetched_{name}", [])
    location.api_ancestors = ancestors(location, user) if "ancestors" in parts else []
    return location


def location_detail(slug: str, user, parts=LOCATION_PARTS) -> Location | None:
    """One place (API): aliases, the visible places directly inside it, its ancestors, as
    ``fetched_aliases``, ``fetched_children`` and ``api_ancestors`` (empty when not asked)."""
    location = details_queryset(user, parts).filter(slug=slug).first()
    return None if location is None else finish_details(location, user, parts)
