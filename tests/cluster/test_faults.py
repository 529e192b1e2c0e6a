"""The fault suite's short cases, for CI: a few seconds of load while one part fails.

The full cases (wrk at 64 connections for a minute each, figures in docs/reliability.md)
are ``make faults``; these check the same mechanisms on the test pair: Varnish retrying a
GET on the other web replica, the router reading again from the other database, a locked
table answered with a quick 503 (the per-role lock bound, events/outages.py), and Redis
down served without it (newsbase/cache.py).
"""

import signal
import socket
import threading
import time
from collections import Counter

import pytest
import requests

from newsbase.settings.base import DATABASE_TIMEOUTS
from tests.cluster.conftest import ATTACK, varnish_in_front

pytestmark = pytest.mark.cluster

PATHS = ["/", "/events/", f"/events/{ATTACK}/", "/api/v1/events/", f"/api/v1/events/{ATTACK}/"]


class Load:
    """A few clients reading in a loop until stopped; every outcome counted."""

    def __init__(self, base: str, clients: int = 4, headers: dict | None = None):
        self.base, self.clients, self.headers = base, clients, headers or {}
        self.outcomes: Counter = Counter()
        self.running = threading.Event()
        self.threads: list[threading.Thread] = []

    def _client(self, offset: int) -> None:
        with requests.Session() as session:
            i = offset
            while self.running.is_set():
                path = PATHS[i % len(PATHS)]
                i += 1
                try:
                    status = session.get(self.base + path, headers=self.headers, timeout=30)
                    self.outcomes[status.status_code] += 1
                except requests.RequestException as exc:
                    self.outcomes[type(exc).__name__] += 1

    def __enter__(self):
        self.running.set()
        for offset in range(self.clients):
            thread = threading.Thread(target=self._client, args=(offset,), daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def __exit__(self, *exc):
        self.running.clear()
        for thread in self.threads:
            thread.join(timeout=60)


@pytest.fixture(scope="module")
def cached_pair(stack):
    """Two web replicas on the pair, and Varnish with the project's VCL in front."""
    ports = []
    for name in ("web-a", "web-b"):
        ports.append(int(stack.server(name, max_lag=600).rsplit(":", 1)[1]))
    with varnish_in_front(ports) as base:
        yield base


def test_a_web_replica_killed_and_restarted_fails_no_request(stack, cached_pair):
    with Load(cached_pair) as load:
        time.sleep(2)
        stack.kill("web-a", signal.SIGKILL)
        time.sleep(2)
        stack.server("web-a", max_lag=600)  # returns once it answers
        time.sleep(1)
    assert sum(load.outcomes.values()) > 10
    assert set(load.outcomes) == {200}, load.outcomes


def test_terminated_replica_connections_fail_no_read(stack, cached_pair):
    direct = stack.server("web-b", max_lag=600)
    with Load(direct) as load:
        for _ in range(4):
            time.sleep(0.7)
            stack.replica_sql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = 'newsbase' AND backend_type = 'client backend' "
                "AND pid <> pg_backend_pid()"
            )
        time.sleep(0.5)
    assert sum(load.outcomes.values()) > 5
    assert set(load.outcomes) == {200}, load.outcomes


def test_a_locked_table_is_a_quick_503_and_the_worker_lives_on(stack):
    """A second connection holds events_event locked on the primary: a server reading the
    primary answers 503 + Retry-After within the public lock bound instead of hanging until
    gunicorn kills it, and serves again once the lock is gone."""
    base = stack.server("web-locked", max_lag=600, database="newsbase")
    bound = DATABASE_TIMEOUTS["public"]["lock_timeout"] / 1000
    holder = stack.primary.connect("newsbase")
    holder.autocommit = False  # the lock is held until rollback()
    try:
        with holder.cursor() as cursor:
            cursor.execute("LOCK TABLE events_event IN ACCESS EXCLUSIVE MODE")
        for path in ("/events/", f"/api/v1/events/{ATTACK}/", "/api/v1/events/"):
            started = time.monotonic()
            response = requests.get(base + path, timeout=30)
            took = time.monotonic() - started
            assert response.status_code == 503, (path, response.text[:300])
            assert int(response.headers["Retry-After"]) > 0
            assert took < bound + 3, (path, took)
        health = requests.get(base + "/healthz", timeout=30)
        assert health.status_code == 200 and health.elapsed.total_seconds() < 2
    finally:
        holder.rollback()
        holder.close()
    try:
        assert requests.get(base + "/events/", timeout=30).status_code == 200
    finally:
        stack.kill("web-locked")


def test_redis_down_serves_every_read_without_errors(stack):
    """Redis unreachable (nothing listens on its port): pages and API answer 200 under load,
    and /healthz says degraded."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    base = stack.server("web-no-redis", max_lag=600, redis_url=f"redis://127.0.0.1:{closed}/0")
    try:
        with Load(base) as load:
            time.sleep(4)
        assert sum(load.outcomes.values()) > 5
        assert set(load.outcomes) == {200}, load.outcomes
        health = requests.get(base + "/healthz", timeout=30)
        assert health.status_code == 200, health.text
        assert health.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}
    finally:
        stack.kill("web-no-redis")
