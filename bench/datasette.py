"""The peer: the same published rows exported to SQLite and served by Datasette.

Datasette is installed from PyPI into a bench-only virtual environment
(``bench/.venv-datasette``, pinned in ``bench/requirements-bench.txt``); it is not a project
dependency. The export is flat, as a Datasette user would publish it: events with their
place's name, claims with their speaker's, an FTS5 index over events (title, summary, place),
and ``place_tree`` (every place with each place inside it) for the location filter.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg2

from bench.database import DATA_DIR, ROOT, dsn

VENV = ROOT / "bench" / ".venv-datasette"
REQUIREMENTS = ROOT / "bench" / "requirements-bench.txt"


def venv_bin(name: str) -> Path:
    return VENV / "bin" / name


def ensure_venv(log=print) -> None:
    """Create the bench-only venv and install Datasette (and the profilers) once."""
    stamp = VENV / ".requirements"
    wanted = REQUIREMENTS.read_text()
    if stamp.exists() and stamp.read_text() == wanted and venv_bin("datasette").exists():
        return
    log(f"Installing the bench tools into {VENV.relative_to(ROOT)} (Datasette, pyinstrument)…")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    out = subprocess.run(
        [str(venv_bin("python")), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"bench: installing {REQUIREMENTS.name} failed:\n{out.stderr[-3000:]}")
    stamp.write_text(wanted)


def site_packages() -> Path:
    return next((VENV / "lib").glob("python*/site-packages"))


EXPORTS = {
    "events": """
        SELECT e.id, e.slug, e.title, e.summary, e.event_type, e.start, e.start_precision,
               e."end", e.end_precision, e.timezone, e.location_id,
               l.slug AS location_slug, l.name AS location_name, e.updated_at
        FROM events_event e
        LEFT JOIN events_location l ON l.id = e.location_id AND l.status = 'published'
        WHERE e.status = 'published' ORDER BY e.id""",
    "claims": """
        SELECT c.id, c.event_id, e.slug AS event_slug, sp.slug AS speaker_slug,
               sp.name AS speaker_name, c.kind, c.text, c.mode,
               to_char(c.made_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') AS made_at,
               c.assessment, c.figure_metric, c.figure_value, c.figure_qualifier,
               c.figure_as_of, c.updated_at
        FROM events_claim c
        JOIN events_event e ON e.id = c.event_id AND e.status = 'published'
        JOIN events_actor sp ON sp.id = c.speaker_id
        WHERE c.status = 'published' ORDER BY c.id""",
    "locations": """
        SELECT id, slug, name, kind, parent_id, latitude::float, longitude::float
        FROM events_location WHERE status = 'published' ORDER BY id""",
    "place_tree": """
        WITH RECURSIVE tree(root, id) AS (
            SELECT id, id FROM events_location
            UNION ALL
            SELECT t.root, l.id FROM tree t JOIN events_location l ON l.parent_id = t.id)
        SELECT root, id FROM tree""",
}
INDEXES = [
    "CREATE INDEX events_start ON events (start)",
    "CREATE INDEX events_location ON events (location_id)",
    "CREATE INDEX claims_made_at ON claims (made_at)",
    "CREATE INDEX claims_event ON claims (event_id)",
    "CREATE INDEX place_tree_root ON place_tree (root)",
    "CREATE VIRTUAL TABLE events_fts USING fts5 "
    "(title, summary, location_name, content=events, content_rowid=id)",
    "INSERT INTO events_fts (events_fts) VALUES ('rebuild')",
]


# PostgreSQL type OIDs -> SQLite column types (int2/4/8, float4/8, numeric).
SQLITE_TYPES = {
    20: "INTEGER",
    21: "INTEGER",
    23: "INTEGER",
    700: "REAL",
    701: "REAL",
    1700: "REAL",
}
EXPORT_VERSION = "2"  # bump when the export's shape changes, so old files are rebuilt


def export(db_url: str, scale: str, fingerprint: str, log=print) -> Path:
    """Export the bench database to ``bench/.data/<scale>/bench.db`` (reused if current)."""
    fingerprint = f"{fingerprint}-{EXPORT_VERSION}"
    path = DATA_DIR / scale / "bench.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        try:
            with sqlite3.connect(path) as db:
                if db.execute("SELECT fingerprint FROM _bench").fetchone()[0] == fingerprint:
                    return path
        except sqlite3.Error:
            pass
        path.unlink()
    log(f"Exporting the {scale} data set to SQLite for Datasette…")
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    pg = psycopg2.connect(dsn(db_url))
    db = sqlite3.connect(tmp)
    try:
        for table, query in EXPORTS.items():
            with pg.cursor(name=f"export_{table}") as cur:
                cur.itersize = 20_000
                cur.execute(query)
                rows = iter(cur)
                first = next(rows, None)
                columns = [d.name for d in cur.description]
                types = [SQLITE_TYPES.get(d.type_code, "TEXT") for d in cur.description]
                declared = [
                    f"{c} INTEGER PRIMARY KEY"
                    if c == "id" and table != "place_tree"
                    else f"{c} {t}"
                    for c, t in zip(columns, types, strict=True)
                ]
                db.execute(f"CREATE TABLE {table} ({', '.join(declared)})")
                insert = f"INSERT INTO {table} VALUES ({', '.join('?' * len(columns))})"
                if first is not None:
                    db.execute(insert, [_plain(v) for v in first])
                    db.executemany(insert, ([_plain(v) for v in row] for row in rows))
        for statement in INDEXES:
            db.execute(statement)
        db.execute("CREATE TABLE _bench (fingerprint TEXT)")
        db.execute("INSERT INTO _bench VALUES (?)", [fingerprint])
        db.commit()
    finally:
        db.close()
        pg.close()
    tmp.rename(path)
    return path


def _plain(value):
    if value is None or isinstance(value, int | float | str):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def command(path: Path, port: int | str) -> list[str]:
    return [
        str(venv_bin("datasette")),
        "serve",
        "-i",
        str(path),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "--setting",
        "default_page_size",
        "20",
        "--setting",
        "sql_time_limit_ms",
        "10000",
    ]
