"""Benchmark harness: the API and pages against their floor and a peer, at a chosen scale.

    .venv/bin/python bench/run.py --scale 10k          # (make bench SCALE=10k)
    .venv/bin/python bench/run.py --scale smoke --quick

1. Builds (or reuses) the PostgreSQL data set ``newsbase_bench_<scale>`` (bench/database.py).
2. Serves the app with gunicorn as production would (``newsbase.wsgi``, production
   settings, a generated secret key, DEBUG off), and the floor app (bench/floor_app.py)
   under the same gunicorn settings, each on a free loopback port.
3. Loads every endpoint of bench/endpoints.py with wrk at each concurrency, three times,
   interleaving ours warm (the rendered-document cache on, the normal case), ours cold
   (``RENDERED_CACHE=false``: every request renders), a conditional GET answered 304, the
   WSGI floor, the bytes floor (bench/bytes_app.py: our exact bytes from memory) and
   Datasette; times the floor SQL alone with pgbench.
4. Any non-2xx response or socket error fails the run.
5. Writes bench/results/<scale>.json and regenerates docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import glob
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import database  # noqa: E402
from bench.endpoints import ENDPOINTS, Endpoint  # noqa: E402

RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "wrk_report.lua"


class BenchError(SystemExit):
    def __init__(self, message: str):
        super().__init__(f"bench: {message}")


# --- tools ------------------------------------------------------------------------------------
def find_wrk() -> str:
    path = shutil.which("wrk")
    if not path:
        raise BenchError(
            "wrk is not installed. Install Debian's package: `apt-get install -y wrk` "
            "(the bench loads the servers with wrk over loopback)."
        )
    return path


def find_pgbench() -> str:
    path = shutil.which("pgbench") or next(
        iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"), reverse=True)), None
    )
    if not path:
        raise BenchError(
            "pgbench is not installed (it ships with PostgreSQL: `apt-get install -y "
            "postgresql-client` or the server package)."
        )
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str, accept: str = "application/json") -> tuple[int, bytes]:
    status, body, _headers = http_get_full(url, accept)
    return status, body


def http_get_full(url: str, accept: str = "application/json") -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


class Server:
    """A server process on a free loopback port, stopped (its process group) on exit."""

    def __init__(self, name: str, argv: list[str], env: dict, health: str | None, log_dir: Path):
        self.name, self.argv, self.env, self.health = name, argv, env, health
        self.port = free_port()
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        argv = [a.replace("{port}", str(self.port)) for a in self.argv]
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with contextlib.suppress(OSError):
                if self.health is None:  # not HTTP (Redis): the port accepting is enough
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    return self
                status, _ = http_get(self.base + self.health)
                if status == 200:
                    return self
            time.sleep(0.3)
        self.__exit__(None, None, None)
        tail = self.log_path.read_text()[-3000:]
        raise BenchError(f"{self.name} did not start on port {self.port}:\n{tail}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def time_export(env: dict[str, str]) -> dict:
    """Time ``manage.py export`` (the bulk snapshot, issue 15) on the bench data set."""
    with tempfile.TemporaryDirectory(prefix="bench-export-") as directory:
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "manage.py", "export", "--dir", directory, "--keep", "1"],
            cwd=ROOT,
            env={**env, "SITE_URL": "http://127.0.0.1"},
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seconds = time.monotonic() - started
        (manifest,) = Path(directory).glob("*/manifest.json")
        files = json.loads(manifest.read_text())["files"]
    counts = {f["resource"]: f["count"] for f in files if f["format"] == "jsonl"}
    total = sum(f["bytes"] for f in files)
    print(f"  export: {sum(counts.values()):,} objects in {seconds:.0f} s ({total:,} bytes)")
    return {"seconds": round(seconds, 1), "counts": counts, "bytes": total}


def earlier_export(output: Path, dataset: dict) -> dict | None:
    """The export timing of the previous run written to ``output``, if it ran on the same
    data set: ``--no-export`` keeps it (at 1m the export takes over twenty minutes), marked
    with the run that timed it."""
    try:
        previous = json.loads(output.read_text())
    except (OSError, ValueError):
        return None
    export, before = previous.get("export"), previous.get("dataset", {})
    if not export or (before.get("commit"), before.get("counts")) != (
        dataset["commit"],
        dataset["counts"],
    ):
        return None
    timed_at = export.get("timed_at") or {
        "commit": previous["commit"],
        "started": previous["started"],
    }
    return {**export, "timed_at": timed_at}


def gunicorn(app: str, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--bind",
        "127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]


# --- measuring --------------------------------------------------------------------------------
def wrk(url: str, concurrency: int, duration: float, accept: str, headers=()) -> dict:
    """Load ``url``; ``headers`` are extra "Name: value" lines (an If-None-Match makes the
    run measure 304s, which then count as answers, not errors)."""
    threads = max(1, min(concurrency, os.cpu_count() or 1))
    extra = [arg for header in headers for arg in ("-H", header)]
    conditional = any(h.lower().startswith("if-none-match") for h in headers)
    argv = [
        find_wrk(),
        f"-t{threads}",
        f"-c{concurrency}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "30s",
        "-H",
        f"Accept: {accept}",
        *extra,
        "-s",
        str(LUA),
        url,
        *(["--", "allow304"] if conditional else []),
    ]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise BenchError(f"wrk gave no result for {url}:\n{out.stdout}\n{out.stderr}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    errors = sum(raw[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return {
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "rps": raw["requests"] / (raw["duration_us"] / 1e6) if raw["duration_us"] else 0.0,
        "requests": raw["requests"],
        "bytes_per_response": raw["bytes"] / raw["requests"] if raw["requests"] else 0,
        "non2xx": raw["non2xx"],
        "bad_status": raw["bad_status"],
        "socket_errors": errors,
    }


def pgbench(db_url: str, statement: str, concurrency: int, duration: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-pgbench-") as tmp:
        script = Path(tmp) / "floor.sql"
        script.write_text(statement.strip().rstrip(";") + ";\n")
        argv = [
            find_pgbench(),
            "-n",
            "-f",
            str(script),
            "-T",
            str(max(1, round(duration))),
            "-c",
            str(concurrency),
            "-j",
            str(max(1, min(concurrency, os.cpu_count() or 1))),
            "-l",
            "--log-prefix",
            str(Path(tmp) / "log"),
            database.dsn(db_url),
        ]
        out = subprocess.run(argv, capture_output=True, text=True, cwd=tmp, timeout=duration + 60)
        if out.returncode != 0:
            raise BenchError(f"pgbench failed:\n{out.stdout}\n{out.stderr}")
        latencies = []
        for log in Path(tmp).glob("log*"):
            for line in log.read_text().splitlines():
                fields = line.split()
                if len(fields) >= 3:
                    latencies.append(int(fields[2]))
        failed = next(
            (ln for ln in out.stdout.splitlines() if ln.startswith("number of failed")), ""
        )
        if not latencies or (failed and not failed.split(":")[1].strip().startswith("0")):
            raise BenchError(f"pgbench measured nothing or failed:\n{out.stdout}\n{out.stderr}")
        tps = next(
            float(ln.split("=")[1].split()[0])
            for ln in out.stdout.splitlines()
            if ln.startswith("tps")
        )
    latencies.sort()
    return {
        "p50_ms": _percentile(latencies, 50) / 1000,
        "p99_ms": _percentile(latencies, 99) / 1000,
        "rps": tps,
        "requests": len(latencies),
    }


def _percentile(values: list[int], p: float) -> float:
    k = min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))
    return float(values[k])


def median_of(reps: list[dict]) -> dict:
    keys = ("p50_ms", "p99_ms", "rps")
    return {k: statistics.median(r[k] for r in reps) for k in keys} | {"reps": reps}


# --- comparing shapes ---------------------------------------------------------------------------
def key_paths(value, prefix="") -> set[str]:
    paths = set()
    if isinstance(value, dict):
        for k, v in value.items():
            paths.add(f"{prefix}.{k}")
            paths |= key_paths(v, f"{prefix}.{k}")
    elif isinstance(value, list):
        for item in value:
            paths |= key_paths(item, f"{prefix}[]")
    return paths


def identities(value) -> list[str]:
    """Slugs and ids in document order: which rows a response holds."""
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("slug", "id") and isinstance(v, str | int):
                found.append(f"{k}={v}")
            else:
                found.extend(identities(v))
    elif isinstance(value, list):
        for item in value:
            found.extend(identities(item))
    return found


def compare(ours: bytes, floor: bytes) -> dict:
    try:
        a, b = json.loads(ours), json.loads(floor)
    except ValueError as exc:
        return {"comparable": False, "why": f"not JSON: {exc}"}
    pa, pb = key_paths(a), key_paths(b)
    ia, ib = identities(a), identities(b)
    return {
        "comparable": True,
        "same_fields": pa == pb,
        "only_ours": sorted(pa - pb)[:20],
        "only_floor": sorted(pb - pa)[:20],
        "same_rows": sorted(ia) == sorted(ib),
        "rows_ours": len(ia),
        "rows_floor": len(ib),
    }


def peer_document(body: bytes) -> bytes:
    """The document in Datasette's answer, which wraps it as ``[document]`` (arrayfirst)."""
    try:
        data = json.loads(body)
    except ValueError:
        return body
    return json.dumps(data[0] if isinstance(data, list) and len(data) == 1 else data).encode()


