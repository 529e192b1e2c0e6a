"""Rendered public representations, kept under the generation they were rendered at.

An entry is served only while the record's generation is the one it was stored with, so
a write anywhere makes every entry a miss on the next request. The generation is read
before the view reads the database: a body rendered from rows older than a commit is
always stored under the generation before it, and never served once the commit has moved
it on.

Each worker also keeps the entries it served last in its own memory (:class:`LocalEntries`,
``RENDERED_LOCAL_BYTES`` at most), held to the same rule: one is served only while the
shared generation is still the one it was stored with, and no longer than the shared entry
may live. A hit then reads a few bytes (the generation) from the shared cache instead of
the whole body, and unpickles nothing.
"""

import logging
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

from events.http.representation import Representation
from events.throttling import Window
from newsbase.cache import shares_server

from . import changes
from .changes import GENERATION_KEY, generation_age

logger = logging.getLogger(__name__)

TIMEOUT = 60 * 60 * 24  # a day: entries for addresses nobody asks for again fall away


def enabled() -> bool:
    return settings.RENDERED_CACHE


class LocalEntries:
    """This process's most recently used entries: ``url key → (generation, expires,
    representation)``, the least recently used dropped beyond ``limit`` bytes of bodies."""

    def __init__(self):
        self._entries: OrderedDict[str, tuple[str, float, Representation, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # the live-server and threaded workers share it

    def get(self, url_key: str) -> tuple[str, Representation] | None:
        with self._lock:
            found = self._entries.get(url_key)
            if found is None:
                return None
            if found[1] <= time.monotonic():
                self._drop(url_key)
                return None
            self._entries.move_to_end(url_key)
            return found[0], found[2]

    def put(self, url_key: str, at_generation: str, representation: Representation, timeout):
        size = len(representation.body) + sum(map(len, representation.encoded.values()))
        limit = settings.RENDERED_LOCAL_BYTES
        with self._lock:
            self._drop(url_key)
            if size > limit:
                return
            expires = time.monotonic() + timeout
            self._entries[url_key] = (at_generation, expires, representation, size)
            self._bytes += size
            while self._bytes > limit:
                self._drop(next(iter(self._entries)))

    def discard(self, url_key: str) -> None:
        with self._lock:
            self._drop(url_key)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, url_key: str) -> None:
        found = self._entries.pop(url_key, None)
        if found is not None:
            self._bytes -= found[3]


local = LocalEntries()


@dataclass
class Found:
    """What :func:`lookup` found: the current generation (None while the shared cache cannot
    be reached), the entry if it is of that generation, and the count of the counter it was
    asked to count in the same round trip (None: not counted, the caller counts)."""

    generation: str | None = None
    entry: Representation | None = None
    count: int | None = None


def lookup(url_key: str, counter: Window | None = None) -> Found:
    """The current generation and the entry for ``url_key`` if it is of that generation.

    With Redis, one round trip: the generation alone when this worker holds the entry
    (:class:`LocalEntries`), else the generation and the shared entry. When this worker
    holds it, ``counter`` (a read limit's window, on the default cache) is counted in the
    same trip if that cache is on the same Redis server.
    """
    try:
        if changes.pending_bump():
            return Found(changes.generation())
        mine = local.get(url_key)
        keys = [GENERATION_KEY] if mine is not None else [GENERATION_KEY, f"r:{url_key}"]
        # Count only where this worker holds a body (rendered by a view that counts):
        # a miss may end in an answer no throttle counts, such as a 404.
        found, count = _read(keys, counter if mine is not None else None)
        current = found.get(GENERATION_KEY) or changes.generation()
    except changes.CACHE_ERRORS as exc:
        logger.warning("rendered cache unreachable, rendering afresh: %s", exc)
        return Found()
    if mine is not None:
        if current is not None and current == mine[0]:
            return Found(current, mine[1], count)
        local.discard(url_key)  # stale here; another worker may have the current one
        try:
            found[f"r:{url_key}"] = caches["rendered"].get(f"r:{url_key}")
        except changes.CACHE_ERRORS as exc:
            logger.warning("rendered cache unreachable, rendering afresh: %s", exc)
            return Found(current, None, count)
    entry = found.get(f"r:{url_key}")
    if current is not None and entry is not None and entry[0] == current:
        local.put(url_key, current, entry[1], timeout_for(current))
        return Found(current, entry[1], count)
    return Found(current, None, count)


def _read(keys: list[str], counter: Window | None) -> tuple[dict, int | None]:
    """``keys`` from the shared cache ("http" and "rendered" share one Redis, or the
    rendered entries live in this worker), and ``counter`` counted with them if one trip
    can do both."""
    http = caches["http"]
    if counter is not None and shares_server("http", "default"):
        key = caches["default"].make_and_validate_key(counter.key)
        return http.get_many_counting(keys, key, counter.timeout)
    if settings.CACHES["http"] == settings.CACHES["rendered"]:
        return http.get_many(keys), None
    found = {GENERATION_KEY: http.get(GENERATION_KEY)}
    if found[GENERATION_KEY] is not None and len(keys) > 1:
        found[keys[1]] = caches["rendered"].get(keys[1])
    return found, None


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
    timeout = timeout_for(at_generation)
    local.put(url_key, at_generation, representation, timeout)
    try:
        caches["rendered"].set(f"r:{url_key}", (at_generation, representation), timeout)
    except changes.CACHE_ERRORS as exc:
        logger.warning("rendered cache unreachable, body not kept: %s", exc)
