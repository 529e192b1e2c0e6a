"""A real PostgreSQL primary and streaming replica on loopback, and web servers on them.

The pair is built once per test session with bench/cluster (initdb, pg_basebackup; a few
seconds, without fsync). Its database is the migrated schema with the Crocus record and
one superuser, restored from a custom-format dump cached in /tmp under a fingerprint of
what decides those rows, so the ~40 s of migrate + load_crocus is paid once per change of
the migrations or the record, not per run. Web servers are gunicorn, started on demand with
the router on (DATABASE_REPLICA_URL) and a chosen lag bound.

Nothing here touches the machine's own PostgreSQL server.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import tempfile
from pathlib import Path

import lxml.html
import pytest
import requests

from bench.cluster import Cluster, backup, postgres, services

ROOT = Path(__file__).resolve().parent.parent.parent
EDITOR = ("scale-editor", "a-long-test-password-1")
ATTACK = "crocus-city-hall-attack"
# The web servers' Redis (TEST_REDIS_URL: another database number when lanes share a server).
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
# The test settings (fast password hashing, FETCH_RAISE fetch plans) for every process.
SETTINGS = "newsbase.settings.test"
MAKE_EDITOR = f"""
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser({EDITOR[0]!r}, "editor@example.org", {EDITOR[1]!r})
"""


def template_fingerprint() -> str:
    digest = hashlib.sha256((SETTINGS + MAKE_EDITOR).encode())
    paths = [
        *sorted((ROOT / "events" / "migrations").glob("*.py")),
        *sorted((ROOT / "events" / "data").rglob("*")),
        *sorted((ROOT / "events" / "services" / "record").glob("*.py")),
        ROOT / "events" / "management" / "commands" / "load_crocus.py",
    ]
    for path in paths:
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def populate(cluster: Cluster) -> None:
    """The schema, the Crocus record and an editor: from the cached dump, or made and cached."""
    template = Path(tempfile.gettempdir()) / f"newsbase-pair-{template_fingerprint()}.dump"
    url = cluster.database_url("primary")
    if template.exists():
        backup.restore(template, url)
        return
    cluster.manage("migrate", "--noinput")
    cluster.manage("load_crocus")
    cluster.manage("shell", "--no-imports", "-c", MAKE_EDITOR)
    backup.dump(url, template)


class Stack:
    """The pair, plus helpers to run servers against it and to change it behind their back."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.primary = cluster.primary
        self.replica = cluster.replica
        self.started: list[str] = []
        # One commit replayed since the replica started, so it can tell its lag (until it
        # has replayed a transaction, the router counts its lag as unknown: too far behind).
        self.sql("SELECT txid_current()")
        self.caught_up()

    def server(
        self,
        name: str,
        *,
        max_lag: float,
        workers: int = 1,
        database: str | None = None,
        redis_url: str = REDIS_URL,
        cached: bool = False,
        env: dict[str, str] | None = None,
    ) -> str:
        """A gunicorn serving the app on the pair with the router on (or, given another
        ``database`` on the primary's server, on that database alone); its base URL.

        Unless ``cached``, nothing it answers is kept (no rendered cache, ``max-age=0``
        for Varnish): every read reaches the router and the database it picks, which is
        what the router's and the fault tests watch; writes made behind its back in SQL
        (``set_title``) then show without ``manage.py bump_cache``."""
        environ = self.cluster.web_environment()
        environ.update(DATABASE_REPLICA_MAX_LAG=str(max_lag), REDIS_URL=redis_url)
        if not cached:
            environ.update(
                RENDERED_CACHE="false",
                HTTP_CACHE_MAX_AGE="0",
                HTTP_CACHE_STALE_WHILE_REVALIDATE="0",
            )
        environ.update(env or {})
        if database is not None:
            environ.update(DATABASE_URL=self.primary.url(database), DATABASE_REPLICA_URL="")
        port = self.cluster.port(name)
        if not services.alive(self.cluster.state.pids.get(name)):
            pid = services.start_web(port, environ, self.cluster.log(name), workers=workers)
            self.cluster.state.pids[name] = pid
            self.started.append(name)
        return f"http://127.0.0.1:{port}"

    def kill(self, name: str, sig: int = signal.SIGTERM) -> None:
        services.kill_group(self.cluster.state.pids.pop(name, None), sig)

    def close(self) -> None:
        for name in self.started:
            self.kill(name)

    def sql(self, statement: str, params: tuple = ()) -> list[tuple]:
        return self.primary.query(statement, "newsbase", params)

    def replica_sql(self, statement: str, params: tuple = ()) -> list[tuple]:
        return self.replica.query(statement, "newsbase", params)

    def caught_up(self) -> None:
        postgres.wait_for_replay(self.primary, self.replica)

    @contextlib.contextmanager
    def replay_paused(self):
        """The replica receives WAL but applies none of it: a replica lagging on purpose."""
        self.replica.query("SELECT pg_wal_replay_pause()")
        try:
            yield
        finally:
            self.replica.query("SELECT pg_wal_replay_resume()")
            self.caught_up()

    @contextlib.contextmanager
    def replica_stopped(self):
        self.replica.stop()
        try:
            yield
        finally:
            self.replica.start()
            self.caught_up()

    @contextlib.contextmanager
    def primary_stopped(self):
        self.primary.stop()
        try:
            yield
        finally:
            self.primary.start()
            self.caught_up()

    def title(self, slug: str = ATTACK) -> str:
        return self.sql("SELECT title FROM events_event WHERE slug = %s", (slug,))[0][0]

    def set_title(self, title: str, slug: str = ATTACK) -> None:
        self.sql("UPDATE events_event SET title = %s WHERE slug = %s", (title, slug))


