"""Configuration: typed environment helpers fail loudly; production refuses weak secrets.

Settings modules are evaluated once per process, so the checks on whole settings modules
(the SQLite default, production's refusal to start, ``check --deploy``) run Django in a
subprocess with a controlled environment, exactly as a deployment would start it.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsbase.env import env_bool, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = "NEWSBASE_TEST_VARIABLE"
# Every variable the settings read, removed from the subprocesses' environment so that
# nothing set in the caller's shell (or by CI) leaks into what a test asserts.
SETTINGS_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "LOG_LEVEL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)


def real_secret_key() -> str:
    return secrets.token_urlsafe(50)


def run_django(settings_module: str, code: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``code`` after ``django.setup()`` in a fresh interpreter with these settings."""
    environ = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environ.update(env, DJANGO_SETTINGS_MODULE=settings_module)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_manage(settings_module: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environ.update(env, DJANGO_SETTINGS_MODULE=settings_module)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- env_bool -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("Yes", True), (" on ", True), ("0", False),
     ("false", False), ("NO", False), ("off", False), ("", False)],
)  # fmt: skip
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv(VAR, raw)
    assert env_bool(VAR, default=not expected) is expected


def test_env_bool_uses_the_default_only_when_unset(monkeypatch):
    monkeypatch.delenv(VAR, raising=False)
    assert env_bool(VAR, default=True) is True
    assert env_bool(VAR, default=False) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "tru", "enabled", "y e s"])
def test_env_bool_rejects_anything_else(monkeypatch, raw):
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(ImproperlyConfigured, match=rf"{VAR}='{raw}' is not a boolean"):
        env_bool(VAR, default=False)


# --- env_int ------------------------------------------------------------------------------


def test_env_int_parses_and_defaults(monkeypatch):
    monkeypatch.setenv(VAR, "3600")
    assert env_int(VAR, 5) == 3600
    monkeypatch.setenv(VAR, "  ")
    assert env_int(VAR, 5) == 5
    monkeypatch.delenv(VAR)
    assert env_int(VAR, 5) == 5


@pytest.mark.parametrize("raw", ["ten", "1.5", "30s", "0x10"])
def test_env_int_rejects_non_integers(monkeypatch, raw):
    monkeypatch.setenv(VAR, raw)
    with pytest.raises(ImproperlyConfigured, match=rf"{VAR}='{raw}' is not an integer"):
        env_int(VAR, 5)


# --- env_str and env_list -----------------------------------------------------------------


def test_env_str_without_default_is_required(monkeypatch):
    monkeypatch.delenv(VAR, raising=False)
    with pytest.raises(ImproperlyConfigured, match=rf"{VAR} is required"):
        env_str(VAR)
    monkeypatch.setenv(VAR, "value")
    assert env_str(VAR) == "value"


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv(VAR, " example.org, ,www.example.org,")
    assert env_list(VAR, ["default"]) == ["example.org", "www.example.org"]
    monkeypatch.delenv(VAR)
    assert env_list(VAR, ["default"]) == ["default"]


# --- env_database -------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_database_url_for_postgres_selects_postgresql(monkeypatch, scheme):
    monkeypatch.setenv(VAR, f"{scheme}://editor:s3cret@db.internal:5433/newsroom")
    config = env_database(VAR, "sqlite:///unused.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("newsroom", "editor", "s3cret")
    assert (config["HOST"], config["PORT"]) == ("db.internal", 5433)
    assert config["CONN_MAX_AGE"] == 60  # persistent connections, health-checked
    assert config["CONN_HEALTH_CHECKS"] is True


def test_database_url_for_sqlite_keeps_no_persistent_connection(monkeypatch, tmp_path):
    monkeypatch.setenv(VAR, f"sqlite:///{tmp_path / 'x.sqlite3'}")
    config = env_database(VAR, "sqlite:///unused.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "x.sqlite3")
    assert config["CONN_MAX_AGE"] == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/newsbase", "must point at SQLite or PostgreSQL"),
        ("redis://localhost:6379/0", "is not a valid database URL"),
        ("not a url at all", "is not a valid database URL"),
        ("postgres://localhost:notaport/newsbase", "is not a valid database URL"),
    ],
)
def test_database_url_rejects_what_we_cannot_run_on(monkeypatch, url, message):
    monkeypatch.setenv(VAR, url)
    with pytest.raises(ImproperlyConfigured, match=message) as excinfo:
        env_database(VAR, "sqlite:///unused.sqlite3")
    assert VAR in str(excinfo.value)


