"""The cluster's other processes: Redis, gunicorn web replicas and Varnish, on loopback.

Each runs in its own session (process group) so it outlives the command that started it
(``bin/cluster start`` returns) and can be stopped as a whole, workers included, by the
pid recorded in the cluster's state file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
VCL = ROOT / "deploy" / "varnish" / "newsbase.vcl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by us) counts as gone.
    with contextlib.suppress(OSError):
        if Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z"):
            return False
    return True


def spawn(argv: list[str], log_path: Path, env: dict | None = None) -> int:
    """Start a process in its own session, output appended to ``log_path``; its pid."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process.pid


def kill_group(pid: int | None, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    """Signal a process group and wait until its leader is gone (SIGKILL after ``timeout``)."""
    if not alive(pid):
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.05)
    if alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        while alive(pid):
            _reap(pid)
            time.sleep(0.05)
    _reap(pid)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def wait_for_port(port: int, pid: int, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            break
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        time.sleep(0.1)
    tail = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
    raise RuntimeError(f"nothing answered on port {port} (pid {pid}):\n{tail}")


def wait_for_http(url: str, pid: int | None, log_path: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pid is not None and not alive(pid):
            break
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        time.sleep(0.2)
    tail = log_path.read_text(errors="replace")[-3000:] if log_path.exists() else ""
    raise RuntimeError(f"{url} did not answer 200 within {timeout}s:\n{tail}")


# --- Redis --------------------------------------------------------------------------------
def start_redis(port: int, log_path: Path) -> int:
    server = shutil.which("redis-server")
    if not server:
        raise RuntimeError("redis-server is not installed (apt-get install -y redis-server)")
    # Shared cache only: nothing is worth keeping on disk.
    argv = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
    pid = spawn([*argv, "no", "--protected-mode", "no"], log_path)
    wait_for_port(port, pid, log_path)
    return pid


# --- gunicorn -----------------------------------------------------------------------------
def start_web(port: int, environ: dict, log_path: Path, workers: int = 2) -> int:
    env = {**environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
    argv = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    pid = spawn([*argv, "newsbase.wsgi:application"], log_path, env)
    wait_for_http(f"http://127.0.0.1:{port}/livez", pid, log_path)
    return pid


# --- Varnish ------------------------------------------------------------------------------
BACKENDS = """\
# Written by bench/cluster for the loopback cluster; deploy/varnish/compose-backends.vcl is
# the same for docker-compose.yml.
vcl 4.1;
import directors;

# Liveness only (no database). Under saturation the probe waits in the same queue as
# readers, so a replica is taken out of rotation only after 8 failures in a row (a dead
# one: ~16 s, during which a GET that finds it dead is retried on the other).
probe live {{
    .request = "GET /livez HTTP/1.1" "Host: localhost" "Connection: close";
    .interval = 2s;
    .timeout = 5s;
    .window = 8;
    .threshold = 1;
    .initial = 1;
}}
{backends}
acl purgers {{
    "127.0.0.1";
}}

sub vcl_init {{
    new web = directors.round_robin();
{adds}
}}
"""
BACKEND = """
backend {name} {{
    .host = "127.0.0.1";
    .port = "{port}";
    .probe = live;
    .connect_timeout = 1s;
    .first_byte_timeout = 60s;
}}
"""


def write_backends(path: Path, web_ports: list[int]) -> None:
    names = [f"web{i + 1}" for i in range(len(web_ports))]
    path.write_text(
        BACKENDS.format(
            backends="".join(
                BACKEND.format(name=n, port=p) for n, p in zip(names, web_ports, strict=True)
            ),
            adds="\n".join(f"    web.add_backend({name});" for name in names),
        )
    )


def start_varnish(port: int, work_dir: Path, web_ports: list[int], log_path: Path) -> int:
    varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
    if not Path(varnishd).exists():
        raise RuntimeError("varnishd is not installed (apt-get install -y varnish)")
    work_dir.mkdir(parents=True, exist_ok=True)
    write_backends(work_dir / "backends.vcl", web_ports)
    argv = [
        varnishd,
        "-F",  # in the foreground of its own session, so the recorded pid is the manager's
        "-a",
        f"127.0.0.1:{port}",
        "-f",
        str(VCL),
        "-p",
        f"vcl_path={work_dir}:{VCL.parent}",
        "-n",
        str(work_dir / "state"),
        "-j",
        "none",
        "-s",
        "malloc,256m",
        # Only what the app marks cacheable is cached: without Cache-Control, TTL 0.
        "-t",
        "0",
    ]
    pid = spawn(argv, log_path)
    wait_for_port(port, pid, log_path)
    return pid


def varnish_ban_all(work_dir: Path) -> None:
    """Empty the cache (used between measurements)."""
    varnishadm = shutil.which("varnishadm") or "/usr/bin/varnishadm"
    subprocess.run(
        [varnishadm, "-n", str(work_dir / "state"), "ban", "req.url", "~", "."],
        capture_output=True,
        check=True,
        timeout=30,
    )
