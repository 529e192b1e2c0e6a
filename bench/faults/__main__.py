"""The fault suite: load through the cluster while one part of it fails (``make faults``).

    .venv/bin/python -m bench.faults [--seconds 60] [--only NAME ...]

Against the loopback cluster of ``make cluster`` (started here if it is not up; its web
replicas are restarted first so they run the current code): wrk with 64 connections
through Varnish and both web replicas, for ``--seconds`` per case, the fault injected a
third of the way in and undone at two thirds. A failure is a 5xx or a socket error; each
case states what it must show. Results go to bench/results/faults.json and the figures
into docs/reliability.md (between the markers), with the machine's load when measured.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import lxml.html
import requests

from bench.cluster import Cluster, services

ROOT = Path(__file__).resolve().parent.parent.parent
LUA = Path(__file__).resolve().parent / "mix.lua"
RESULTS = ROOT / "bench" / "results" / "faults.json"
DOC = ROOT / "docs" / "reliability.md"
BEGIN, END = "<!-- faults:begin (bench/faults writes this part) -->", "<!-- faults:end -->"
ATTACK = "crocus-city-hall-attack"
PUBLIC_PATHS = [
    "/",
    "/events/",
    f"/events/{ATTACK}/",
    "/api/v1/events/",
    f"/api/v1/events/{ATTACK}/",
    "/api/v1/actors/",
    "/api/v1/claims/",
    "/search/?q=crocus",
    "/feeds/events.atom",
]
# A client that has just written: reads the primary and passes the HTTP cache.
PINNED = "Cookie: nb_primary_until=4102444800"
EDITOR = ("faults-editor", "faults-editor-password-1")


@dataclass
class Case:
    name: str
    must: str
    setup: object = None  # callable(cluster) -> None, before the load starts
    fault: object = None  # callable(cluster) -> None, at 1/3
    undo: object = None  # callable(cluster) -> None, at 2/3
    headers: list[str] = field(default_factory=list)
    # Which failures are allowed: "none", or "503 with Retry-After".
    allowed: str = "none"
    # A bound must cut each wait short: the web replicas' logs show the reads it ended (a 503
    # with Retry-After, or the read answered again from the replica: newsbase/replicas.py),
    # not only slow answers; and no worker is killed by gunicorn's timeout.
    expect_bound: bool = False
    # A web replica's name: the load goes straight to it, past Varnish, so the app itself
    # answers every request (through Varnish nearly all are cache hits).
    target: str | None = None


def wrk(url: str, paths: list[str], seconds: float, connections: int = 64, headers=()):
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as handle:
        handle.write("\n".join(paths) + "\n")
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "30s"]
    argv += ["-s", str(LUA), url, "--", handle.name, *headers]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.path_file = handle.name  # removed once wrk has read it
    return process


def wrk_result(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=600)
    if getattr(process, "path_file", None):
        Path(process.path_file).unlink(missing_ok=True)
    line = next((ln for ln in out.splitlines() if ln.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result:\n{out}\n{err}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    statuses = {int(k): v for k, v in raw["statuses"].items()}
    sockets = sum(raw[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "statuses": statuses,
        "http_5xx": sum(n for s, n in statuses.items() if s >= 500),
        "http_500": statuses.get(500, 0),
        "socket_errors": sockets,
        "no_retry_after": raw["no_retry_after"],
        "cache_hits": raw["cache_hits"],
    }


# --- faults -------------------------------------------------------------------------------
def terminate_app_connections(node_attr: str, times: int = 5, every: float = 2.0):
    def fault(cluster: Cluster):
        node = getattr(cluster, node_attr)
        for _ in range(times):
            node.query(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = 'newsbase' AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            )
            time.sleep(every)

    return fault


class TableLock:
    """An editor's long transaction holding a lock every read of events needs."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.thread: threading.Thread | None = None

    def __call__(self, cluster: Cluster):
        def hold():
            connection = cluster.primary.connect("newsbase")
            connection.autocommit = False
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE events_event IN ACCESS EXCLUSIVE MODE")
                time.sleep(self.seconds)
            connection.rollback()
            connection.close()

        self.thread = threading.Thread(target=hold, daemon=True)
        self.thread.start()