def test_database_url_defaults_to_a_sqlite_file_inside_the_project():
    result = run_django(
        "newsbase.settings.dev",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE']); print(d['NAME'])",
    )
    assert result.returncode == 0, result.stderr
    engine, name = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == BASE_DIR / "db.sqlite3"


def test_database_url_set_to_postgres_selects_postgresql_in_settings():
    result = run_django(
        "newsbase.settings.dev",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'])",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsbase_elsewhere",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "newsbase_elsewhere"]


def test_a_malformed_value_stops_the_settings_from_loading():
    result = run_django("newsbase.settings.dev", "print('started')", DEBUG="sometimes")
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "ImproperlyConfigured: DEBUG='sometimes' is not a boolean" in result.stderr


# --- production settings ------------------------------------------------------------------

PROD = "newsbase.settings.prod"


def test_prod_refuses_to_start_without_a_secret_key():
    result = run_django(PROD, "print('started')")
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "ImproperlyConfigured: The environment variable SECRET_KEY is required." in (
        result.stderr
    )


@pytest.mark.parametrize(
    "weak_key",
    [
        "django-insecure-dev-only-key-change-me",  # the development default
        "django-insecure-" + "k" * 60,  # Django's own "insecure" prefix
        "short-but-random-Q7x",  # too short
        "ab" * 30,  # long enough but only two distinct characters
        "",  # set but empty
    ],
)
def test_prod_refuses_a_weak_secret_key(weak_key):
    result = run_django(PROD, "print('started')", SECRET_KEY=weak_key)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "ImproperlyConfigured: SECRET_KEY must be a real secret in production" in (
        result.stderr
    )


def test_prod_starts_with_a_real_secret_key_and_is_secure_by_default():
    result = run_django(
        PROD,
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
        SECRET_KEY=real_secret_key(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True"]


# security.W021 (HSTS preload) is opt-in on purpose: submitting a domain to the browsers'
# preload list is hard to undo, so it waits for SECURE_HSTS_PRELOAD=true from the operator.
ACCEPTED_DEPLOY_WARNINGS = {"security.W021"}


def test_prod_passes_check_deploy_with_a_real_secret_key():
    result = run_manage(PROD, "check", "--deploy", SECRET_KEY=real_secret_key())
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    reported = set(re.findall(r"\((\w+\.[CEIW]\d+)\)", output))
    assert reported <= ACCEPTED_DEPLOY_WARNINGS, output


def test_prod_check_deploy_is_clean_once_preload_is_chosen():
    result = run_manage(
        PROD,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=real_secret_key(),
        SECURE_HSTS_PRELOAD="true",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_catches_an_insecure_production_configuration():
    """The deploy check is not vacuous: turning the protections off makes it complain."""
    result = run_manage(
        PROD,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=real_secret_key(),
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout  # SECURE_SSL_REDIRECT
    assert "security.W012" in result.stderr + result.stdout  # SESSION_COOKIE_SECURE


def test_prod_hsts_lasts_at_least_six_months_and_preload_is_opt_in():
    """Issue 12: HSTS defaulted to 30 days."""
    result = run_django(
        PROD,
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)",
        SECRET_KEY=real_secret_key(),
    )
    assert result.returncode == 0, result.stderr
    seconds, preload, subdomains = result.stdout.split()
    assert int(seconds) >= 183 * 24 * 3600
    assert (preload, subdomains) == ("False", "True")


@pytest.mark.django_db
def test_permissions_policy_denies_what_the_site_never_uses(client):
    for path in ("/", "/api/v1/", "/healthz"):
        header = client.get(path)["Permissions-Policy"]
        policy = dict(item.strip().split("=", 1) for item in header.split(","))
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert policy[feature] == "()", (path, header)
