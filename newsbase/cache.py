"""The shared cache: Redis optional at run time, and a counter that holds on every backend.

Django's ``RedisCache`` raises ``redis.ConnectionError`` from every call when the server is
gone, which turned every API request into a 500 (issue 12). ``FailSoftRedisCache`` keeps
Django's backend and its client, and turns a connection failure or a timeout into a miss:
reads return the default, writes store nothing, so the site serves on (read throttles then
count nothing: they fail open). The first failure after a quiet spell is logged once.

Code that must know whether the cache works (the health check, a throttle that must fail
closed) calls ``cache_available()``, which pings it.

``count(key, timeout)`` is the throttles' counter: one atomic "add one, or start at one".
Redis's ``INCR`` is atomic (one pipelined round trip with the ``SET NX`` that starts a
window); Django's database cache reads and writes the value back
(``BaseCache.incr``), so two workers could both read 5 and both write 6.
``CountingDatabaseCache`` (the cache without Redis) counts under the row's write lock
instead, in one transaction of five queries (six when a window starts: its first count
also deletes the counters whose windows are over).
"""

import base64
import functools
import logging
import pickle
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.signals import setting_changed
from django.db import IntegrityError, connections, models, router, transaction
from django.dispatch import receiver
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("newsbase.cache")

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
QUIET_SECONDS = 60  # a failure after this long without one starts a new outage (logged)
# After a failure, calls skip Redis for this long (a circuit breaker): while it is down, a
# request does not wait for a connection timeout on each of its cache calls.
RETRY_SECONDS = 2.0


class CacheUnavailable(RedisConnectionError):
    """The cache server cannot be reached (raised only by ``incr``: a counter has no miss)."""


def _fail_soft(name: str, default):
    method = getattr(RedisCache, name)

    def wrapper(self, *args, **kwargs):
        try:
            self._check_breaker()
            return method(self, *args, **kwargs)
        except CacheUnavailable:
            return default() if callable(default) else default
        except UNAVAILABLE as exc:
            self._note_failure(exc)
            return default() if callable(default) else default

    wrapper.__name__ = name
    wrapper.__doc__ = method.__doc__
    return wrapper


class ReusedRedisClient(RedisCacheClient):
    """Django's Redis cache client, keeping one redis-py client per connection pool.

    Django builds a new ``redis.Redis`` for every cache call, and its ``__init__`` fills a
    table of some 170 response callbacks: profiled, that was a quarter of the time of a
    rendered-cache hit. A redis-py client is safe to share between threads (it takes a
    connection from the pool for each command), so one per pool is kept. ``get_client`` is
    the method Django documents for custom clients to override.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


def _queue_count(pipe, key: str, timeout: int) -> None:
    """Queue on ``pipe`` the count of the made ``key``: ``SET key 0 NX EX timeout`` (a new
    window starts at 0 and lives ``timeout`` seconds), then ``INCR key``; the count is the
    second of the two replies."""
    pipe.set(key, 0, ex=timeout, nx=True)
    pipe.incr(key)


class ReusedClientRedisCache(RedisCache):
    """Django's ``RedisCache`` with :class:`ReusedRedisClient`."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisClient

    def get_many_counting(self, keys, counter_key: str, timeout: int) -> tuple[dict, int]:
        """``get_many(keys)`` and, in the same round trip, ``count`` of ``counter_key`` (a key
        as made by the cache that owns the counter, on this same server; see
        :func:`shares_server`). Raises what redis-py raises: the callers fail soft."""
        made = {self.make_and_validate_key(key): key for key in keys}
        pipe = self._cache.get_client(write=True).pipeline(transaction=False)
        pipe.mget(list(made))
        _queue_count(pipe, counter_key, timeout)
        values, _, count = pipe.execute()
        loads = self._cache._serializer.loads
        found = {made[key]: loads(v) for key, v in zip(made, values, strict=True) if v is not None}
        return found, count


@functools.cache
def shares_server(alias: str, other: str) -> bool:
    """Whether two caches are Redis caches on the same server (one pipeline can reach both).

    Asked on every anonymous API read, it depends only on ``CACHES``: worked out once, and
    again when that setting changes (tests)."""
    first, second = settings.CACHES[alias], settings.CACHES[other]
    return (
        isinstance(caches[alias], ReusedClientRedisCache)
        and isinstance(caches[other], ReusedClientRedisCache)
        and first["LOCATION"] == second["LOCATION"]
    )


@receiver(setting_changed)
def _forget_shared_servers(*, setting, **kwargs):
    if setting == "CACHES":
        shares_server.cache_clear()


