"""The figures behind docs/scaling.md, measured on the loopback cluster (``make cluster``).

    .venv/bin/python -m bench.scaling [--seconds 30] [--only hit miss search zipf lag]

The machine is shared, so wall-clock requests per second say little; each load case
therefore also counts the CPU time the serving processes spent (``/proc/<pid>/stat``:
Varnish's worker process for a cache hit; the web replica's gunicorn workers and the
PostgreSQL backends for a miss or a search) and reports requests per CPU-second, which is
requests per second per fully used core. Results: bench/results/scaling.json.

- hit: one public page, warmed, through Varnish (every answer must be a hit);
- miss: the same pages straight from one web replica (what every cache miss costs);
- search: the reader search page and the API's search, straight from a web replica;
- zipf: the hit ratio of a Zipf mix (s = 1) over every public page and API document of
  the record, through Varnish, for a minute;
- lag: the replica's replay delay while articles are ingested on the primary through the
  same service the admin uses (``article_ingest``), at 1,000 an hour and at ten times that.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from bench.cluster import Cluster, services
from bench.faults.__main__ import LUA, wrk_result

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "scaling.json"
TICKS = os.sysconf("SC_CLK_TCK")
ATTACK = "crocus-city-hall-attack"


# --- CPU accounting ------------------------------------------------------------------------
def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(") ", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _postmaster(data_dir: Path) -> int:
    return int((data_dir / "postmaster.pid").read_text().split()[0])


class CpuMeter:
    """CPU seconds spent by a set of process trees between start() and stop()."""

    def __init__(self, roots: list[int]):
        self.roots = roots

    def _pids(self) -> set[int]:
        pids = set(self.roots)
        for root in self.roots:
            pids.update(_children(root))
        return pids

    def start(self):
        self.before = {pid: _cpu_seconds(pid) for pid in self._pids()}
        return self

    def stop(self) -> float:
        after = {pid: _cpu_seconds(pid) for pid in self._pids()}
        return sum(after[p] - self.before.get(p, 0.0) for p in after)


def load(url: str, paths: list[str], seconds: float, connections: int, meters: dict) -> dict:
    """wrk on ``paths``; the CPU seconds each named meter's processes spent meanwhile."""
    path_file = Path(f"/tmp/newsbase-scaling-{os.getpid()}.paths")
    path_file.write_text("\n".join(paths) + "\n")
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "30s"]
    argv += ["-s", str(LUA), url, "--", str(path_file)]
    for meter in meters.values():
        meter.start()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    result = wrk_result(process)
    cpu = {name: round(meter.stop(), 2) for name, meter in meters.items()}
    path_file.unlink()
    total = sum(cpu.values())
    result["cpu_seconds"] = cpu
    result["requests_per_cpu_second"] = round(result["requests"] / total, 1) if total else None
    result["cpu_ms_per_request"] = {
        name: round(1000 * seconds / result["requests"], 2) for name, seconds in cpu.items()
    }
    result["hit_ratio"] = round(result["cache_hits"] / result["requests"], 3)
    return result


# --- cases ---------------------------------------------------------------------------------
def public_paths(cluster: Cluster) -> list[str]:
    """Every public page and API document of the record, most important first."""
    api = f"{cluster.web_url('web1')}/api/v1"
    paths = ["/", "/events/", "/api/v1/events/"]
    for resource, page in [
        ("events", "events"),
        ("actors", "actors"),
        ("locations", "locations"),
        ("claims", "claims"),
        ("articles", "articles"),
    ]:
        body = requests.get(f"{api}/{resource}/?page_size=100", timeout=60).json()
        for item in body["results"]:
            key = item.get("slug") or item.get("id")
            paths += [f"/api/v1/{resource}/{key}/", f"/{page}/{key}/"]
    return paths


def zipf_weights(count: int, s: float = 1.0) -> list[int]:
    """How many times each rank appears in a list of paths drawn uniformly (rank 1 most)."""
    return [max(1, round(1000 / (rank**s))) for rank in range(1, count + 1)]


def case_hit(cluster, seconds):
    """The event page when the app marks it cacheable (issue 11's headers); until then, and
    as a second figure, a hashed static file (WhiteNoise: public, immutable)."""
    varnish = cluster.state.pids["varnish"]
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())["paths"]
    out = {}
    for path in [f"/events/{ATTACK}/", f"/static/{manifest['css/site.css']}"]:
        for _ in range(3):
            requests.get(cluster.url + path, timeout=60)
        out[path] = load(cluster.url, [path], seconds, 64, {"varnish": CpuMeter([varnish])})
    return out


