"""The place hierarchy: one recursive query up (ancestors), one down (the places inside).

Both are a recursive CTE in standard SQL (the same text runs on PostgreSQL and SQLite), so a
walk costs one query whatever the depth. ``UNION`` (not ``UNION ALL``) stops on a cycle.
Every face (pages, API, filters, the admin's labels, the model's loop check) walks the
hierarchy through these two functions.
"""

from __future__ import annotations

from django.db.models.expressions import RawSQL

from events.fetch_plans import guarded
from events.models import Location
from events.models.base import is_staff


def subtree(location_id: int) -> RawSQL:
    """Ids of a location and of every place inside it, as a subquery (``pk__in=``)."""
    table = Location._meta.db_table
    return RawSQL(
        f"WITH RECURSIVE subtree(id) AS ("
        f"SELECT id FROM {table} WHERE id = %s "
        f"UNION SELECT child.id FROM {table} child JOIN subtree ON child.parent_id = subtree.id"
        f") SELECT id FROM subtree",
        [location_id],
    )


def upward(location_id: int) -> RawSQL:
    """Ids of a location and of every place it lies in, as a subquery (``pk__in=``)."""
    table = Location._meta.db_table
    return RawSQL(
        f"WITH RECURSIVE up(id, parent_id) AS ("
        f"SELECT id, parent_id FROM {table} WHERE id = %s "
        f"UNION SELECT p.id, p.parent_id FROM {table} p JOIN up ON p.id = up.parent_id"
        f") SELECT id FROM up",
        [location_id],
    )


#: Pass as ``user`` for every place whatever its status (the admin's labels, validation).
EVERY_PLACE = object()


def ancestors(location: Location | None, user) -> list[Location]:
    """The places ``location`` lies in, nearest first, in one query.

    Only those ``user`` may see (published ones for the public, ``None`` included); a
    hidden place is skipped, not the chain above it. ``EVERY_PLACE`` keeps them all.
    """
    if location is None or location.parent_id is None:
        return []
    found = Location._base_manager.filter(pk__in=upward(location.parent_id))
    rows = {loc.pk: loc for loc in guarded(found)}
    chain, node_id, seen = [], location.parent_id, {location.pk}
    while node_id in rows and node_id not in seen:
        seen.add(node_id)
        node = rows[node_id]
        if user is EVERY_PLACE or is_staff(user) or node.is_public:
            chain.append(node)
        node_id = node.parent_id
    return chain


def place_chain(location: Location | None, user, above: list[Location] | None = None):
    """The location itself (if visible) then its visible ancestors: "venue, city, country".

    ``above``: those ancestors when already fetched (``api_ancestors``)."""
    if location is None:
        return []
    own = [location] if is_staff(user) or location.is_public else []
    return own + (above if above is not None else ancestors(location, user))


def map_point(chain: list[Location], label: str = "", url: str = "") -> dict | None:
    """A marker at the first place of ``chain`` that has coordinates (nearest first)."""
    for place in chain:
        if place.latitude is not None:
            return {
                "lat": float(place.latitude),
                "lon": float(place.longitude),
                "label": label or place.name,
                "place": place.name,
                "url": url or place.get_absolute_url(),
            }
    return None
