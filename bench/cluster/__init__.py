"""newsbase's production shape on one machine, on loopback (``make cluster``, ``bin/cluster``).

    Varnish (HTTP cache, purged by Surrogate-Key)  :http
      -> two gunicorn web replicas (production settings)  :web1 :web2
           -> PostgreSQL primary (writes, admin)  :primary
           -> PostgreSQL streaming replica (public reads, newsbase/replicas.py)  :replica
           -> Redis (shared cache: throttles, sessions-free)  :redis

Everything lives under one directory (``CLUSTER_DIR``, default /tmp/newsbase-cluster):
data directories, logs, the Varnish work directory and ``state.json`` with the ports and
process ids, so ``bin/cluster stop`` and the fault suite find what ``start`` made.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import postgres, services

DEFAULT_DIR = Path(os.environ.get("CLUSTER_DIR", "/tmp/newsbase-cluster"))
DATABASE = "newsbase"
WEB_REPLICAS = 2


@dataclass
class State:
    ports: dict[str, int] = field(default_factory=dict)
    pids: dict[str, int] = field(default_factory=dict)
    secret_key: str = ""
    durable: bool = True


class Cluster:
    def __init__(self, root: Path = DEFAULT_DIR, *, durable: bool = True, extra_env=None):
        self.root = Path(root)
        self.state_path = self.root / "state.json"
        self.state = self._load() or State(durable=durable)
        self.extra_env = dict(extra_env or {})

    # --- state ----------------------------------------------------------------------------
    def _load(self) -> State | None:
        if not self.state_path.exists():
            return None
        return State(**json.loads(self.state_path.read_text()))

    def _save(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.state_path.write_text(json.dumps(asdict(self.state), indent=2))

    def port(self, name: str) -> int:
        if name not in self.state.ports:
            taken = set(self.state.ports.values())
            port = services.free_port()
            while port in taken:
                port = services.free_port()
            self.state.ports[name] = port
            self._save()
        return self.state.ports[name]

    def log(self, name: str) -> Path:
        return self.root / f"{name}.log"

    # --- the nodes ------------------------------------------------------------------------
    @property
    def primary(self) -> postgres.Node:
        pg = self.root / "pg"
        return postgres.Node("primary", pg / "primary", self.port("primary"), pg / "primary.log")

    @property
    def replica(self) -> postgres.Node:
        pg = self.root / "pg"
        return postgres.Node("replica", pg / "replica", self.port("replica"), pg / "replica.log")

    @property
    def web_names(self) -> list[str]:
        return [f"web{i + 1}" for i in range(WEB_REPLICAS)]

    @property
    def url(self) -> str:
        """Where readers go: the HTTP cache."""
        return f"http://127.0.0.1:{self.port('http')}"

    def web_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port(name)}"

    def database_url(self, node: str = "primary") -> str:
        return getattr(self, node).url(DATABASE)

    def web_environment(self) -> dict[str, str]:
        """Production settings, plain HTTP on loopback (TLS would end in front of Varnish)."""
        if not self.state.secret_key:
            self.state.secret_key = secrets.token_urlsafe(50)
            self._save()
        environ = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG"} and not key.startswith("SECURE_")
        }
        environ.update(
            DJANGO_SETTINGS_MODULE="newsbase.settings.prod",
            SECRET_KEY=self.state.secret_key,
            DEBUG="false",
            ALLOWED_HOSTS="localhost,127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            CSRF_TRUSTED_ORIGINS=f"{self.url},http://localhost:{self.port('http')}",
            DATABASE_URL=self.database_url("primary"),
            DATABASE_REPLICA_URL=self.database_url("replica"),
            REDIS_URL=f"redis://127.0.0.1:{self.port('redis')}/0",
            HTTP_CACHE_PURGE_URLS=self.url + "/",
            # Loopback load comes from one address: throttles as high as the bench's.
            API_THROTTLE_ANON="1000000/minute",
            API_THROTTLE_USER="1000000/minute",
            PAGE_THROTTLE="1000000/minute",
            SEARCH_THROTTLE="1000000/minute",
            API_NUM_PROXIES="1",
            MAP_TILE_URL="",
            WIKIDATA_API_URL="",
            LOG_LEVEL="WARNING",
        )
        environ.update(self.extra_env)
        return environ

    # --- start / stop ---------------------------------------------------------------------
    def start(self, *, load_record: bool = True, say=print) -> None:
        self.start_postgres(say=say)
        self.start_redis()
        if load_record:
            say("migrate, load_crocus, collectstatic (the web service's start sequence)")
            self.manage("migrate", "--noinput")
            self.manage("load_crocus")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        environ = self.web_environment()
        for name in self.web_names:
            self.start_web(name, environ)
        self.start_varnish()
        say(f"cluster up in {self.root}")

    def start_postgres(self, *, populate=None, say=print) -> None:
        """Start (creating them the first time) the primary and its replica; ``populate``
        is called with the cluster between creating the primary and copying it."""
        durable = self.state.durable
        primary, replica = self.primary, self.replica
        if not (primary.data_dir / "PG_VERSION").exists():
            say(f"PostgreSQL primary: initdb on port {primary.port}")
            postgres.create_primary(primary.data_dir.parent, primary.port, durable=durable)
            primary.query(f'CREATE DATABASE "{DATABASE}"')
            if populate is not None:
                populate(self)
        elif not primary.running():
            primary.start()
        if not (replica.data_dir / "PG_VERSION").exists():
            say(f"PostgreSQL replica: pg_basebackup to port {replica.port}")
            postgres.create_replica(
                primary, replica.data_dir.parent, replica.port, durable=durable
            )
        elif not replica.running():
            replica.start()

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=services.ROOT,
            env=self.web_environment(),
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def start_redis(self) -> None:
        if not services.alive(self.state.pids.get("redis")):
            self.state.pids["redis"] = services.start_redis(self.port("redis"), self.log("redis"))
            self._save()

    def stop_redis(self) -> None:
        services.kill_group(self.state.pids.pop("redis", None), signal.SIGKILL)
        self._save()

    def start_web(self, name: str, environ: dict | None = None) -> None:
        if not services.alive(self.state.pids.get(name)):
            environ = environ or self.web_environment()
            pid = services.start_web(self.port(name), environ, self.log(name))
            self.state.pids[name] = pid
            self._save()

    def kill_web(self, name: str, sig: int = signal.SIGKILL) -> None:
        services.kill_group(self.state.pids.pop(name, None), sig)
        self._save()

    def start_varnish(self) -> None:
        if not services.alive(self.state.pids.get("varnish")):
            ports = [self.port(name) for name in self.web_names]
            self.state.pids["varnish"] = services.start_varnish(
                self.port("http"), self.root / "varnish", ports, self.log("varnish")
            )
            self._save()
            services.wait_for_http(
                self.url + "/livez", self.state.pids["varnish"], self.log("varnish")
            )

    def stop(self, say=print) -> None:
        for name in ["varnish", *self.web_names, "redis"]:
            services.kill_group(self.state.pids.pop(name, None))
        self._save()
        for node in (self.replica, self.primary):
            if node.running():
                node.stop()
        say("cluster stopped")

    def destroy(self, say=print) -> None:
        import shutil

        self.stop(say=lambda *_: None)
        shutil.rmtree(self.root, ignore_errors=True)
        say(f"removed {self.root}")

    def status(self) -> dict[str, str]:
        report = {}
        for node in (self.primary, self.replica):
            report[f"postgres {node.name}"] = (
                f"{'up' if node.running() else 'down'} on port {node.port}"
            )
        for name in ["redis", *self.web_names, "varnish"]:
            pid = self.state.pids.get(name)
            state = "up" if services.alive(pid) else "down"
            port = self.state.ports.get("http" if name == "varnish" else name)
            report[name] = f"{state} on port {port} (pid {pid})"
        return report
