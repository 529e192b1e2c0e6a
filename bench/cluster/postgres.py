"""PostgreSQL clusters on loopback: a primary and a streaming replica made with pg_basebackup.

Both are real clusters of the machine's PostgreSQL binaries (``initdb``, ``pg_ctl``,
``pg_basebackup``), each in its own data directory on its own port, reached over TCP only
(no Unix sockets, so nothing collides with the machine's own server). The primary is
created here rather than borrowed from the machine's server because the fault suite stops
and restarts it and terminates its connections; doing that to a shared server would break
everyone else using it.

When run as root, PostgreSQL's programs run as the ``postgres`` user (the server refuses to
run as root), so the data directories are made and owned by that user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

SLOT = "newsbase_replica"
HBA = """\
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
"""


class PostgresMissing(RuntimeError):
    """The PostgreSQL server programs (initdb, pg_ctl, pg_basebackup) are not installed."""


def bin_dir() -> Path:
    """The newest installed PostgreSQL's bin directory (Debian keeps them versioned)."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True):
        if all((Path(candidate) / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(candidate)
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl") and shutil.which("pg_basebackup"):
        return Path(found).resolve().parent
    raise PostgresMissing(
        "PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup) are not installed; "
        "on Debian: apt-get install -y postgresql"
    )


def _version(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in Path(path).parent.name.split(".") if part.isdigit())


def _as_postgres() -> list[str]:
    """Command prefix that runs a program as the postgres user when we are root."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _run(argv: list[str], timeout: float = 300) -> subprocess.CompletedProcess:
    """Run a PostgreSQL program; a failure raises with what it printed."""
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} exited with {result.returncode}:\n{result.stdout}{result.stderr}"
        )
    return result


def _chown_to_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(path, user.pw_uid, user.pw_gid)


@dataclass
class Node:
    """One PostgreSQL cluster: its data directory, its port and its log."""

    name: str
    data_dir: Path
    port: int
    log_path: Path
    bin: Path = field(default_factory=bin_dir)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres", timeout: int = 3):
        connection = psycopg2.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname=database,
            connect_timeout=timeout,
        )
        connection.autocommit = True
        return connection

    def query(self, sql: str, database: str = "postgres", params: tuple = ()) -> list[tuple]:
        connection = self.connect(database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        argv = [*_as_postgres(), str(self.bin / "pg_ctl"), "-D", str(self.data_dir), *args]
        if check:
            return _run(argv, timeout=120)
        return subprocess.run(argv, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        self.pg_ctl("start", "-w", "-t", "60", "-l", str(self.log_path))

    def stop(self, mode: str = "fast") -> None:
        if self.running():
            self.pg_ctl("stop", "-w", "-t", "60", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        self.pg_ctl("restart", "-w", "-t", "60", "-m", mode, "-l", str(self.log_path))

    def running(self) -> bool:
        if not (self.data_dir / "PG_VERSION").exists():
            return False
        return self.pg_ctl("status", check=False).returncode == 0

    def configure(self, settings: dict[str, str | int]) -> None:
        """Append settings to postgresql.auto.conf (later lines win)."""
        lines = "".join(f"{key} = '{value}'\n" for key, value in settings.items())
        with (self.data_dir / "postgresql.auto.conf").open("a") as conf:
            conf.write(lines)


def server_settings(port: int, *, durable: bool) -> dict[str, str | int]:
    """Settings for both nodes; ``durable=False`` (test fixtures) trades crash safety for
    speed, which a throw-away cluster does not need."""
    settings: dict[str, str | int] = {
        "port": port,
        "listen_addresses": "127.0.0.1",
        "unix_socket_directories": "",
        "wal_level": "replica",
        "max_wal_senders": 5,
        "max_replication_slots": 5,
        "hot_standby": "on",
        # Long public reads on the replica are not cancelled by the primary's vacuum.
        "hot_standby_feedback": "on",
        "max_connections": 80,
        "shared_buffers": "64MB",
        "random_page_cost": 1.1,
        "log_line_prefix": "%m [%p] %u@%d ",
    }
    if not durable:
        settings.update(fsync="off", full_page_writes="off", synchronous_commit="off")
    return settings


def create_primary(root: Path, port: int, *, durable: bool = True) -> Node:
    """initdb a new cluster under ``root`` and start it."""
    node = Node("primary", root / "primary", port, root / "primary.log")
    root.mkdir(parents=True, exist_ok=True)
    for directory in (root, *root.parents):  # the postgres user must reach its data
        if directory == Path("/tmp") or directory == Path("/"):
            break
        directory.chmod(directory.stat().st_mode | 0o711)
    _chown_to_postgres(root)
    _run(
        [
            *_as_postgres(),
            str(node.bin / "initdb"),
            "-D",
            str(node.data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            *(["--no-sync"] if not durable else []),
        ],
        timeout=120,
    )
    (node.data_dir / "pg_hba.conf").write_text(HBA)
    node.configure(server_settings(port, durable=durable))
    _chown_to_postgres(node.data_dir / "pg_hba.conf")
    node.start()
    return node


def create_replica(primary: Node, root: Path, port: int, *, durable: bool = True) -> Node:
    """pg_basebackup the primary into a new standby (streaming, with a replication slot
    so the primary keeps the WAL a stopped replica still needs) and start it."""
    node = Node("replica", root / "replica", port, root / "replica.log", primary.bin)
    primary.query(
        "SELECT pg_create_physical_replication_slot(%s) "
        "WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = %s)",
        params=(SLOT, SLOT),
    )
    _run(
        [
            *_as_postgres(),
            str(primary.bin / "pg_basebackup"),
            "--host=127.0.0.1",
            f"--port={primary.port}",
            "--username=postgres",
            f"--pgdata={node.data_dir}",
            "--wal-method=stream",
            "--write-recovery-conf",
            f"--slot={SLOT}",
            "--checkpoint=fast",
            *(["--no-sync"] if not durable else []),
        ],
        timeout=300,
    )
    node.configure({"port": port})
    node.start()
    return node


def replication_state(primary: Node, replica: Node) -> dict:
    """What the replica has received and replayed, against the primary's WAL position."""
    (current,) = primary.query("SELECT pg_current_wal_insert_lsn()::text")[0]
    received, replayed, lag_bytes, delay = replica.query(
        "SELECT pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text, "
        "pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()), "
        "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())",
        params=(current,),
    )[0]
    return {
        "primary_lsn": current,
        "received_lsn": received,
        "replayed_lsn": replayed,
        "lag_bytes": int(lag_bytes or 0),
        "seconds_since_last_replayed_commit": float(delay) if delay is not None else None,
    }


def wait_for_replay(primary: Node, replica: Node, timeout: float = 30) -> float:
    """Block until the replica has replayed everything the primary has written; seconds taken."""
    (target,) = primary.query("SELECT pg_current_wal_insert_lsn()::text")[0]
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        (caught_up,) = replica.query(
            "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", params=(target,)
        )[0]
        if caught_up:
            return time.monotonic() - started
        time.sleep(0.02)
    raise TimeoutError(f"the replica did not replay up to {target} within {timeout}s")
