"""Rendered public representations, kept under the generation they were rendered at.

An entry is served only while the record's generation is the one it was stored with, so
a write anywhere makes every entry a miss on the next request. The generation is read
before the view reads the database: a body rendered from rows older than a commit is
always stored under the generation before it, and never served once the commit has moved
it on.
"""

import logging
import math

from django.conf import settings
from django.core.cache import caches

from events.http.representation import Representation

from . import changes
from .changes import GENERATION_KEY, generation_age

logger = logging.getLogger(__name__)

TIMEOUT = 60 * 60 * 24  # a day: entries for addresses nobody asks for again fall away


def enabled() -> bool:
    return settings.RENDERED_CACHE


def lookup(url_key: str) -> tuple[str | None, Representation | None]:
    """The current generation and the entry for ``url_key`` if it is of that generation;
    (None, None) while the shared cache cannot be reached (``changes.generation``)."""
    http, rendered = caches["http"], caches["rendered"]
    try:
        if changes.pending_bump():
            return changes.generation(), None
        if settings.CACHES["http"] == settings.CACHES["rendered"]:  # Redis: one round trip
            found = http.get_many([GENERATION_KEY, f"r:{url_key}"])
            current = found.get(GENERATION_KEY) or changes.generation()
            entry = found.get(f"r:{url_key}")
        else:
            current = changes.generation()
            entry = rendered.get(f"r:{url_key}") if current else None
    except changes.CACHE_ERRORS as exc:
        logger.warning("rendered cache unreachable, rendering afresh: %s", exc)
        return None, None
    if current is not None and entry is not None and entry[0] == current:
        return current, entry[1]
    return current, None


def replica_lag() -> int:
    """How far behind the primary a public read may be (0 without a replica)."""
    return settings.DATABASE_REPLICA_MAX_LAG if "replica" in settings.DATABASES else 0


def timeout_for(at_generation: str, lag: int | None = None) -> int:
    """How long an entry may be kept. With a streaming replica (newsbase/replicas.py) a
    public read may lag a commit by up to DATABASE_REPLICA_MAX_LAG seconds, so a body
    rendered that soon after the generation moved may predate the write: it is kept only
    until the replica is known to have caught up, then rendered again."""
    lag = replica_lag() if lag is None else lag
    unsure_for = lag - generation_age(at_generation)
    return TIMEOUT if unsure_for <= 0 else max(1, math.ceil(unsure_for))


def shared_max_age(at_generation: str | None = None, lag: int | None = None) -> int:
    """How long the HTTP caches in front (Varnish, browsers) may keep a body rendered at
    ``at_generation`` (the current one if not given): HTTP_CACHE_MAX_AGE, but no longer than
    the rendered cache itself keeps it while the replica may not have the last write yet,
    so a purge on commit is never undone by a body read from a lagging replica."""
    lag = replica_lag() if lag is None else lag
    if not lag:
        return settings.HTTP_CACHE_MAX_AGE
    at_generation = at_generation or changes.generation()
    if at_generation is None:  # unknown: as if it had just moved
        return min(settings.HTTP_CACHE_MAX_AGE, max(1, math.ceil(lag)))
    return min(settings.HTTP_CACHE_MAX_AGE, timeout_for(at_generation, lag))


def save(url_key: str, at_generation: str | None, representation: Representation) -> None:
    """Keep ``representation`` under the generation read before it was rendered (none: the
    cache was unreachable then, and nothing is kept)."""
    if at_generation is None:
        return
    try:
        caches["rendered"].set(
            f"r:{url_key}", (at_generation, representation), timeout_for(at_generation)
        )
    except changes.CACHE_ERRORS as exc:
        logger.warning("rendered cache unreachable, body not kept: %s", exc)