def stop_primary_and_edit(report: dict):
    """The primary stops while an editor saves; meanwhile the admin must say read-only."""

    def setup(cluster: Cluster):
        editor = requests.Session()
        login(cluster.url, editor)
        (pk,) = cluster.primary.query(
            "SELECT id FROM events_event WHERE slug = %s", "newsbase", (ATTACK,)
        )[0]
        change_url = f"{cluster.url}/admin/events/event/{pk}/change/"
        form = lxml.html.fromstring(editor.get(change_url, timeout=30).text)
        form = form.get_element_by_id("event_form")
        new_title = f"Crocus City Hall attack (edit {int(time.time())})"
        form.fields["title"] = new_title
        form.fields["correction_note"] = "Edit sent while the primary stops."
        report.update(editor=editor, form=form, change_url=change_url, new_title=new_title)
        report["pk"] = pk

    def fault(cluster: Cluster):
        editor, form, change_url = report.pop("editor"), report.pop("form"), report["change_url"]
        saved: dict = {}

        def save():
            try:
                response = editor.post(
                    change_url,
                    data=form.form_values(),
                    timeout=60,
                    allow_redirects=False,
                    headers={"Referer": change_url},
                )
                saved["status"] = response.status_code
            except requests.RequestException as exc:
                saved["status"] = repr(exc)

        thread = threading.Thread(target=save)
        thread.start()
        time.sleep(0.05)
        cluster.primary.stop(mode="fast")
        thread.join()
        admin = editor.get(f"{cluster.url}/admin/", timeout=30)
        report["admin_while_down"] = {
            "status": admin.status_code,
            "retry_after": admin.headers.get("Retry-After"),
            "says_read_only": "Temporarily read-only" in admin.text,
        }
        report["edit_sent_as_primary_stopped"] = saved

    def undo(cluster: Cluster):
        cluster.primary.start()
        title = cluster.primary.query(
            "SELECT title FROM events_event WHERE id = %s", "newsbase", (report["pk"],)
        )[0][0]
        history = cluster.primary.query(
            "SELECT count(*) FROM events_historicalevent WHERE id = %s AND title = %s",
            "newsbase",
            (report["pk"], report["new_title"]),
        )[0][0]
        saved = title == report["new_title"]
        report["edit_outcome"] = "saved whole" if saved else "not saved"
        # Whole or nothing: the title and its history row together.
        report["half_saved"] = saved != (history > 0)

    return setup, fault, undo


def login(base: str, session: requests.Session) -> None:
    session.get(f"{base}/admin/login/", timeout=30)
    response = session.post(
        f"{base}/admin/login/",
        data={
            "username": EDITOR[0],
            "password": EDITOR[1],
            "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
            "next": "/admin/",
        },
        headers={"Referer": f"{base}/admin/login/"},
        timeout=30,
    )
    if "Log out" not in response.text:
        raise RuntimeError(f"could not log in as {EDITOR[0]}: {response.status_code}")


