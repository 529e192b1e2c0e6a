"""The bench harness starts and measures one endpoint at the smallest scale.

The bench itself never runs in CI (it takes many minutes); this runs ``bench/run.py --scale
smoke --quick``: it builds the ~200-claim data set with COPY, serves the app and the floor
with gunicorn, loads the event page with wrk for one short repetition, and times the floor
SQL with pgbench. It needs PostgreSQL (``DATABASE_URL``), wrk and pgbench.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="the bench needs PostgreSQL: set DATABASE_URL=postgres://…",
    ),
    pytest.mark.skipif(
        shutil.which("wrk") is None, reason="wrk is not installed (apt-get install -y wrk)"
    ),
]


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    output = tmp_path_factory.mktemp("bench") / "smoke.json"
    completed = subprocess.run(
        [sys.executable, "bench/run.py", "--scale", "smoke", "--quick", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return json.loads(output.read_text())


def test_measures_one_endpoint_with_its_floors(smoke_run):
    assert smoke_run["failed"] is None
    assert list(smoke_run["endpoints"]) == ["event-page"]
    page = smoke_run["endpoints"]["event-page"]
    assert page["status"] == 200
    for label in ("ours", "floor", "db"):
        point = page[label]["1"]
        assert point["rps"] > 0, label
        assert 0 < point["p50_ms"] <= point["p99_ms"], label
        for rep in point["reps"]:
            assert rep["requests"] > 0, label
            assert rep.get("non2xx", 0) == 0 and rep.get("socket_errors", 0) == 0, label


def test_smoke_data_set_is_a_consistent_record(smoke_run):
    """The COPY-loaded rows passed every constraint and quote their sources exactly."""
    from bench.database import database_url, dsn

    counts = smoke_run["dataset"]["counts"]
    assert counts["events_claim"] == 200
    assert counts["events_event"] == 20
    conn = psycopg2.connect(dsn(database_url("newsbase_bench_smoke")))
    try:
        with conn.cursor() as cur:
            cur.execute(
                """
                SELECT count(*) FILTER (WHERE cs.passage <> ''
                         AND substr(a.clean_text, cs.start_offset + 1,
                                    cs.end_offset - cs.start_offset) <> cs.passage),
                       count(*) FILTER (WHERE c.kind = 'figure'),
                       count(DISTINCT c.status)
                FROM events_claimsource cs
                JOIN events_article a ON a.id = cs.article_id
                JOIN events_claim c ON c.id = cs.claim_id
                """
            )
            misquoted, figures, statuses = cur.fetchone()
            cur.execute(
                "SELECT count(*) FROM pg_constraint WHERE conrelid = 'events_claim'::regclass"
            )
            constraints = cur.fetchone()[0]
    finally:
        conn.close()
    assert misquoted == 0
    assert figures > 0
    assert statuses > 1  # drafts are mixed in
    assert constraints >= 8  # the constraints dropped for the load are back


def test_datasette_queries_build_the_floor_documents(smoke_run):
    """Datasette is compared on the same nested documents: each canned query, run by SQLite
    over the export, has the floor's fields and rows (the full bench checks this over HTTP;
    the quick run leaves Datasette out, so it is checked here without serving it)."""
    import sqlite3

    from bench import datasette
    from bench.database import database_url, dsn
    from bench.datasette_queries import BASE
    from bench.endpoints import BY_NAME
    from bench.run import compare, peer_document
    from bench.run import resolve_targets as resolve

    url = database_url("newsbase_bench_smoke")
    targets = resolve({"targets": smoke_run["targets"], "url": url})
    path = datasette.export(url, "smoke", f"test-{smoke_run['commit']}")
    queries = datasette.metadata()["databases"]["bench"]["queries"]
    pg = psycopg2.connect(dsn(url))
    db = sqlite3.connect(path)
    checked, rows = 0, 0
    try:
        for endpoint in BY_NAME.values():
            if not endpoint.datasette:
                continue
            name, _, query = endpoint.datasette.format(**targets).partition(".json?")
            canned = queries[name.removeprefix("/bench/")]
            args = dict(p.split("=", 1) for p in query.split("&"))
            (document,) = db.execute(
                canned["sql"], {p: args[p] for p in canned["params"]}
            ).fetchone()
            with pg.cursor() as cur:
                params = {p: targets[t] for p, t in endpoint.floor_params.items()}
                cur.execute(endpoint.floor_sql, params | {"base": BASE})
                floor = json.dumps(cur.fetchone()[0]).encode()
            shape = compare(peer_document(f"[{document}]".encode()), floor)
            assert shape["same_fields"], (endpoint.name, shape)
            assert shape["same_rows"], (endpoint.name, shape)
            checked, rows = checked + 1, rows + shape["rows_floor"]
    finally:
        db.close()
        pg.close()
    assert checked >= 5 and rows > 0