def _app_meters(cluster) -> dict:
    return {
        "gunicorn": CpuMeter([cluster.state.pids["web1"]]),
        "postgres": CpuMeter([_postmaster(cluster.replica.data_dir)]),
    }


def case_miss(cluster, seconds):
    paths = [f"/events/{ATTACK}/", "/events/", f"/api/v1/events/{ATTACK}/", "/api/v1/events/"]
    out = {}
    for path in paths:
        out[path] = load(cluster.web_url("web1"), [path], seconds, 8, _app_meters(cluster))
    return out


def case_search(cluster, seconds):
    paths = ["/search/?q=crocus", "/search/?q=Krasnogorsk+gunmen", "/api/v1/events/?q=crocus"]
    out = {}
    for path in paths:
        out[path] = load(cluster.web_url("web1"), [path], seconds, 8, _app_meters(cluster))
    return out


def case_zipf(cluster, seconds):
    services.varnish_ban_all(cluster.root / "varnish")
    paths = public_paths(cluster)
    weighted = [p for p, n in zip(paths, zipf_weights(len(paths)), strict=True) for _ in range(n)]
    meters = {"varnish": CpuMeter([cluster.state.pids["varnish"]])}
    result = load(cluster.url, weighted, seconds, 16, meters)
    result["distinct_paths"] = len(paths)
    return result


LAG_SCRIPT = """
import itertools, json, sys, time, threading
import psycopg2
from events.services.articles import article_ingest
from django.db import connection
rate, seconds, replica_dsn = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
text = open("events/data/crocus/report.txt", encoding="utf-8").read()
replica = psycopg2.connect(replica_dsn); replica.autocommit = True
lags, stop = [], time.monotonic() + seconds
for n in itertools.count():
    started = time.monotonic()
    if started > stop:
        break
    article_ingest(raw_text=f"{text}\\n\\n[scaling run {time.time()} #{n}]", headline=f"Lag {n}")
    with connection.cursor() as c:
        c.execute("SELECT pg_current_wal_insert_lsn()::text")
        lsn = c.fetchone()[0]
    committed = time.monotonic()
    with replica.cursor() as r:
        while True:
            r.execute("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", (lsn,))
            if r.fetchone()[0]:
                break
            time.sleep(0.001)
    lags.append(time.monotonic() - committed)
    time.sleep(max(0.0, 1 / rate - (time.monotonic() - started)))
print("LAG_JSON " + json.dumps(lags))
"""


def case_lag(cluster, seconds):
    out = {}
    for per_hour in (1000, 10000):
        argv = [sys.executable, "-c", _shell_wrapper(), str(per_hour / 3600), str(seconds)]
        argv.append(cluster.replica.url("newsbase").replace("postgres://", "postgresql://"))
        run = subprocess.run(
            argv, cwd=ROOT, env=cluster.web_environment(), capture_output=True, text=True
        )
        line = next((ln for ln in run.stdout.splitlines() if ln.startswith("LAG_JSON ")), None)
        if line is None:
            raise RuntimeError(run.stderr[-3000:])
        lags = sorted(json.loads(line.removeprefix("LAG_JSON ")))
        out[f"{per_hour}/hour"] = {
            "ingests": len(lags),
            "median_ms": round(lags[len(lags) // 2] * 1000, 1),
            "p99_ms": round(lags[min(len(lags) - 1, int(len(lags) * 0.99))] * 1000, 1),
            "max_ms": round(lags[-1] * 1000, 1),
        }
    cluster.primary.query(
        "DELETE FROM events_article WHERE headline LIKE 'Lag %%'", "newsbase"
    )  # the drafts made for the measurement
    return out


def _shell_wrapper() -> str:
    return "import django, sys; django.setup(); exec(" + repr(LAG_SCRIPT) + ")"


CASES = {
    "hit": case_hit,
    "miss": case_miss,
    "search": case_search,
    "zipf": case_zipf,
    "lag": case_lag,
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench.scaling")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--only", nargs="*", choices=sorted(CASES))
    args = parser.parse_args(argv)
    cluster = Cluster()
    if not services.alive(cluster.state.pids.get("varnish")):
        cluster.start()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for name in args.only or CASES:
        load_before = os.getloadavg()[0]
        print(f"--> {name}", flush=True)
        seconds = 60 if name == "zipf" else args.seconds
        result = CASES[name](cluster, seconds)
        results[name] = {
            "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load_average_before": round(load_before, 1),
            "load_average_after": round(os.getloadavg()[0], 1),
            "result": result,
        }
        print(json.dumps({name: results[name]}, indent=1), flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
