"""The bench database: create, migrate with the project's migrations, bulk-load, mark.

A data set is reused when the marker table says it was built, completely, for the same
scale from the same schema and generator (a fingerprint of the migrations and of
``bench/generate.py``, which is what decides the rows), rather than for the same commit:
a commit that changes neither reuses the data (a 1m build takes minutes), and an
uncommitted change to either rebuilds it. The commit it was built at is recorded beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql
from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / ".data"
MARKER = "bench_marker"


def server_url() -> str:
    """The PostgreSQL server to use: BENCH_PG_URL, else DATABASE_URL's server, else local."""
    url = os.environ.get("BENCH_PG_URL") or os.environ.get("DATABASE_URL") or ""
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    return url


def database_url(name: str) -> str:
    parts = urlsplit(server_url())
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def dsn(url: str) -> str:
    """psycopg2 accepts URLs, but only with the postgresql:// scheme."""
    return "postgresql://" + url.split("://", 1)[1]


def fingerprint(scale: str) -> str:
    digest = hashlib.sha256(scale.encode())
    paths = sorted((ROOT / "events" / "migrations").glob("*.py"))
    paths.append(ROOT / "bench" / "generate.py")  # the rows and the order they load in
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def git_commit() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=10", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def _admin():
    conn = psycopg2.connect(dsn(database_url("postgres")))
    conn.autocommit = True
    return conn


def read_marker(name: str) -> dict | None:
    with _admin() as admin, admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            return None
    conn = psycopg2.connect(dsn(database_url(name)))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass(%s)", [MARKER])
            if cur.fetchone()[0] is None:
                return None
            cur.execute(f"SELECT info FROM {MARKER} ORDER BY built_at DESC LIMIT 1")
            row = cur.fetchone()
            return row[0] if row else None
    finally:
        conn.close()


def recreate(name: str) -> None:
    admin = _admin()
    try:
        with admin.cursor() as cur:
            cur.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        admin.close()


def django_env(db_url: str, **extra: str) -> dict[str, str]:
    """The environment the app runs with: production settings, a generated secret key."""
    from django.core.management.utils import get_random_secret_key

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="newsbase.settings.prod",
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or get_random_secret_key() * 2,
        DATABASE_URL=db_url,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",  # loopback run: no TLS terminator in front
        SECURE_HSTS_SECONDS="0",
        # One client hammers the API from one address: keep the throttle (its cache reads
        # and writes are part of a request's cost) but at a rate it never reaches.
        API_THROTTLE_ANON="1000000/second",
        API_THROTTLE_USER="1000000/second",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def migrate(db_url: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=django_env(db_url),
        check=True,
    )


def _secondary_objects(cur, tables: list[str]):
    """Definitions of the indexes and constraints to drop for the load and re-add after.

    Constraints are re-added after the load, so PostgreSQL validates every loaded row
    against them; indexes are rebuilt in one pass each instead of row by row.
    """
    cur.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype
        FROM pg_constraint
        WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u', 'c')
        """,
        [tables],
    )
    constraints = cur.fetchall()
    cur.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
                            AND c.contype IN ('p', 'u', 'x'))
          -- Keep the indexes on foreign-key columns: row triggers that derive a row's data
          -- from the rows it points at (or that point at it) look them up by these.
          AND NOT EXISTS (SELECT 1 FROM pg_constraint f
                          WHERE f.conrelid = i.indrelid AND f.contype = 'f'
                            AND cardinality(f.conkey) = 1 AND f.conkey[1] = i.indkey[0])
        """,
        [tables],
    )
    indexes = cur.fetchall()
    return constraints, indexes


class _Progress:
    """A file wrapper that advances a tqdm bar as COPY reads it."""

    def __init__(self, f, bar):
        self.f, self.bar = f, bar

    def read(self, size=-1):
        chunk = self.f.read(size)
        self.bar.update(len(chunk))
        return chunk

    def readline(self, size=-1):
        line = self.f.readline(size)
        self.bar.update(len(line))
        return line


