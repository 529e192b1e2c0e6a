"""Explain a missed target: where one request's time goes, in Python and in SQL.

Run by ``bench/run.py --profile`` for each endpoint that missed a target, in a child
process with the app's production settings on the bench database and pyinstrument
importable from the bench venv. For one endpoint it records the queries of a request
(count, time, the slowest with its EXPLAIN ANALYZE) and a pyinstrument profile of a batch
of requests through Django's test client (in-process: no HTTP, the app's own cost).

A miss of a cold target (issue 11: a render against its floor, search p99 without the
cache) is profiled with ``RENDERED_CACHE=false``, the cost of a cache miss; a miss of a
warm target (a cached answer, a 304) with the cache on, the cost of a hit. ``bench/run.py``
profiles while its Redis is still up, so a profiled hit checks the generation and counts
its throttle there, as in production.

    .venv/bin/python bench/profile.py /api/v1/events/ application/json 30
    (with the bench environment set; RENDERED_CACHE=false for a render)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = {"render": 30, "hit": 1000}  # a hit is ~1 ms: more of them for enough samples


def profile_path(path: str, accept: str, requests: int = REQUESTS["render"]) -> str:
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
    reads = [q for q in slowest if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    if reads:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + reads[0]["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        out += ["", "EXPLAIN ANALYZE of the slowest query:", "", "```", plan, "```"]
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(requests):
        client.get(path)
    profiler.stop()
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    out += ["", f"pyinstrument, {requests} requests in-process:", "", "```"]
    out += text.splitlines()[:80]
    out += ["```", ""]
    return "\n".join(out)


def missed_kinds(result: dict) -> dict[str, list[str]]:
    """Each endpoint that missed a target → what to profile: "render" (a cold target) and/or
    "hit" (a target judged on cached answers)."""
    from bench.report import cache_verdicts, verdicts

    kinds: dict[str, set[str]] = {}
    for verdict in verdicts(result):  # judged on the warm app
        if not verdict["met"]:
            kinds.setdefault(verdict["endpoint"], set()).add("hit")
    for verdict in cache_verdicts(result):
        if not verdict["met"]:
            kind = "render" if "cold" in verdict["what"] else "hit"
            kinds.setdefault(verdict["endpoint"], set()).add(kind)
    return {name: sorted(found, reverse=True) for name, found in sorted(kinds.items())}


def profile_misses(result_path: Path, env: dict) -> Path:
    """Profile each endpoint of a results file that missed a target; write a markdown file."""
    from bench import datasette

    result_path = result_path.resolve()
    result = json.loads(result_path.read_text())
    target = result_path.parent / f"profile-{result['scale']}.md"
    sections = [f"## Profiles at scale {result['scale']} (commit `{result['commit']}`)", ""]
    titles = {
        "render": "a render (`RENDERED_CACHE=false`): the cost of a cache miss",
        "hit": "a cached answer: the cost of a hit",
    }
    for name, kinds in missed_kinds(result).items():
        entry = result["endpoints"][name]
        accept = "text/html" if entry["kind"] == "page" else "application/json"
        for kind in kinds:
            child_env = dict(
                env,
                PYTHONPATH=os.pathsep.join([str(ROOT), str(datasette.site_packages())]),
                RENDERED_CACHE="false" if kind == "render" else "true",
            )
            out = subprocess.run(
                [sys.executable, str(Path(__file__)), entry["path"], accept, str(REQUESTS[kind])],
                cwd=ROOT,
                env=child_env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            sections += [f"### {name} `{entry['path']}`: {titles[kind]}", ""]
            sections.append(
                out.stdout if out.returncode == 0 else f"```\n{out.stderr[-3000:]}\n```"
            )
    target.write_text("\n".join(sections) + "\n")
    print(f"Profiles: {target.relative_to(ROOT)}")
    return target


if __name__ == "__main__":
    path, accept, *count = sys.argv[1:]
    sys.stdout.write(profile_path(path, accept, *map(int, count)))