# --- the run ------------------------------------------------------------------------------------
def resolve_targets(info: dict) -> dict:
    import psycopg2

    targets = dict(info["targets"])
    conn = psycopg2.connect(database.dsn(info["url"]))
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT id FROM events_location WHERE slug = %s", [targets["location_slug"]]
            )
            targets["location_id"] = cur.fetchone()[0]
            cur.execute("SELECT id FROM events_event WHERE slug = %s", [targets["event_slug"]])
            targets["event_id"] = cur.fetchone()[0]
    finally:
        conn.close()
    as_of = dt.date.fromisoformat(targets["as_of"])
    targets["as_of_next"] = (as_of + dt.timedelta(days=1)).isoformat()
    return targets


def floor_url(endpoint: Endpoint, targets: dict) -> str:
    from urllib.parse import urlencode

    query = urlencode({param: targets[name] for param, name in endpoint.floor_params.items()})
    return f"/floor/{endpoint.name}" + (f"?{query}" if query else "")


def floor_statement(db_url: str, endpoint: Endpoint, targets: dict) -> str:
    import psycopg2

    conn = psycopg2.connect(database.dsn(db_url))
    try:
        with conn.cursor() as cur:
            params = {p: targets[name] for p, name in endpoint.floor_params.items()}
            params["base"] = "http://127.0.0.1"  # what the floor app gets from the Host header
            return cur.mogrify(endpoint.floor_sql, params).decode()
    finally:
        conn.close()