def load(db_url: str, directory: Path) -> None:
    from bench.generate import COLUMNS, TABLES

    conn = psycopg2.connect(dsn(db_url))
    try:
        with conn.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '512MB'")
            cur.execute("SET synchronous_commit = off")
            constraints, indexes = _secondary_objects(cur, TABLES)
            for table, name, _definition, _kind in sorted(constraints, key=lambda c: c[3] != "f"):
                cur.execute(
                    sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                        sql.Identifier(table), sql.Identifier(name)
                    )
                )
            for name, _definition in indexes:
                cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
            total = sum((directory / f"{t}.csv").stat().st_size for t in TABLES)
            with tqdm(total=total, unit="B", unit_scale=True, desc="COPY") as bar:
                for table in TABLES:
                    columns = sql.SQL(", ").join(map(sql.Identifier, COLUMNS[table]))
                    copy = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv, NULL '\\N')").format(
                        sql.Identifier(table), columns
                    )
                    with open(directory / f"{table}.csv") as f:
                        cur.copy_expert(copy.as_string(conn), _Progress(f, bar))
                    # Statistics now, not after the load: row triggers on the tables loaded
                    # next query this one, and without statistics PostgreSQL plans those
                    # lookups for an empty table (hash joins over all of it, once per row).
                    cur.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))
            steps = [d for _n, d in indexes] + [
                f'ALTER TABLE "{t}" ADD CONSTRAINT "{n}" {d}'
                for t, n, d, contype in sorted(constraints, key=lambda c: c[3] == "f")
            ]
            for statement in tqdm(steps, desc="indexes and constraints", unit="step"):
                cur.execute(statement)
            for table in TABLES:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(max(id), 1) FROM {table}))"
                )
        conn.commit()
        conn.autocommit = True
        with conn.cursor() as cur:
            for table in tqdm(TABLES, desc="VACUUM ANALYZE", unit="table"):
                cur.execute(f"VACUUM ANALYZE {table}")
    finally:
        conn.close()


def write_marker(db_url: str, info: dict) -> None:
    conn = psycopg2.connect(dsn(db_url))
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS {MARKER} "
                "(built_at timestamptz NOT NULL DEFAULT now(), info jsonb NOT NULL)"
            )
            cur.execute(f"INSERT INTO {MARKER} (info) VALUES (%s)", [json.dumps(info)])
    finally:
        conn.close()


def ensure_dataset(scale: str, *, rebuild: bool = False, name: str | None = None, log=print):
    """Build the data set for ``scale`` unless an identical one is already there."""
    from bench.generate import SCALES, Generator

    name = name or f"newsbase_bench_{scale}"
    url = database_url(name)
    wanted = fingerprint(scale)
    marker = None if rebuild else read_marker(name)
    if marker and marker.get("fingerprint") == wanted:
        log(f"Reusing {name}: built at {marker['commit']} in {marker['build_seconds']:.0f} s.")
        return {**marker, "database": name, "url": url, "reused": True}
    log(f"Building {name} (scale {scale}, fingerprint {wanted}).")
    started = time.monotonic()
    recreate(name)
    migrate(url)
    migrated = time.monotonic()
    directory = DATA_DIR / scale
    counts, targets = Generator(SCALES[scale], directory).run()
    generated = time.monotonic()
    load(url, directory)
    loaded = time.monotonic()
    for f in directory.glob("*.csv"):
        f.unlink()
    info = {
        "scale": scale,
        "fingerprint": wanted,
        "commit": git_commit(),
        "counts": counts,
        "targets": asdict(targets),
        "migrate_seconds": round(migrated - started, 1),
        "generate_seconds": round(generated - migrated, 1),
        "load_seconds": round(loaded - generated, 1),
        "build_seconds": round(loaded - started, 1),
    }
    write_marker(url, info)
    log(
        f"Built {name} in {info['build_seconds']:.0f} s (migrate {info['migrate_seconds']} s, "
        f"generate {info['generate_seconds']} s, COPY + indexes {info['load_seconds']} s)."
    )
    return {**info, "database": name, "url": url, "reused": False}
