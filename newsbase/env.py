"""Small typed readers for configuration from environment variables.

Each helper fails loudly with ``ImproperlyConfigured`` when a value is present but
malformed, so a typo in a deployment never silently falls back to a default.
(After healthchecks' ``hc/settings.py: envbool``.)
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_UNSET = object()


def env_str(name: str, default: str | object = _UNSET) -> str:
    """Return the variable's value, or ``default``; without a default it is required."""
    value = os.environ.get(name)
    if value is None:
        if default is _UNSET:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return default  # type: ignore[return-value]
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean; use one of {sorted(_TRUE | _FALSE - {''})}."
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict:
    """Parse a database URL (``sqlite:///path`` or ``postgres://…``) into Django settings."""
    import dj_database_url

    url = os.environ.get(name) or default
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several types on bad input
        raise ImproperlyConfigured(f"{name}={url!r} is not a valid database URL: {exc}") from exc
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise ImproperlyConfigured(
            f"{name} must point at SQLite or PostgreSQL, not {engine or url!r}."
        )
    if engine.endswith("sqlite3"):
        config["CONN_MAX_AGE"] = 0
    return config


def env_rate(name: str, default: str) -> str:
    """A throttle rate such as ``120/minute`` (number / second|minute|hour|day)."""
    import re

    value = os.environ.get(name) or default
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", value.strip()):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate; write it as <number>/<second|minute|hour|day>, "
            "for example 120/minute."
        )
    return value.strip()
