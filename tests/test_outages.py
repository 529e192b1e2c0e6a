"""A database that is down, silent, slow or locked is a 503 with Retry-After within its bound,
logged once per outage; /healthz answers within 2 s whatever the database does (issue 12).

The outage tests run the app under gunicorn (as deployed) against a database address that
refuses connections, and one that accepts them and never answers; the lock test holds a
real lock from a second PostgreSQL connection.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client

BASE_DIR = Path(__file__).resolve().parent.parent
HEALTH_BOUND = 2.0  # seconds: /healthz answers within this, whatever the database does


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path, timeout=15):
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", path, headers={"Host": "localhost"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body, time.monotonic() - started


class Silent:
    """A TCP server that accepts connections and never says a word (a hung database)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


def serve(database_url: str, log_path: Path):
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "REDIS"))}
    environ.update(
        DJANGO_SETTINGS_MODULE="newsbase.settings.test",
        DATABASE_URL=database_url,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        LOG_LEVEL="INFO",
    )
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "newsbase.wsgi"],
        cwd=BASE_DIR,
        env=environ,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, log_path.read_text()
        try:
            get(port, "/robots.txt", timeout=5)
            return server, port
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not start:\n{log_path.read_text()}")


def stop(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def assert_unavailable(response, body, *, json_body: bool):
    assert response.status == 503, body[body.find(b"<main") :][:600]
    assert int(response.getheader("Retry-After")) > 0
    if json_body:
        data = json.loads(body)
        assert data["status"] == 503 and data["code"] == "unavailable"


def test_a_refused_database_is_a_503_logged_once_per_outage(tmp_path):
    log_path = tmp_path / "gunicorn.log"
    server, port = serve(f"postgres://postgres@127.0.0.1:{free_port()}/none", log_path)
    try:
        for _ in range(4):
            for path, is_json in [("/", False), ("/events/", False), ("/api/v1/events/", True)]:
                response, body, _ = get(port, path)
                assert_unavailable(response, body, json_body=is_json)
        response, body, took = get(port, "/healthz")
        assert response.status == 503 and took < HEALTH_BOUND
        assert json.loads(body) == {
            "status": "unavailable",
            "database": "unavailable",
            "cache": "unavailable",  # the cache is the database here (no REDIS_URL)
        }
        assert int(response.getheader("Retry-After")) > 0
    finally:
        stop(server)
    log = log_path.read_text()
    assert log.count("Database unavailable") == 1, log  # 12 refused requests, one line
    assert "Traceback" not in log and "Internal Server Error" not in log, log


def test_a_silent_database_is_a_503_within_the_connect_timeout(tmp_path):
    silent = Silent()
    server, port = serve(f"postgres://postgres@127.0.0.1:{silent.port}/none", tmp_path / "log")
    bound = settings.DATABASES["default"].get("OPTIONS", {}).get("connect_timeout", 3) + 3
    try:
        response, body, took = get(port, "/healthz")
        assert response.status == 503 and took < HEALTH_BOUND, took
        assert b"5432" not in body and b"timeout" not in body.lower()  # no internal detail
        response, body, took = get(port, "/events/")
        assert_unavailable(response, body, json_body=False)
        assert took < bound, took
        # the worker lived on: it answers the next request
        response, body, took = get(port, "/api/v1/events/")
        assert_unavailable(response, body, json_body=True)
        assert took < bound, took
    finally:
        stop(server)
        silent.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_held_lock_is_a_503_within_the_lock_timeout(crocus):
    """A second connection holds an exclusive lock on events_event; the public routes that
    read it answer 503 + Retry-After within the lock timeout, /healthz stays quick."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (lock_timeout)")
    lock_timeout = settings.DATABASE_TIMEOUTS["public"]["lock_timeout"] / 1000
    holder = connections.create_connection("default")
    client = Client(raise_request_exception=False)
    try:
        holder.set_autocommit(False)
        with holder.cursor() as cursor:
            cursor.execute("LOCK TABLE events_event IN ACCESS EXCLUSIVE MODE")
        for path in ("/events/", "/api/v1/events/"):
            started = time.monotonic()
            response = client.get(path)
            took = time.monotonic() - started
            assert response.status_code == 503, (path, response.content[:300])
            assert int(response["Retry-After"]) > 0
            assert lock_timeout <= took < lock_timeout + 3, (path, took)
        started = time.monotonic()
        health = client.get("/healthz")
        assert health.status_code == 200 and time.monotonic() - started < HEALTH_BOUND
    finally:
        holder.rollback()
        holder.close()
    assert client.get("/events/").status_code == 200  # the lock is gone, so is the 503


@pytest.mark.django_db
def test_every_connection_carries_the_public_bounds():
    if connection.vendor != "postgresql":
        pytest.skip("the bounds are PostgreSQL settings")
    public = settings.DATABASE_TIMEOUTS["public"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, setting FROM pg_settings "
            "WHERE name IN ('statement_timeout', 'lock_timeout')"
        )
        assert dict(cursor.fetchall()) == {name: str(value) for name, value in public.items()}
    assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] > 0


def deployed_timeouts() -> dict:
    """DATABASE_TIMEOUTS as a deployment gets them (the settings' defaults)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps(s.DATABASE_TIMEOUTS))"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DB_")}
    environ["DJANGO_SETTINGS_MODULE"] = "newsbase.settings.dev"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_gunicorn_outlasts_every_web_bound():
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("gunicorn_conf", BASE_DIR / "gunicorn.conf.py")
    conf = module_from_spec(spec)
    spec.loader.exec_module(conf)
    timeouts = deployed_timeouts()
    assert timeouts["public"]["statement_timeout"] < timeouts["admin"]["statement_timeout"]
    assert timeouts["admin"]["statement_timeout"] < conf.timeout * 1000


def test_gunicorn_workers_freeze_what_they_loaded():
    import gc
    from importlib.util import module_from_spec, spec_from_file_location

    from gunicorn.config import Config

    spec = spec_from_file_location("gunicorn_conf", BASE_DIR / "gunicorn.conf.py")
    conf = module_from_spec(spec)
    spec.loader.exec_module(conf)
    cfg = Config()
    cfg.set("post_worker_init", conf.post_worker_init)  # gunicorn knows the hook by this name
    before = gc.get_freeze_count()
    try:
        cfg.post_worker_init(worker=None)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()


def test_management_commands_get_the_long_bounds():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default'].get('OPTIONS', {}).get('options', ''))"
    )
    environ = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/x"}
    shell = [sys.executable, "manage.py", "shell", "--no-imports", "-c", code]
    out = subprocess.run(
        shell, cwd=BASE_DIR, env=environ, capture_output=True, text=True, timeout=60
    )
    command = settings.DATABASE_TIMEOUTS["command"]["statement_timeout"]
    assert f"statement_timeout={command}" in out.stdout, out.stderr