@pytest.fixture(scope="session")
def stack():
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        # The cluster is its own PostgreSQL whatever the suite's database is: running it in
        # both of CI's passes (PostgreSQL, SQLite) would test the same thing twice.
        pytest.skip("runs with the PostgreSQL pass (DATABASE_URL=postgres://…)")
    try:
        postgres.bin_dir()
    except postgres.PostgresMissing as exc:
        pytest.skip(f"no PostgreSQL server programs to build a primary and replica: {exc}")
    root = Path(tempfile.mkdtemp(prefix="newsbase-pair-", dir="/tmp"))
    cluster = Cluster(root, durable=False, extra_env={"DJANGO_SETTINGS_MODULE": SETTINGS})
    try:
        cluster.start_postgres(populate=populate, say=lambda *_: None)
        stack = Stack(cluster)
        try:
            yield stack
        finally:
            stack.close()
    finally:
        cluster.stop(say=lambda *_: None)
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def varnish_in_front(web_ports: list[int], port: int | None = None):
    """Varnish with the project's VCL on ``port`` (a free one by default) in front of
    ``web_ports``: its base URL once it answers; stopped, and its directory removed, after."""
    port = port or services.free_port()
    work = Path(tempfile.mkdtemp(prefix="newsbase-varnish-"))
    pid = services.start_varnish(port, work, web_ports, work / "varnish.log")
    base = f"http://127.0.0.1:{port}"
    try:
        services.wait_for_http(base + "/livez", pid, work / "varnish.log")
        yield base
    finally:
        services.kill_group(pid)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def anonymous():
    with requests.Session() as session:
        yield session


def login(base: str, session: requests.Session) -> requests.Response:
    """Sign in through the admin's login form, as an editor does."""
    session.get(f"{base}/admin/login/", timeout=30).raise_for_status()
    response = session.post(
        f"{base}/admin/login/",
        data={
            "username": EDITOR[0],
            "password": EDITOR[1],
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/admin/",
        },
        headers={"Referer": f"{base}/admin/login/"},
        timeout=30,
    )
    assert response.status_code == 200 and "Log out" in response.text, response.text[:500]
    return response


def form_errors(html: str) -> list[str]:
    return [e.text_content() for e in lxml.html.fromstring(html).find_class("errorlist")]


def save_event(base: str, session: requests.Session, pk: int, **fields: str) -> None:
    """Save the event's admin change form as shown, with ``fields`` changed, as an editor
    does; the save must succeed (a redirect)."""
    change_url = f"{base}/admin/events/event/{pk}/change/"
    page = session.get(change_url, timeout=30)
    form = lxml.html.fromstring(page.text).get_element_by_id("event_form")
    for name, value in fields.items():
        form.fields[name] = value
    saved = session.post(
        change_url,
        data=form.form_values(),
        headers={"Referer": change_url},
        timeout=60,
        allow_redirects=False,
    )
    assert saved.status_code == 302, form_errors(saved.text)
