"""One error shape everywhere; read throttles in a shared cache answer 429 with Retry-After."""

import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import override_settings

from .conftest import api_url, assert_error

# One throttle window for every request of a test (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_throttle_window")]


def rates(anon: str, user: str):
    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user},
        }
    )


def test_unknown_api_path_is_a_json_404(api):
    body = assert_error(api.get("/api/v1/nothing-here/"), 404)
    assert "/api/v1/nothing-here/" in body["detail"]
    # even for a "slug" no route accepts (found by schemathesis against gunicorn)
    assert_error(api.get("/api/v1/events/a%0Ab/"), 404)
    # a missing trailing slash is still redirected, not swallowed by the JSON 404
    response = api.get("/api/v1/events")
    assert response.status_code == 301 and response["Location"] == "/api/v1/events/"


def test_root_lists_the_resources(api, crocus):
    data = api.get(api_url("root")).json()
    assert set(data) >= {"events", "actors", "locations", "claims", "articles", "deleted"}
    for name in ("events", "actors", "locations", "claims", "articles", "deleted"):
        assert api.get(data[name]).status_code == 200
    assert_error(api.get(api_url("root", params={"x": "1"})), 400, "x")


def test_anonymous_reads_are_throttled_with_retry_after(api, crocus):
    with rates("3/minute", "5/minute"):
        for _ in range(3):
            assert api.get(api_url("event-list")).status_code == 200
        response = api.get(api_url("event-list"))
        body = assert_error(response, 429)
        assert body["code"] == "throttled"
        assert 0 < int(response["Retry-After"]) <= 60
        # detail routes share the same budget
        assert api.get(api_url("event-detail", slug=crocus.slug)).status_code == 429
    # the counters live in the shared cache (a database table unless REDIS_URL is set)
    backend = caches["default"]
    if "DatabaseCache" in type(backend).__name__:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {backend._table}")
            assert cursor.fetchone()[0] >= 1


def test_token_clients_have_their_own_budget(api, editor_api, crocus):
    with rates("1/minute", "3/minute"):
        assert api.get(api_url("actor-list")).status_code == 200
        assert api.get(api_url("actor-list")).status_code == 429
        for _ in range(3):
            assert editor_api.get(api_url("actor-list")).status_code == 200
        assert editor_api.get(api_url("actor-list")).status_code == 429


def test_throttle_counters_work_in_redis_too(api, crocus):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server at 127.0.0.1:6379 (set REDIS_URL to use one)")
    prefix = f"newsbase-test-{uuid.uuid4().hex}"
    cache = {
        "default": {
            "BACKEND": "newsbase.cache.FailSoftRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES={**settings.CACHES, **cache}), rates("2/minute", "2/minute"):
        assert api.get(api_url("location-list")).status_code == 200
        assert api.get(api_url("location-list")).status_code == 200
        assert api.get(api_url("location-list")).status_code == 429
        client = redis.Redis.from_url(url)
        keys = client.keys(f"{prefix}:*")
        assert keys
        client.delete(*keys)