def machine() -> dict:
    mem_kb = 0
    with contextlib.suppress(OSError), open("/proc/meminfo") as f:
        mem_kb = int(next(ln for ln in f if ln.startswith("MemTotal")).split()[1])
    cpu = ""
    with contextlib.suppress(OSError, StopIteration), open("/proc/cpuinfo") as f:
        cpu = next(ln for ln in f if ln.startswith("model name")).split(":", 1)[1].strip()
    import psycopg2

    conn = psycopg2.connect(database.dsn(database.database_url("postgres")))
    with conn.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
        cur.execute("SHOW shared_buffers")
        shared_buffers = cur.fetchone()[0]
    conn.close()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "postgresql": pg,
        "shared_buffers": shared_buffers,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "wrk": subprocess.run([find_wrk(), "-v"], capture_output=True, text=True).stdout.split(
            "\n"
        )[0],
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="10k", choices=["smoke", "10k", "100k", "1m"])
    parser.add_argument("--quick", action="store_true", help="one endpoint, c=1, one short rep")
    parser.add_argument("--endpoints", help="comma-separated names (default: all default ones)")
    parser.add_argument("--concurrency", default="1,8,64")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--pgbench-max-clients", type=int, default=32)
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument("--no-pgbench", action="store_true")
    parser.add_argument(
        "--no-export",
        action="store_true",
        help="skip timing manage.py export (issue 15); keep the last timing on this data set",
    )
    parser.add_argument("--skip-missing", action="store_true", help="skip endpoints that 404")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data set")
    parser.add_argument("--database", help="bench database name (default newsbase_bench_<scale>)")
    parser.add_argument("--profile", action="store_true", help="profile endpoints that miss")
    parser.add_argument(
        "--check", action="store_true", help="only compare ours with the floor (no load)"
    )
    parser.add_argument("--note", default="", help="a note recorded with the results")
    parser.add_argument("--output", help="results file (default bench/results/<scale>.json)")
    parser.add_argument("--no-report", action="store_true", help="leave docs/performance.md")
    args = parser.parse_args(argv)
    if args.quick:
        args.endpoints = args.endpoints or "event-page"
        args.concurrency = "1"
        args.repetitions = 1
        args.duration = min(args.duration, 2.0)
        args.no_datasette = True
        args.no_report = True
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    find_wrk()
    if not args.no_pgbench:
        find_pgbench()
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    names = args.endpoints.split(",") if args.endpoints else None
    endpoints = [e for e in ENDPOINTS if (e.name in names if names else e.default)]
    if names and len(endpoints) != len(names):
        unknown = set(names) - {e.name for e in endpoints}
        raise BenchError(f"unknown endpoints: {', '.join(sorted(unknown))}")

    output = Path(args.output) if args.output else RESULTS / f"{args.scale}.json"
    if args.quick and not args.output:
        output = RESULTS / "raw" / f"{args.scale}-quick.json"
    started = dt.datetime.now(dt.UTC)
    info = database.ensure_dataset(args.scale, rebuild=args.rebuild, name=args.database)
    targets = resolve_targets(info)
    env = database.django_env(info["url"])
    log_dir = RESULTS / "raw"
    log_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    result = {
        "scale": args.scale,
        "commit": database.git_commit(),
        "started": started.isoformat(timespec="seconds"),
        "command": "bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "note": args.note,
        "settings": {
            "concurrency": concurrencies,
            "repetitions": args.repetitions,
            "duration_s": args.duration,
            "workers": args.workers,
            "pgbench_max_clients": args.pgbench_max_clients,
        },
        "machine": machine(),
        "dataset": {
            k: info[k]
            for k in (
                "counts",
                "build_seconds",
                "generate_seconds",
                "load_seconds",
                "migrate_seconds",
                "commit",
                "reused",
            )
        },
        "targets": targets,
        "endpoints": {},
    }

    peers = []
    ds = None
    if not args.no_datasette:
        from bench import datasette

        datasette.ensure_venv()
        path = datasette.export(info["url"], args.scale, info["fingerprint"])
        ds = Server(
            "datasette",
            datasette.command(path, "{port}"),
            dict(os.environ),
            "/-/versions.json",
            log_dir,
        )
        peers.append(ds)

    # Production keeps the API's throttle counters in Redis (docker-compose.yml); so does
    # the bench when redis-server is installed, else Django's database cache (say which).
    redis_server = shutil.which("redis-server")
    redis = None
    if redis_server:
        redis = Server(
            "redis",
            [
                redis_server,
                "--port",
                "{port}",
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            dict(os.environ),
            None,
            log_dir,
        )
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis.port}/0"
    result["settings"]["throttle_cache"] = "redis" if redis else "database (no redis-server)"
    if not redis:  # the workers share the generation in a directory: a fresh one per run
        env["HTTP_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-http-cache-")
    app = Server(
        "app", gunicorn("newsbase.wsgi:application", args.workers), env, "/healthz", log_dir
    )
    cold = Server(
        "cold",
        gunicorn("newsbase.wsgi:application", args.workers),
        dict(env, RENDERED_CACHE="false"),
        "/healthz",
        log_dir,
    )
    bytes_dir = Path(tempfile.mkdtemp(prefix="bench-bytes-"))
    bytes_floor = Server(
        "bytes",
        gunicorn("bench.bytes_app:application", args.workers),
        dict(env, BENCH_BYTES_DIR=str(bytes_dir)),
        "/bytes/health",
        log_dir,
    )
    floor_env = dict(env, BENCH_FLOOR_DSN=database.dsn(info["url"]))
    floor = Server(
        "floor",
        gunicorn("bench.floor_app:application", args.workers),
        floor_env,
        "/floor/health",
        log_dir,
    )
    failure = None
    with contextlib.ExitStack() as stack:
        if redis:
            stack.enter_context(redis)
        stack.enter_context(app)
        stack.enter_context(cold)
        stack.enter_context(bytes_floor)
        stack.enter_context(floor)
        for peer in peers:
            stack.enter_context(peer)
        plan = []
        for endpoint in endpoints:
            path = endpoint.path.format(**targets)
            accept = "application/json" if endpoint.json else "text/html"
            status, body, headers = http_get_full(app.base + path, accept)
            fstatus, fbody = http_get(floor.base + floor_url(endpoint, targets))
            entry = {"kind": endpoint.kind, "path": path, "status": status}
            entry["etag"] = headers.get("ETag")
            (bytes_dir / f"{endpoint.name}.body").write_bytes(body)
            (bytes_dir / f"{endpoint.name}.type").write_text(
                headers.get("Content-Type", "application/octet-stream")
            )
            result["endpoints"][endpoint.name] = entry
            if status == 404 and args.skip_missing:
                entry["missing"] = True
                print(
                    f"  {endpoint.name}: {path} is 404 at this commit; measuring its floor "
                    "and peer only."
                )
            elif not 200 <= status < 300:
                raise BenchError(f"{endpoint.name}: ours {path} → {status} {body[:300]!r}")
            if not 200 <= fstatus < 300:
                raise BenchError(f"{endpoint.name}: floor → {fstatus} {fbody[:300]!r}")
            entry["bytes"] = {"floor": len(fbody)}
            if not entry.get("missing"):
                entry["bytes"]["ours"] = len(body)
                if endpoint.json:
                    entry["shape"] = compare(body, fbody)
            entry["floor_sql"] = floor_statement(info["url"], endpoint, targets)
            plan.append((endpoint, path, accept, entry))
            if ds and endpoint.datasette:
                dpath = endpoint.datasette.format(**targets)
                dstatus, dbody = http_get(ds.base + dpath)
                if dstatus != 200:
                    raise BenchError(f"Datasette {dpath} → {dstatus}: {dbody[:300]!r}")
                entry["datasette_path"] = dpath
                entry["datasette_note"] = endpoint.datasette_note
                entry["bytes"]["datasette"] = len(dbody)
                if endpoint.json:
                    entry["datasette_shape"] = compare(peer_document(dbody), fbody)

        if args.check:
            for endpoint, _path, _accept, entry in plan:
                shape = entry.get("shape") or {}
                print(f"{endpoint.name}: {json.dumps({'bytes': entry['bytes'], **shape})}")
                if "datasette_shape" in entry:
                    print(f"  Datasette: {json.dumps(entry['datasette_shape'])}")
            return 0
        try:
            for endpoint, path, accept, entry in plan:
                print(f"{endpoint.name}: {path}")
                servers = [
                    ("floor", floor.base + floor_url(endpoint, targets), "application/json", ())
                ]
                if not entry.get("missing"):
                    servers[:0] = [
                        ("ours", app.base + path, accept, ()),
                        ("cold", cold.base + path, accept, ()),
                        ("bytes", f"{bytes_floor.base}/bytes/{endpoint.name}", accept, ()),
                    ]
                    if entry.get("etag"):
                        servers.append(
                            (
                                "not_modified",
                                app.base + path,
                                accept,
                                (f"If-None-Match: {entry['etag']}",),
                            )
                        )
                if "datasette_path" in entry:
                    servers.append(
                        ("datasette", ds.base + entry["datasette_path"], "application/json", ())
                    )
                for _label, url, acc, hdrs in servers:  # warm caches and connections
                    wrk(url, min(concurrencies), min(1.0, args.duration), acc, hdrs)
                previous_rps: dict[str, float] = {}
                for c in concurrencies:
                    reps = {label: [] for label, _u, _a, _h in servers}
                    reps["db"] = []
                    # A slow server at high concurrency queues each request for c / rps
                    # seconds: run long enough for about two rounds to complete (≤ 30 s).
                    durations = {
                        label: min(30.0, max(args.duration, 2 * c / previous_rps[label]))
                        if previous_rps.get(label)
                        else args.duration
                        for label, _u, _a, _h in servers
                    }
                    for _ in range(args.repetitions):
                        for label, url, acc, hdrs in servers:
                            r = wrk(url, c, durations[label], acc, hdrs)
                            r["duration_s"] = durations[label]
                            reps[label].append(r)
                            if not r["requests"]:
                                failure = (
                                    f"{endpoint.name} ({label}, c={c}): no response completed "
                                    f"in {durations[label]:g} s (each took longer than the run)"
                                )
                                raise BenchError(failure)
                            full = entry["bytes"].get("ours", 0)
                            if label == "not_modified" and r["bytes_per_response"] >= full:
                                failure = (
                                    f"{endpoint.name} (c={c}): If-None-Match was answered "
                                    f"with {r['bytes_per_response']:.0f} bytes, not a 304"
                                )
                                raise BenchError(failure)
                            if r["non2xx"] or r["socket_errors"]:
                                failure = (
                                    f"{endpoint.name} ({label}, c={c}): {r['non2xx']} non-2xx "
                                    f"(first {r['bad_status']}), {r['socket_errors']} socket "
                                    f"errors (timeouts included) in {r['requests']} requests"
                                )
                                raise BenchError(failure)
                        if not args.no_pgbench:
                            clients = min(c, args.pgbench_max_clients)
                            r = pgbench(info["url"], entry["floor_sql"], clients, args.duration)
                            r["clients"] = clients
                            reps["db"].append(r)
                    for label, runs in reps.items():
                        if runs:
                            entry.setdefault(label, {})[str(c)] = median_of(runs)
                            previous_rps[label] = entry[label][str(c)]["rps"]
                    line = f"  c={c:<3d}"
                    for label in (
                        "ours",
                        "cold",
                        "not_modified",
                        "bytes",
                        "floor",
                        "db",
                        "datasette",
                    ):
                        m = entry.get(label, {}).get(str(c))
                        if m:
                            line += (
                                f"  {label} p50 {m['p50_ms']:.2f} ms p99 {m['p99_ms']:.2f} "
                                f"ms {m['rps']:.0f}/s"
                            )
                    print(line, flush=True)
            if not (args.no_export or args.quick):
                result["export"] = time_export(env)
            elif not args.quick:
                result["export"] = earlier_export(output, result["dataset"])
        finally:
            result["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            result["failed"] = failure
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(json.dumps(result, indent=1, default=str) + "\n")
            print(
                f"Results: {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}"
            )
        if args.profile:  # while Redis is up: a profiled hit checks and counts there
            from bench import profile

            profile.profile_misses(output, env)

    if not args.no_report:
        from bench import report

        report.write()
        print("Report: docs/performance.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
