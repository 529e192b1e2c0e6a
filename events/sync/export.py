"""Bulk data: a snapshot of every public resource, consistent with a change-feed cursor.

:func:`export` writes, under ``EXPORT_DIR/<name>/``, one gzipped JSON Lines file per
resource (``events.jsonl.gz``, …): each line is an object's detail exactly as
``/api/v1/<resource>/<id or slug>/`` serves it to an anonymous client, in the list's
order, and ``events.csv.gz``, … with the same objects as rows (the detail's fields as
columns, nested values as JSON, null as an empty cell). ``manifest.json`` beside them
gives, per file, its count, byte size and SHA-256, and the ``cursor`` of the change feed
the snapshot is consistent with: a client loads the files, then follows
``/api/v1/changes/?after=<cursor>`` and misses nothing (a change the snapshot already
holds may come round once more; fetching it again is harmless).

Consistency: everything is read in one transaction with one snapshot (REPEATABLE READ on
PostgreSQL; on SQLite a read transaction, which writers wait for), and the cursor is taken
inside it, where :func:`events.sync.feed.current_cursor` places it before every change
the snapshot may not hold.

The objects are rendered by the API's own views, called in-process without throttles
(and without middleware, so nothing is cached or counted), so the snapshot cannot drift
from what the API serves. A snapshot is written to a hidden directory and renamed into
place when complete, so ``/api/v1/exports/`` never lists a half-written one.
"""

import contextlib
import csv
import gzip
import hashlib
import io
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.test import RequestFactory  # builds the GET requests the API views answer
from django.urls import resolve, reverse
from django.utils import timezone

from events.cache.changes import announce_outside_write

from .feed import current_cursor

RESOURCES = ("events", "actors", "locations", "claims", "articles")
FORMAT = "newsbase-export/1"
NAME_RE = re.compile(r"^\d{8}T\d{6}\d{6}Z$")  # a snapshot's directory: its UTC time
FILE_RE = re.compile(r"^(?:[a-z]+\.(?:jsonl|csv)\.gz|manifest\.json)$")
PAGE_SIZE = 100


class ExportError(RuntimeError):
    pass


@dataclass
class _Api:
    """Calls the API's views in-process, as an anonymous client at ``SITE_URL``."""

    factory: RequestFactory
    host: str
    secure: bool

    @classmethod
    def at_site(cls) -> "_Api":
        site = urlsplit(settings.SITE_URL)
        return cls(RequestFactory(), site.netloc, site.scheme == "https")

    def get(self, url: str) -> dict:
        parts = urlsplit(url)
        match = resolve(parts.path)
        view = match.func
        # The same view class and routing arguments as the URLconf's, minus the throttles.
        unthrottled = view.cls.as_view(
            getattr(view, "actions", None), **getattr(view, "initkwargs", {}), throttle_classes=()
        )
        request = self.factory.get(
            parts.path, QUERY_STRING=parts.query, secure=self.secure, HTTP_HOST=self.host
        )
        response = unthrottled(request, *match.args, **match.kwargs)
        response.render()
        if response.status_code != 200:
            raise ExportError(f"GET {url} answered {response.status_code}: {response.content!r}")
        return json.loads(response.content)

    def details(self, resource: str) -> Iterator[dict]:
        """Every object of ``resource`` an anonymous client sees, as its detail."""
        url = reverse(f"api:{resource[:-1]}-list") + f"?page_size={PAGE_SIZE}"
        while url:
            page = self.get(url)
            for row in page["results"]:
                yield self.get(row.get("api_url") or row["url"])
            url = page["next"]


@dataclass
class ExportResult:
    path: Path
    manifest: dict