class FailSoftRedisCache(ReusedClientRedisCache):
    add = _fail_soft("add", False)
    set = _fail_soft("set", False)
    get_many = _fail_soft("get_many", dict)
    has_key = _fail_soft("has_key", False)
    set_many = _fail_soft("set_many", list)
    touch = _fail_soft("touch", False)
    delete = _fail_soft("delete", False)
    delete_many = _fail_soft("delete_many", None)
    clear = _fail_soft("clear", False)

    _last_failure = -float(QUIET_SECONDS)

    def _note_failure(self, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._last_failure > QUIET_SECONDS:
            logger.error(
                "Cache unavailable (%s: %s); serving without it.", type(exc).__name__, exc
            )
        self._last_failure = now

    def _check_breaker(self) -> None:
        if time.monotonic() - self._last_failure < RETRY_SECONDS:
            raise CacheUnavailable("the cache failed moments ago; not retrying yet")

    def get(self, key, default=None, version=None):  # a miss returns the caller's default
        try:
            self._check_breaker()
            return RedisCache.get(self, key, default, version)
        except CacheUnavailable:
            return default
        except UNAVAILABLE as exc:
            self._note_failure(exc)
            return default

    def incr(self, key, delta=1, version=None):
        self._check_breaker()
        try:
            return RedisCache.incr(self, key, delta, version)
        except UNAVAILABLE as exc:
            self._note_failure(exc)
            raise CacheUnavailable(str(exc)) from exc

    def count(self, key: str, timeout: int) -> int:
        """Add one to the counter ``key`` (a new one starts at 1 and lives ``timeout``
        seconds) in one round trip: ``SET NX EX`` then ``INCR``, pipelined. Django's
        ``incr()`` asks ``EXISTS`` first (two round trips, three for a new window)."""
        self._check_breaker()
        key = self.make_and_validate_key(key)
        try:
            pipe = self._cache.get_client(key, write=True).pipeline(transaction=False)
            _queue_count(pipe, key, timeout)
            return pipe.execute()[1]
        except UNAVAILABLE as exc:
            self._note_failure(exc)
            raise CacheUnavailable(str(exc)) from exc

    def ping(self) -> bool:
        """A real round trip, breaker or not (the health check asks this)."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except UNAVAILABLE as exc:
            self._note_failure(exc)
            return False


def cache_is_redis(alias: str = "default") -> bool:
    return isinstance(caches[alias], FailSoftRedisCache)


def cache_available(alias: str = "default") -> bool:
    """Whether the cache answers now (a Redis PING; other backends: a set and a get)."""
    cache = caches[alias]
    if isinstance(cache, FailSoftRedisCache):
        return cache.ping()
    try:
        cache.set("newsbase:health", 1, 10)
        return cache.get("newsbase:health") == 1
    except Exception:  # any backend's failure means "not available"
        return False


class CountingDatabaseCache(DatabaseCache):
    """Django's database cache, with a counter that concurrent requests cannot overwrite."""

    def count(self, key: str, timeout: int) -> int:
        """Add one to ``key`` (expired or missing: start it at 1, for ``timeout`` seconds).

        The first statement is a write, so it takes the write lock before anything is read:
        the row's lock on PostgreSQL, the database's on SQLite, and only a row it locked is
        read. A concurrent first count of the same key meets the primary key; it then
        counts again, under the lock.
        """
        key = self.make_and_validate_key(key)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        for _ in range(3):
            try:
                with transaction.atomic(using=db), connection.cursor() as cursor:
                    return self._count(connection, cursor, table, key, timeout)
            except IntegrityError:  # another request created the row first
                continue
        raise IntegrityError(f"could not count {key!r}")

    def _count(self, connection, cursor, table, key, timeout) -> int:
        cursor.execute(f"UPDATE {table} SET expires = expires WHERE cache_key = %s", [key])
        # Read only a row this transaction holds: one committed after the UPDATE looked
        # (PostgreSQL's next statement would see it) is not locked, so it is not read;
        # inserting its key again meets the primary key, and the count is tried again.
        row = None
        if cursor.rowcount:
            cursor.execute(f"SELECT value, expires FROM {table} WHERE cache_key = %s", [key])
            row = cursor.fetchone()
        now = timezone.now().replace(microsecond=0)
        if row is not None and self._expires(connection, row[1]) >= now:
            value = pickle.loads(base64.b64decode(row[0].encode(), validate=True)) + 1
            cursor.execute(
                f"UPDATE {table} SET value = %s WHERE cache_key = %s", [self._encode(value), key]
            )
            return value
        expires = connection.ops.adapt_datetimefield_value(now + timedelta(seconds=timeout))
        if row is None:
            # A new window's counter: drop the expired ones first (counters are never read
            # again after their window, and no set() culls them), so the table holds only
            # the live windows. ``expires`` is indexed (createcachetable).
            cursor.execute(
                f"DELETE FROM {table} WHERE expires < %s",
                [connection.ops.adapt_datetimefield_value(now)],
            )
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s)",
                [key, self._encode(1), expires],
            )
        else:
            cursor.execute(
                f"UPDATE {table} SET value = %s, expires = %s WHERE cache_key = %s",
                [self._encode(1), expires, key],
            )
        return 1

    def _encode(self, value) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    @staticmethod
    def _expires(connection, value):
        """The stored expiry as an aware datetime (what ``DatabaseCache.get_many`` does)."""
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(
            expression
        ) + expression.get_db_converters(connection):
            value = converter(value, expression, connection)
        return value


def count(key: str, timeout: int, alias: str = "default") -> int:
    """Add one to the counter ``key`` atomically and return it (a new one starts at 1 and
    lives ``timeout`` seconds). Raises one of ``UNAVAILABLE`` when Redis cannot count."""
    cache = caches[alias]
    if isinstance(cache, CountingDatabaseCache | FailSoftRedisCache):
        return cache.count(key, timeout)
    # Redis's INCR is atomic (so is the local-memory cache's incr, under its lock); a new
    # key is made with add(), which only one of two racing requests wins.
    for _ in range(3):
        try:
            return cache.incr(key)
        except ValueError:  # no such key yet: the window's first request creates it
            if cache.add(key, 1, timeout=timeout):
                return 1
    return cache.incr(key)