def cases(report: dict) -> list[Case]:
    stop_setup, stop_fault, stop_undo = stop_primary_and_edit(
        report.setdefault("primary restarted", {})
    )
    replica_stopped = Case(
        "replica stopped",
        "0 failed requests (reads move to the primary)",
        fault=lambda c: c.replica.stop(),
        undo=lambda c: c.replica.start(),
    )
    replica_terminated = Case(
        "replica connections terminated (public reads)",
        "at most in-flight requests fail, each a 503 with Retry-After; no 500",
        fault=terminate_app_connections("replica"),
        allowed="503 with Retry-After",
    )
    redis_down = Case(
        "Redis down",
        "0 failures (uncached, slower)",
        fault=lambda c: c.stop_redis(),
        undo=lambda c: c.start_redis(),
    )
    # The same three faults with the load sent past Varnish, so the app answers it all.
    straight = [
        replace(case, name=f"{name} (straight to a web replica)", target="web2")
        for case, name in [
            (replica_stopped, "replica stopped"),
            (replica_terminated, "replica connections terminated"),
            (redis_down, "Redis down"),
        ]
    ]
    return [
        Case("steady load", "0 failures"),
        Case(
            "web replica killed",
            "0 failed requests (Varnish retries a GET on the other replica)",
            fault=lambda c: c.kill_web("web1", signal.SIGKILL),
            undo=lambda c: c.start_web("web1"),
        ),
        replica_stopped,
        Case(
            "primary connections terminated (writers' reads)",
            "at most in-flight requests fail, each a 503 with Retry-After; no 500",
            fault=terminate_app_connections("primary"),
            headers=[PINNED],
            allowed="503 with Retry-After",
        ),
        replica_terminated,
        Case(
            "events table locked on the primary (writers' reads)",
            "each read the lock holds ends at the lock bound (503 with Retry-After, or read "
            "again from the replica); no worker hangs",
            fault=TableLock(10),
            headers=[PINNED],
            allowed="503 with Retry-After",
            expect_bound=True,
        ),
        redis_down,
        *straight,
        Case(
            "primary restarted",
            "0 failed public requests; the admin says read-only; no half-saved edit",
            setup=stop_setup,
            fault=stop_fault,
            undo=stop_undo,
        ),
    ]


def judge(case: Case, result: dict) -> bool:
    if case.expect_bound and (
        result["worker_timeouts"] or not (result["statuses"].get(503) or result["read_again"])
    ):
        return False  # everyone waited for the lock: no bound cut the wait short
    if case.allowed == "none":
        return result["http_5xx"] == 0 and result["socket_errors"] == 0
    return (
        result["http_500"] == 0
        and result["socket_errors"] == 0
        and result["no_retry_after"] == 0
        and all(s == 503 for s in result["statuses"] if s >= 500)
    )


def run_case(cluster: Cluster, case: Case, seconds: float) -> dict:
    if case.setup:
        case.setup(cluster)
    logs = {name: cluster.log(name) for name in cluster.web_names}
    log_sizes = {name: path.stat().st_size if path.exists() else 0 for name, path in logs.items()}
    url = cluster.web_url(case.target) if case.target else cluster.url
    process = wrk(url, PUBLIC_PATHS, seconds, headers=case.headers)
    timeline = []
    started = time.monotonic()
    time.sleep(seconds / 3)
    if case.fault:
        timeline.append((round(time.monotonic() - started, 1), "fault"))
        case.fault(cluster)
        timeline.append((round(time.monotonic() - started, 1), "fault in place"))
    time.sleep(max(0.0, seconds * 2 / 3 - (time.monotonic() - started)))
    if case.undo:
        timeline.append((round(time.monotonic() - started, 1), "undo"))
        case.undo(cluster)
        timeline.append((round(time.monotonic() - started, 1), "undone"))
    result = wrk_result(process)
    result["timeline"] = timeline
    logged = ""
    for name, path in logs.items():
        if path.exists():
            with path.open(errors="replace") as handle:
                handle.seek(log_sizes[name])
                logged += handle.read()
    result["read_again"] = logged.count(", read again from ")
    result["worker_timeouts"] = logged.count("WORKER TIMEOUT")
    result["must"] = case.must
    result["passed"] = judge(case, result)
    return result


