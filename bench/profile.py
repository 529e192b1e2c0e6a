"""Explain a missed target: where one request's time goes, in Python and in SQL.

Run by ``bench/run.py --profile`` for each endpoint that missed its target, in a child
process with the app's production settings on the bench database and pyinstrument
importable from the bench venv. For one endpoint it records the queries of a request
(count, time, the slowest with its EXPLAIN ANALYZE) and a pyinstrument profile of a batch
of requests through Django's test client (in-process: no HTTP, the app's own cost).

    .venv/bin/python bench/profile.py /api/v1/events/   (with the bench environment set)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 30


def profile_path(path: str, accept: str) -> str:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT=accept)
    for _ in range(3):
        response = client.get(path)
    if response.status_code != 200:
        return f"{path} answered {response.status_code}; nothing to profile.\n"
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
    queries = captured.captured_queries
    sql_ms = sum(float(q["time"]) for q in queries) * 1000
    out = [
        f"One request: {elapsed:.1f} ms, {len(queries)} queries taking {sql_ms:.1f} ms "
        f"({sql_ms / elapsed:.0%} of the request); the rest is Python.",
        "",
    ]
    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:3]
    for q in slowest:
        out.append(f"- {float(q['time']) * 1000:.1f} ms: `{q['sql'][:300]}`")
    if slowest:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[0]["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        out += ["", "EXPLAIN ANALYZE of the slowest query:", "", "```", plan, "```"]
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(REQUESTS):
        client.get(path)
    profiler.stop()
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    out += ["", f"pyinstrument, {REQUESTS} requests in-process:", "", "```"]
    out += text.splitlines()[:80]
    out += ["```", ""]
    return "\n".join(out)


def profile_misses(result_path: Path, env: dict) -> Path:
    """Profile each endpoint of a results file that missed its target; write a markdown file."""
    from bench import datasette
    from bench.report import verdicts

    result = json.loads(result_path.read_text())
    missed = {v["endpoint"] for v in verdicts(result) if not v["met"]}
    target = result_path.parent / f"profile-{result['scale']}.md"
    sections = [f"## Profiles at scale {result['scale']} (commit `{result['commit']}`)", ""]
    for name in sorted(missed):
        entry = result["endpoints"][name]
        accept = "text/html" if entry["kind"] == "page" else "application/json"
        child_env = dict(
            env,
            PYTHONPATH=os.pathsep.join([str(ROOT), str(datasette.site_packages())]),
        )
        out = subprocess.run(
            [sys.executable, str(Path(__file__)), entry["path"], accept],
            cwd=ROOT,
            env=child_env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        sections += [f"### {name} `{entry['path']}`", ""]
        sections.append(out.stdout if out.returncode == 0 else f"```\n{out.stderr[-3000:]}\n```")
    target.write_text("\n".join(sections) + "\n")
    print(f"Profiles: {target.relative_to(ROOT)}")
    return target


if __name__ == "__main__":
    sys.stdout.write(profile_path(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "*/*"))
