"""The bytes floor: a bare WSGI app returning an endpoint's exact response from memory.

``GET /bytes/<endpoint-name>`` answers with the body (and Content-Type) our app gave for
that endpoint, which the harness saved in ``BENCH_BYTES_DIR`` before loading it; each worker
reads a file once and keeps it. Under the same gunicorn settings as the app, it is the
least any Python server can spend to send those bytes: the floor for a warm cache.
"""

import os
from pathlib import Path

_bodies: dict[str, tuple[bytes, str]] = {}


def _load(name: str) -> tuple[bytes, str] | None:
    if name not in _bodies:
        folder = Path(os.environ["BENCH_BYTES_DIR"])
        body, kind = folder / f"{name}.body", folder / f"{name}.type"
        if not body.exists():
            return None
        _bodies[name] = (body.read_bytes(), kind.read_text())
    return _bodies[name]


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/bytes/health":
        found = (b'{"status": "ok"}', "application/json")
    else:
        found = _load(path.removeprefix("/bytes/").strip("/"))
    if found is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"no such body"]
    body, content_type = found
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]
