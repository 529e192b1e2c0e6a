"""Throttles that hold (atomic counters: N lets through at most N, even all at once), pages and
search with their own per-IP limits, and Redis optional at run time (issue 12)."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import connection, connections
from django.test import override_settings
from django.urls import reverse

from events.throttling import hit, peek, window
from newsbase.cache import CountingDatabaseCache

# One throttle window for every request of a test (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("one_throttle_window")

REDIS_DB = 3  # this lane's Redis database (tests/ may share the server with others)


def redis_url() -> str:
    redis = pytest.importorskip("redis")
    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    return url


def redis_cache(url: str) -> dict:
    return {
        **settings.CACHES,  # the HTTP layer's caches stay as they are
        "default": {
            "BACKEND": "newsbase.cache.FailSoftRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"newsbase-test-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }


def closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api_rates(anon: str, user: str = "1000/minute"):
    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user},
        }
    )


def fetch(url: str) -> int:
    try:
        with urlopen(url, timeout=30) as response:
            return response.status
    except HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_a_limit_of_n_lets_through_at_most_n_concurrent_requests(live_server, crocus):
    """40 requests at once, limit 10: exactly 10 pass (DRF's read-modify-write let more)."""
    with override_settings(CACHES=redis_cache(redis_url())), api_rates("10/hour"):
        # The API's root: throttled like every endpoint, and it reads no table, so the
        # requests meet only in the counter (SQLite's live server shares one connection
        # between its threads, which concurrent queries would trip over).
        url = f"{live_server.url}{reverse('api:root')}"
        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(pool.map(fetch, [url] * 40))
    assert statuses.count(200) == 10, statuses
    assert statuses.count(429) == 30, statuses


def test_the_counter_is_exact_in_redis():
    with override_settings(CACHES=redis_cache(redis_url())):
        decisions = [hit("t", "1.2.3.4", "5/hour") for _ in range(8)]
    assert [d.allowed for d in decisions] == [True] * 5 + [False] * 3
    assert all(0 < d.retry_after <= 3600 for d in decisions[5:])


def test_peek_reports_the_last_counted_decision_without_counting():
    """What the RateLimit-* headers say on an answer no throttle counted (a 401, a 404)."""
    with override_settings(CACHES=redis_cache(redis_url())):
        assert peek("p", "1.2.3.4", "3/hour") == window("p", "1.2.3.4", "3/hour").decide(0)
        for _ in range(4):
            counted = hit("p", "1.2.3.4", "3/hour")
            assert peek("p", "1.2.3.4", "3/hour") == counted
            assert peek("p", "1.2.3.4", "3/hour") == counted  # peeking counted nothing
    assert (counted.allowed, counted.remaining, counted.limit) == (False, 0, 3)


def test_the_redis_counter_starts_a_window_with_its_lifetime_in_one_round_trip():
    """``count`` pipelines SET NX EX and INCR: a new key lives ``timeout`` seconds, the
    cache's own reads see the number, and a later count never resets the window."""
    from newsbase.cache import count

    with override_settings(CACHES=redis_cache(redis_url())):
        cache = caches["default"]
        assert [count("w", 60) for _ in range(3)] == [1, 2, 3]
        assert cache.get("w") == 3
        client = cache._cache.get_client(write=True)
        assert 0 < client.ttl(cache.make_and_validate_key("w")) <= 60


def test_one_redis_client_serves_every_call_of_a_cache():
    """Django builds a redis-py client per call; ours keeps one per connection pool."""
    with override_settings(CACHES=redis_cache(redis_url())):
        backend = caches["default"]._cache
        client = backend.get_client("k", write=True)
        assert backend.get_client("other") is client  # one server: one pool for both
        assert caches["default"].add("k", 1) and caches["default"].get("k") == 1


def test_the_redis_counter_holds_under_concurrency():
    """30 counts at once from 15 threads, each with its own connection, limit 10: exactly
    10 pass."""
    with (
        override_settings(CACHES=redis_cache(redis_url())),
        ThreadPoolExecutor(max_workers=15) as pool,
    ):
        allowed = list(pool.map(lambda _: hit("c", "9.9.9.9", "10/hour").allowed, range(30)))
    assert allowed.count(True) == 10, allowed


def database_cache() -> dict:
    return {
        **settings.CACHES,
        "default": {
            "BACKEND": "newsbase.cache.CountingDatabaseCache",
            "LOCATION": "newsbase_cache",
            "KEY_PREFIX": f"newsbase-test-{uuid.uuid4().hex}",
        },
    }


@pytest.mark.django_db
def test_the_counter_is_exact_in_the_database_cache():
    """Without Redis the counter lives in the database cache, and holds there too."""
    with override_settings(CACHES=database_cache()):
        assert isinstance(caches["default"], CountingDatabaseCache)
        decisions = [hit("t", "1.2.3.4", "5/hour") for _ in range(8)]
        assert [d.allowed for d in decisions] == [True] * 5 + [False] * 3
        assert [d.remaining for d in decisions[:5]] == [4, 3, 2, 1, 0]
        cache = caches["default"]
        assert cache.count("c", 60) == 1 and cache.count("c", 60) == 2
        cache.set("c", 41, timeout=-1)  # expired: the next count starts afresh
        assert cache.count("c", 60) == 1
        assert cache.get("c") == 1  # the cache's own reads see the counter
        cache.set("old", 1, timeout=-1)
        assert cache.count("new", 60) == 1  # a new counter clears the expired ones away
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM newsbase_cache WHERE cache_key = %s",
                [cache.make_and_validate_key("old")],
            )
            assert cursor.fetchone() == (0,)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_cache_counter_holds_under_concurrency():
    """30 counts at once from 15 connections, limit 10: exactly 10 pass (a read-then-write
    counter, Django's ``incr``, let some of them overwrite each other)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (concurrent connections to one test database)")

    def one_hit(_):
        try:
            return hit("t", "192.0.2.1", "10/hour").allowed
        finally:
            connections.close_all()

    with override_settings(CACHES=database_cache()), ThreadPoolExecutor(max_workers=15) as pool:
        allowed = list(pool.map(one_hit, range(30)))
    assert allowed.count(True) == 10, allowed


PAGE_RATES = {"pages": "3/minute", "search": "2/minute"}


@pytest.mark.django_db
def test_pages_and_search_have_their_own_per_ip_limits(client, crocus):
    # Every request renders here: an answer from the rendered-document cache (events/http/)
    # leaves before the pages' limit, which guards the cost of rendering.
    with override_settings(PAGE_THROTTLE_RATES=PAGE_RATES, RENDERED_CACHE=False):
        for _ in range(3):
            assert client.get("/events/").status_code == 200
        refused = client.get(reverse("events:event-detail", kwargs={"slug": crocus.slug}))
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= 60
        assert b"Too many requests" in refused.content
        # search counts apart, with its own budget
        assert client.get("/search/", {"q": "Crocus"}).status_code == 200
        assert client.get("/search/", {"q": "Crocus"}).status_code == 200
        assert client.get("/search/", {"q": "Crocus"}).status_code == 429
        # another address has its own budget; the API, health and admin are not counted here
        assert client.get("/events/", REMOTE_ADDR="192.0.2.7").status_code == 200
        assert client.get("/healthz").status_code == 200
        assert client.get(reverse("api:event-list")).status_code == 200
        assert client.get("/admin/login/").status_code == 200


@pytest.mark.django_db
def test_with_redis_down_the_site_serves_and_health_says_degraded(client, crocus):
    down = redis_cache(f"redis://127.0.0.1:{closed_port()}/0")
    with override_settings(CACHES=down, PAGE_THROTTLE_RATES=PAGE_RATES), api_rates("2/minute"):
        for _ in range(5):  # past every limit: they fail open, since nothing can count
            assert client.get("/events/").status_code == 200
            assert client.get("/search/", {"q": "Crocus"}).status_code == 200
            assert client.get(reverse("api:event-list")).status_code == 200
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}


@pytest.mark.django_db
def test_with_redis_down_the_admin_login_throttle_still_locks_out(client):
    """The admin's login limit (django-axes) counts in the database: it fails closed."""
    User.objects.create_user("ada", password="right-password-1234", is_staff=True)
    down = redis_cache(f"redis://127.0.0.1:{closed_port()}/0")
    with override_settings(CACHES=down):
        url = reverse("admin:login")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(url, {"username": "ada", "password": "wrong"})
        locked = client.post(url, {"username": "ada", "password": "right-password-1234"})
        assert locked.status_code == 429
        assert "_auth_user_id" not in client.session  # the right password did not get in


@pytest.mark.django_db
def test_health_reports_database_and_cache_without_detail(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"