def _snapshot_isolation(outermost: bool) -> None:
    # Inside a caller's transaction (a test's) its isolation stands: it must be set first.
    if connection.vendor == "postgresql" and outermost:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def _cell(value) -> str:
    """A CSV cell: text as it is, null empty, anything else (numbers, nested objects) JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _write(lines: Path, table: Path, rows: Iterator[dict], progress: Callable[[], None]) -> int:
    """Each row as a JSON line, and as a CSV row (the columns are the first row's fields)."""
    count = 0
    with contextlib.ExitStack() as files:
        # mtime=0: the same rows give the same bytes (and checksum) whenever exported.
        jsonl, raw_csv = (
            files.enter_context(
                gzip.GzipFile(fileobj=files.enter_context(open(path, "wb")), mode="wb", mtime=0)
            )
            for path in (lines, table)
        )
        text = files.enter_context(io.TextIOWrapper(raw_csv, encoding="utf-8", newline=""))
        writer = None
        for row in rows:
            jsonl.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode())
            jsonl.write(b"\n")
            if writer is None:
                writer = csv.DictWriter(text, fieldnames=list(row), extrasaction="raise")
                writer.writeheader()
            writer.writerow({key: _cell(value) for key, value in row.items()})
            count += 1
            progress()
    return count


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export(
    *,
    directory: Path | None = None,
    keep: int = 3,
    progress: Callable[[str], Callable[[], None]] = lambda resource: lambda: None,
) -> ExportResult:
    """Write a snapshot; keep the newest ``keep`` snapshots and remove older ones.

    ``progress(resource)`` returns a function called once per object written.
    """
    directory = Path(directory or settings.EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    started = timezone.now()
    name = started.strftime("%Y%m%dT%H%M%S%fZ")
    work = directory / f".{name}.partial"
    work.mkdir()
    try:
        api = _Api.at_site()
        files = []
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            _snapshot_isolation(outermost)
            cursor = current_cursor()
            for resource in RESOURCES:
                lines, table = work / f"{resource}.jsonl.gz", work / f"{resource}.csv.gz"
                count = _write(lines, table, api.details(resource), progress(resource))
                files += [
                    {
                        "resource": resource,
                        "format": kind,
                        "file": path.name,
                        "count": count,
                        "bytes": path.stat().st_size,
                        "sha256": _sha256(path),
                    }
                    for kind, path in (("jsonl", lines), ("csv", table))
                ]
        manifest = {
            "format": FORMAT,
            "name": name,
            "created_at": started.isoformat().replace("+00:00", "Z"),
            "cursor": cursor,
            "changes": settings.SITE_URL + reverse("api:changes") + f"?after={cursor}",
            "files": files,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        os.replace(work, directory / name)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    for old in snapshots(directory)[keep:]:
        shutil.rmtree(directory / old, ignore_errors=True)
    # /api/v1/exports/ lists what is on disk, which no database write announced.
    announce_outside_write()
    return ExportResult(directory / name, manifest)


def snapshots(directory: Path | None = None) -> list[str]:
    """Names of the complete snapshots, newest first."""
    directory = Path(directory or settings.EXPORT_DIR)
    if not directory.is_dir():
        return []
    return sorted(
        (p.name for p in directory.iterdir() if p.is_dir() and NAME_RE.match(p.name)),
        reverse=True,
    )


def read_manifest(name: str, directory: Path | None = None) -> dict | None:
    directory = Path(directory or settings.EXPORT_DIR)
    if not NAME_RE.match(name):
        return None
    try:
        return json.loads((directory / name / "manifest.json").read_text())
    except (OSError, ValueError):
        return None


def newest_cursor(directory: Path | None = None) -> str | None:
    """The change-feed cursor of the newest snapshot (None: there is none)."""
    for name in snapshots(directory):
        manifest = read_manifest(name, directory)
        if manifest and "cursor" in manifest:
            return manifest["cursor"]
    return None


def export_file(name: str, file: str, directory: Path | None = None) -> Path | None:
    """The path of ``file`` in snapshot ``name``, or None (only names a snapshot lists)."""
    directory = Path(directory or settings.EXPORT_DIR)
    if not (NAME_RE.match(name) and FILE_RE.match(file)):
        return None
    path = directory / name / file
    return path if path.is_file() else None
