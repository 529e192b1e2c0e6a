"""Deployment: the compose file is valid and complete, and the start sequence really serves.

No Docker engine runs on the build machines, so the compose file is checked against the
Compose Specification's JSON schema (vendored in tests/schemas/), and the web service's
start sequence (bin/start: migrate, load_crocus, gunicorn) is run for real, with the
production settings, against a fresh database: a throw-away PostgreSQL database when
DATABASE_URL points at PostgreSQL, a temporary SQLite file otherwise.
"""

import ast
import copy
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml

from tests.compose_spec import compose_errors, load_schema

BASE_DIR = Path(__file__).resolve().parent.parent
COMPOSE_FILE = BASE_DIR / "docker-compose.yml"
CROCUS_PAGE = "/events/crocus-city-hall-attack/"
# Variables the web service may set that Django's settings do not read, and who reads them.
NOT_FOR_SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "Django itself",
    "WEB_CONCURRENCY": "gunicorn.conf.py",
}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def interpolate(value: str, environ: dict[str, str]) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}`` and ``${VAR:?error}`` forms, as compose
    applies them to the file before starting anything."""

    def substitute(match: re.Match) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        current = environ.get(name)
        unset = current is None or (current == "" and op and op.startswith(":"))
        if unset and op and op.endswith("?"):
            raise LookupError(f"{name}: {arg}")
        if unset and op and op.endswith("-"):
            return arg
        return current or ""

    return INTERPOLATION.sub(substitute, value)


def settings_variables() -> set[str]:
    """Names of the environment variables read by newsbase/settings/*.py via newsbase.env."""
    names = set()
    for path in (BASE_DIR / "newsbase" / "settings").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id.startswith("env_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(node.args[0].value)
    return names


# --- the compose file ---------------------------------------------------------------------


def test_compose_file_is_valid_against_the_compose_specification(compose):
    assert compose_errors(compose) == []


def test_the_schema_check_rejects_invalid_compose_files(compose):
    """The validation has teeth: typical mistakes in the same file are reported."""
    schema = load_schema()
    broken = copy.deepcopy(compose)
    broken["services"]["web1"]["depends_on"]["db"]["condition"] = "service_ready"
    assert any(e.startswith("services.web1.depends_on") for e in compose_errors(broken, schema))
    broken = copy.deepcopy(compose)
    broken["services"]["db"]["healthcheck"]["intervall"] = "5s"  # misspelt key
    assert any("intervall" in e for e in compose_errors(broken, schema))
    broken = copy.deepcopy(compose)
    broken["services"]["varnish"]["ports"] = "8080:80"  # a list is required
    assert any(e.startswith("services.varnish.ports") for e in compose_errors(broken, schema))
    broken = copy.deepcopy(compose)
    broken["services"]["web2"]["enviroment"] = {"DEBUG": "false"}  # misspelt key
    assert any("enviroment" in e for e in compose_errors(broken, schema))


def test_db_is_postgres_17_with_a_healthcheck_and_a_volume(compose):
    db = compose["services"]["db"]
    assert db["image"] == "postgres:17"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume, mount_point = db["volumes"][0].split(":", 1)
    assert mount_point == "/var/lib/postgresql/data"
    assert volume in compose["volumes"]


def test_web_waits_for_a_healthy_db_and_runs_the_start_script(compose):
    web1, web2 = compose["services"]["web1"], compose["services"]["web2"]
    for web in (web1, web2):
        assert web["build"] == "."
        assert web["command"] == ["bin/start"]
        assert web["environment"]["REDIS_URL"].endswith("redis://redis:6379/0}")
        assert "/livez" in " ".join(web["healthcheck"]["test"])
    assert web1["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "db-replica": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    # The second replica starts after the first has migrated: never two migrations at once.
    assert web2["depends_on"] == {"web1": {"condition": "service_healthy"}}
    assert "healthcheck" in compose["services"]["redis"]
    assert os.access(BASE_DIR / "bin" / "start", os.X_OK)


def test_the_topology_has_a_streaming_replica_and_a_purgeable_cache(compose):
    """Issue 16: the same shape as `make cluster` (bench/cluster/)."""
    services = compose["services"]
    replica = services["db-replica"]
    assert replica["image"] == services["db"]["image"]
    script = " ".join(replica["command"])
    assert "pg_basebackup --host=db" in script and "--write-recovery-conf" in script
    assert "pg_isready" in " ".join(replica["healthcheck"]["test"])
    assert replica["volumes"][0].split(":")[0] in compose["volumes"]
    (init,) = services["db"]["configs"]
    assert init["target"].startswith("/docker-entrypoint-initdb.d/")
    assert "host replication" in compose["configs"][init["source"]]["content"]
    varnish = services["varnish"]
    assert varnish["image"].startswith("varnish:7")
    assert varnish["command"][:2] == ["-t", "0"]  # only what the app marks cacheable
    for volume in varnish["volumes"]:
        source, target, _ = volume.split(":")
        assert (BASE_DIR / source).is_file(), source
        assert target.startswith("/etc/varnish/")
    assert services["web1"]["environment"] == services["web2"]["environment"]
    assert services["web1"]["environment"]["HTTP_CACHE_PURGE_URLS"].endswith("http://varnish/}")
    assert "ports" not in services["web1"] and "ports" not in services["web2"]


def test_web_environment_matches_the_settings_exactly(compose):
    environment = compose["services"]["web1"]["environment"]
    read_by_settings = settings_variables()
    secrets_from_operator = {"SECRET_KEY": "k" * 60, "POSTGRES_PASSWORD": "pw"}
    # The list, so an accidental rename in the settings cannot pass unnoticed.
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"} <= read_by_settings
    assert set(environment) - set(NOT_FOR_SETTINGS) == read_by_settings
    assert environment["DJANGO_SETTINGS_MODULE"] == "newsbase.settings.prod"
    assert environment["DEBUG"] == "false"
    database = urlsplit(interpolate(environment["DATABASE_URL"], secrets_from_operator))
    assert (database.scheme, database.hostname, database.port) == ("postgres", "db", 5432)
    assert (database.username, database.password) == ("newsbase", "pw")
    assert database.path == "/" + compose["services"]["db"]["environment"]["POSTGRES_DB"]
    replica = urlsplit(interpolate(environment["DATABASE_REPLICA_URL"], secrets_from_operator))
    assert (replica.hostname, replica.port, replica.path) == ("db-replica", 5432, database.path)
    # Secrets come from the operator, never from a default in the file: without them,
    # compose stops with the message in the file.
    for name, value in [
        ("SECRET_KEY", environment["SECRET_KEY"]),
        ("POSTGRES_PASSWORD", compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"]),
    ]:
        with pytest.raises(LookupError, match=name):
            interpolate(value, {})
        assert interpolate(value, secrets_from_operator) == secrets_from_operator[name]


def test_web_environment_is_accepted_by_the_production_settings(compose):
    """With the operator's two secrets, compose's values (defaults included) all parse."""
    environment = {
        name: interpolate(
            str(value), {"SECRET_KEY": secrets.token_urlsafe(50), "POSTGRES_PASSWORD": "pw"}
        )
        for name, value in compose["services"]["web1"]["environment"].items()
    }
    environ = {key: value for key, value in os.environ.items() if key not in environment}
    environ.update(environment)
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['HOST'], d['NAME'], s.DEBUG, s.SECURE_SSL_REDIRECT, "
        "','.join(s.ALLOWED_HOSTS))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db",
        "newsbase",
        "False",
        "True",
        "localhost,127.0.0.1",
    ]


def test_readme_documents_every_setting():
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    missing = {name for name in settings_variables() if f"`{name}`" not in readme}
    assert not missing, f"README.md's configuration table lacks {sorted(missing)}"


def test_dockerfile_builds_a_locked_non_root_gunicorn_image():
    dockerfile = (BASE_DIR / "Dockerfile").read_text(encoding="utf-8")
    instructions = [
        line.split(None, 1)
        for line in dockerfile.splitlines()
        if line.strip() and not line.startswith((" ", "#"))
    ]
    keywords = [keyword for keyword, *_ in instructions]
    assert instructions[0] == ["FROM", "python:3.13-slim"]
    assert "-c requirements.lock" in dockerfile
    assert "manage.py collectstatic --noinput" in dockerfile
    user = dict(instructions)["USER"]
    assert user not in {"root", "0"}
    assert keywords.index("USER") < keywords.index("CMD")
    assert instructions[-1][0] == "CMD" and '"gunicorn"' in instructions[-1][1]


# --- the start sequence, for real ---------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fresh_database_url(tmp_path):
    """A database URL for a database that exists and is empty, removed afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
        return

    import psycopg2

    parts = urlsplit(url)
    name = f"newsbase_deploy_{secrets.token_hex(4)}"
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def request(port, path, **headers) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": "localhost", **headers})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def wait_until_serving(server, port, log_path, timeout=180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"bin/start exited with {server.returncode}:\n{log_path.read_text()}")
        try:
            if request(port, "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"gunicorn did not answer /healthz within {timeout}s:\n{log_path.read_text()}")


def stop(server) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)


@pytest.fixture(scope="module")
def collected_static():
    """The Docker image collects static files at build time; do the same here."""
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsbase.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=environ,
        check=True,
        timeout=300,
    )


# Between the first start and the restart, a publisher corrects the event's title and
# withdraws a claim, through the same services the admin uses.
PUBLISHER_EDITS = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from events.models import Claim, Event
from events.services import publishable_correct, publishable_withdraw
user = get_user_model().objects.create_user("pia")
user.groups.add(Group.objects.get(name="Publishers"))
event = Event.objects.get(slug="crocus-city-hall-attack")
event.title = "Crocus City Hall massacre"
publishable_correct(obj=event, user=user, note="Title corrected.")
claim = Claim.objects.get(import_key="killed-150-pravda-ru")
publishable_withdraw(obj=claim, user=user, note="A false figure.")
"""
STATE = """
from events.models import Claim, Event
print("STATE", Event.objects.get(slug="crocus-city-hall-attack").title, "|",
      Claim.objects.get(import_key="killed-150-pravda-ru").status)
"""


def manage_shell(code: str, environ: dict) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_start_sequence_migrates_loads_and_serves(fresh_database_url, collected_static, tmp_path):
    """Run bin/start twice on a fresh database, as a first deploy and a restart would, with a
    publisher's correction and withdrawal in between: the restart keeps both."""
    port = free_port()
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "LOG_LEVEL"} and not key.startswith("SECURE_")
    }
    environ.update(
        DJANGO_SETTINGS_MODULE="newsbase.settings.prod",
        DATABASE_URL=fresh_database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="localhost",
        PYTHON=sys.executable,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
    )
    for attempt in ("first start", "restart"):
        log_path = tmp_path / f"{attempt.replace(' ', '-')}.log"
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [str(BASE_DIR / "bin" / "start")],
                cwd=tmp_path,  # the script finds the project itself
                env=environ,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so gunicorn's workers stop too
            )
        try:
            wait_until_serving(server, port, log_path)
            log_text = log_path.read_text()
            assert "Booting worker" in log_text, attempt  # it really is gunicorn serving

            # /healthz answers plain HTTP (load balancers probe it from inside the network).
            health = request(port, "/healthz")
            assert health.status == 200, attempt
            assert b'"database": "ok"' in health.body

            # Production settings are live: plain HTTP is sent to HTTPS ...
            insecure = request(port, CROCUS_PAGE)
            assert insecure.status == 301, attempt
            assert insecure.getheader("Location") == f"https://localhost{CROCUS_PAGE}"
            # ... and behind the TLS proxy (X-Forwarded-Proto) the Crocus record is served.
            page = request(port, CROCUS_PAGE, **{"X-Forwarded-Proto": "https"})
            assert page.status == 200, (attempt, page.body[:500])
            assert b"Crocus City Hall" in page.body
            missing = request(port, "/events/no-such-event/", **{"X-Forwarded-Proto": "https"})
            assert missing.status == 404, attempt
            if attempt == "first start":
                assert "Crocus record loaded" in log_text
            else:
                assert "Crocus record already loaded: nothing changed." in log_text
                assert b"Crocus City Hall massacre" in page.body
        finally:
            stop(server)
        assert server.returncode is not None
        if attempt == "first start":
            manage_shell(PUBLISHER_EDITS, environ)
    lines = manage_shell(STATE, environ).splitlines()
    assert [line for line in lines if line.startswith("STATE")] == [
        "STATE Crocus City Hall massacre | withdrawn"
    ]