def prepare(cluster: Cluster) -> None:
    if not services.alive(cluster.state.pids.get("varnish")):
        cluster.start()
    # The current code: its migrations, its static files, its web replicas and VCL.
    cluster.manage("migrate", "--noinput")
    cluster.manage("collectstatic", "--noinput", "--verbosity", "0")
    for name in cluster.web_names:
        cluster.kill_web(name, signal.SIGTERM)
        cluster.start_web(name)
    services.kill_group(cluster.state.pids.pop("varnish", None))
    cluster.start_varnish()
    for node in (cluster.primary, cluster.replica):
        if not node.running():
            node.start()
    cluster.start_redis()
    cluster.manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.auth import get_user_model; U = get_user_model(); "
        f"U.objects.filter(username={EDITOR[0]!r}).exists() or "
        f"U.objects.create_superuser({EDITOR[0]!r}, 'f@example.org', {EDITOR[1]!r})",
    )
    time.sleep(3)  # Varnish's probes see both replicas healthy


def write_doc(results: dict, meta: dict) -> None:
    lines = [
        BEGIN,
        "",
        f"Measured on {meta['cpus']} cores (the load average column counts the suite's own "
        "wrk, Varnish, gunicorn and PostgreSQL on those cores, and any other work there), "
        "wrk -c64 for the seconds shown through Varnish and both web replicas, fault at one "
        "third, undone at two thirds; a request unanswered after 30 s counts as a socket error"
        f" (paths: {', '.join(f'`{p}`' for p in PUBLIC_PATHS)}).",
        "",
        "| case | must | when | s | load avg | requests | req/s | p99 ms | max ms | 5xx | "
        "of which 500 | 503 without Retry-After | socket errors | read again | result |",
        "| --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | --- |",
    ]
    for name, r in sorted(results.items(), key=lambda item: item[1].get("when", "")):
        if "requests" not in r:
            continue
        lines.append(
            f"| {name} | {r['must']} | {r.get('when', '')} | {r.get('seconds', '')} | "
            f"{r.get('load', '')} | {r['requests']} | {r['rps']} | {r['p99_ms']:.0f} | "
            f"{r['max_ms']:.0f} | {r['http_5xx']} | {r['http_500']} | {r['no_retry_after']} | "
            f"{r['socket_errors']} | {r.get('read_again', '')} | "
            f"{'pass' if r['passed'] else '**FAIL**'} |"
        )
    restart = results.get("primary restarted", {})
    if "admin_while_down" in restart:
        admin = restart["admin_while_down"]
        lines += [
            "",
            f"Primary restarted: the admin answered {admin['status']} "
            f"(Retry-After {admin['retry_after']}, read-only page: {admin['says_read_only']}); "
            f"an edit sent as the primary stopped got {restart['edit_sent_as_primary_stopped']}"
            f" and was {restart.get('edit_outcome')}; half-saved: {restart.get('half_saved')}.",
        ]
    lines += ["", END]
    text = DOC.read_text() if DOC.exists() else "# Reliability\n\n"
    block = "\n".join(lines)
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="make faults")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--only", nargs="*", help="run only the cases with these words")
    args = parser.parse_args(argv)
    cluster = Cluster()
    prepare(cluster)
    report: dict = {}
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "load_before": round(os.getloadavg()[0], 1),
        "seconds": args.seconds,
    }
    selected = [c for c in cases(report) if not args.only or any(w in c.name for w in args.only)]
    for case in selected:
        print(f"--> {case.name}", flush=True)
        load_before = round(os.getloadavg()[0], 1)
        result = run_case(cluster, case, args.seconds)
        result.update(
            when=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            seconds=args.seconds,
            load=f"{load_before}→{round(os.getloadavg()[0], 1)}",
        )
        report.setdefault(case.name, {}).update(result)
        print(json.dumps({case.name: report[case.name]}, default=str), flush=True)
        time.sleep(3)
    meta["load_after"] = round(os.getloadavg()[0], 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    # Only the cases that ran: an earlier run's figures for the others stay as they were.
    previous.update({"meta": meta, **{c.name: report[c.name] for c in selected}})
    RESULTS.write_text(json.dumps(previous, indent=2, default=str))
    write_doc({k: v for k, v in previous.items() if k != "meta"}, meta)
    return 0 if all(report[c.name].get("passed") for c in selected) else 1


if __name__ == "__main__":
    sys.exit(main())
