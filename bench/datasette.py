"""The peer: the same published rows exported to SQLite and served by Datasette.

Datasette is installed from PyPI into a bench-only virtual environment
(``bench/.venv-datasette``, pinned in ``bench/requirements-bench.txt``); it is not a project
dependency. The export holds only what a reader may see (published rows whose links are
published too), as a Datasette user would publish it: events, places, actors, articles,
claims with their sources and relations, participations, event relations, the events'
corrections, an FTS5 index over events (title, summary, place) and ``place_tree`` (every
place with each place inside it, and how deep), which gives a place's descendants and its
ancestors in one query each.
Datasette serves each endpoint through a canned query (``bench/datasette_queries.py``),
passed to ``datasette serve`` as metadata.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg2

from bench.database import DATA_DIR, ROOT, dsn
from bench.datasette_queries import QUERIES
from bench.endpoints import ROLE_LABELS

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


# --- Export --------------------------------------------------------------------------------
# Only published rows, and only links between them: the canned queries need no status
# filters, as a Datasette publisher would strip drafts before publishing the file.
_VISIBLE_CLAIM = """c.status = 'published'
        AND EXISTS (SELECT 1 FROM events_event e WHERE e.id = c.event_id
                    AND e.status = 'published')
        AND EXISTS (SELECT 1 FROM events_actor a WHERE a.id = c.speaker_id
                    AND a.status = 'published')"""

EXPORTS = {
    "events": """
        SELECT e.id, e.slug, e.title, e.summary, e.event_type, e.start, e.start_precision,
               e."end", e.end_precision, e.timezone, e.location_id,
               l.name AS location_name, p.id AS parent_id, e.featured, e.status,
               e.public_note, e.first_published_at, e.created_at, e.updated_at, e.revision,
               e.reading_at, e.reading_rank
        FROM events_event e
        LEFT JOIN events_location l ON l.id = e.location_id AND l.status = 'published'
        LEFT JOIN events_event p ON p.id = e.parent_id AND p.status = 'published'
        WHERE e.status = 'published' ORDER BY e.id""",
    "locations": """
        SELECT id, slug, name, kind, parent_id, latitude::float, longitude::float
        FROM events_location WHERE status = 'published' ORDER BY id""",
    "actors": """
        SELECT id, slug, name, kind FROM events_actor WHERE status = 'published' ORDER BY id""",
    "articles": """
        SELECT id, slug, headline, original_headline, kind, published_on, url
        FROM events_article WHERE status = 'published' ORDER BY id""",
    "claims": f"""
        SELECT c.id, c.event_id, c.speaker_id, c.kind, c.text, c.mode, c.language, c.made_at,
               c.made_precision, c.venue, c.assessment, c.assessment_note, c.figure_metric,
               c.figure_value, c.figure_qualifier, c.figure_as_of, c.figure_as_of_precision,
               c.status, c.public_note, c.first_published_at, c.created_at, c.updated_at,
               c.revision
        FROM events_claim c WHERE {_VISIBLE_CLAIM} ORDER BY c.id""",
    "claim_sources": f"""
        SELECT cs.id, cs.claim_id, cs.article_id, cs.passage, cs.start_offset, cs.end_offset,
               cs.attributes_speaker
        FROM events_claimsource cs
        JOIN events_claim c ON c.id = cs.claim_id
        JOIN events_article ar ON ar.id = cs.article_id AND ar.status = 'published'
        WHERE {_VISIBLE_CLAIM} ORDER BY cs.id""",
    "claim_relations": f"""
        SELECT r.id, r.from_claim_id, r.to_claim_id, r.kind
        FROM events_claimrelation r
        JOIN events_claim c ON c.id = r.from_claim_id AND {_VISIBLE_CLAIM}
        WHERE r.to_claim_id IN (SELECT c.id FROM events_claim c WHERE {_VISIBLE_CLAIM})
        ORDER BY r.id""",
    "participations": """
        SELECT p.id, p.event_id, p.actor_id, p.role, p.source_id, p.passage, p.note
        FROM events_participation p
        JOIN events_event e ON e.id = p.event_id AND e.status = 'published'
        JOIN events_actor a ON a.id = p.actor_id AND a.status = 'published'
        JOIN events_article s ON s.id = p.source_id AND s.status = 'published'
        ORDER BY p.id""",
    "event_relations": """
        SELECT r.id, r.source_id, r.target_id, r.kind
        FROM events_eventrelation r
        JOIN events_event s ON s.id = r.source_id AND s.status = 'published'
        JOIN events_event t ON t.id = r.target_id AND t.status = 'published'
        ORDER BY r.id""",
    "event_corrections": """
        SELECT k.id, k.object_id AS event_id, k.kind, k.note, k.created_at
        FROM events_correction k
        JOIN django_content_type t ON t.id = k.content_type_id
            AND t.app_label = 'events' AND t.model = 'event'
        JOIN events_event e ON e.id = k.object_id AND e.status = 'published'
        ORDER BY k.id""",
    "roles": f"SELECT role, label FROM (VALUES {ROLE_LABELS}) rl(role, label)",
    "place_tree": """
        WITH RECURSIVE tree(root, id, depth) AS (
            SELECT id, id, 0 FROM events_location
            UNION ALL
            SELECT t.root, l.id, t.depth + 1
            FROM tree t JOIN events_location l ON l.parent_id = t.id)
        SELECT root, id, depth FROM tree""",
}
NO_PRIMARY_KEY = {"roles", "place_tree"}
INDEXES = [
    "CREATE UNIQUE INDEX events_slug ON events (slug)",
    "CREATE INDEX events_reading ON events "
    "(reading_at DESC, reading_rank DESC, start DESC, id DESC)",
    "CREATE INDEX events_location ON events (location_id)",
    "CREATE INDEX events_parent ON events (parent_id)",
    "CREATE UNIQUE INDEX locations_slug ON locations (slug)",
    "CREATE INDEX claims_made_at ON claims (made_at, id)",
    "CREATE INDEX claims_event ON claims (event_id)",
    "CREATE INDEX claim_sources_claim ON claim_sources (claim_id)",
    "CREATE INDEX claim_relations_from ON claim_relations (from_claim_id)",
    "CREATE INDEX claim_relations_to ON claim_relations (to_claim_id)",
    "CREATE INDEX participations_event ON participations (event_id)",
    "CREATE INDEX event_relations_source ON event_relations (source_id)",
    "CREATE INDEX event_relations_target ON event_relations (target_id)",
    "CREATE INDEX event_corrections_event ON event_corrections (event_id, created_at)",
    "CREATE INDEX place_tree_root ON place_tree (root)",
    "CREATE INDEX place_tree_id ON place_tree (id, depth)",
    "CREATE VIRTUAL TABLE events_fts USING fts5 "
    "(title, summary, location_name, content=events, content_rowid=id)",
    "INSERT INTO events_fts (events_fts) VALUES ('rebuild')",
]


# PostgreSQL type OIDs -> SQLite column types (bool, int2/4/8, float4/8, numeric).
SQLITE_TYPES = {
    16: "INTEGER",
    20: "INTEGER",
    21: "INTEGER",
    23: "INTEGER",
    700: "REAL",
    701: "REAL",
    1700: "REAL",
}
EXPORT_VERSION = "4"  # bump when the export's shape changes, so old files are rebuilt


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
        with pg.cursor() as cur:  # timestamps as UTC ISO text, which sorts as it reads
            cur.execute("SET TIME ZONE 'UTC'")
        for table, query in EXPORTS.items():
            with pg.cursor(name=f"export_{table}") as cur:
                cur.itersize = 20_000
                cur.execute(query)
                rows = iter(cur)
                first = next(rows, None)
                columns = [d.name for d in cur.description]
                types = [SQLITE_TYPES.get(d.type_code, "TEXT") for d in cur.description]
                declared = [
                    f'"{c}" INTEGER PRIMARY KEY'
                    if c == "id" and table not in NO_PRIMARY_KEY
                    else f'"{c}" {t}'
                    for c, t in zip(columns, types, strict=True)
                ]
                db.execute(f"CREATE TABLE {table} ({', '.join(declared)})")
                insert = f"INSERT INTO {table} VALUES ({', '.join('?' * len(columns))})"
                if first is not None:
                    db.execute(insert, [_plain(v) for v in first])
                    db.executemany(insert, ([_plain(v) for v in row] for row in rows))
        for statement in INDEXES:
            db.execute(statement)
        db.execute("ANALYZE")
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


def metadata() -> dict:
    """Datasette's metadata: the canned queries, with their parameters declared."""
    return {
        "databases": {
            "bench": {
                "queries": {
                    name: {"sql": sql, "params": params} for name, (sql, params) in QUERIES.items()
                }
            }
        }
    }


def command(path: Path, port: int | str) -> list[str]:
    meta = path.with_name("datasette-metadata.json")
    meta.write_text(json.dumps(metadata(), indent=1))
    return [
        str(venv_bin("datasette")),
        "serve",
        "-i",
        str(path),
        "-m",
        str(meta),
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
