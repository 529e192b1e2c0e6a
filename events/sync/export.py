"""Bulk data: a snapshot of every public resource, consistent with a change-feed cursor.

:func:`export` writes, under ``EXPORT_DIR/<name>/``, one gzipped JSON Lines file per
resource (``events.jsonl.gz``, …): each line is an object's detail exactly as
``/api/v1/<resource>/<id or slug>/`` serves it to an anonymous client, in id order,
and ``events.csv.gz``, … with the same objects as rows (the detail's fields as
columns, nested values as JSON, null as an empty cell). ``manifest.json`` beside them
gives, per file, its count, byte size and SHA-256, and the ``cursor`` of the change feed
the snapshot is consistent with: a client loads the files, then follows
``/api/v1/changes/?after=<cursor>`` and misses nothing (a change the snapshot already
holds may come round once more; fetching it again is harmless).

Consistency: everything is read in one transaction with one snapshot (REPEATABLE READ on
PostgreSQL; on SQLite a read transaction, which writers wait for), and the cursor is taken
inside it, where :func:`events.sync.feed.current_cursor` places it before every change
the snapshot may not hold.

The objects are fetched by the read layer's detail plans (the ones the API's detail views
use) a batch at a time, each batch's nested rows in one query per kind, and rendered by
the API's own functions (events/api/render.py), so the snapshot cannot drift from what the
API serves (tests/sync/test_export.py compares them) and a million claims export in
minutes (23 for the 1m data set, docs/performance.md), not in a million requests. A
snapshot is written to a hidden directory and renamed into place when complete, so
``/api/v1/exports/`` never lists a half-written one.
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

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

from events.api import render
from events.cache.changes import announce_outside_write
from events.reads import actors as actor_reads
from events.reads import articles as article_reads
from events.reads import claims as claim_reads
from events.reads import events as event_reads
from events.reads import locations as location_reads

from .feed import current_cursor

RESOURCES = ("events", "actors", "locations", "claims", "articles")
FORMAT = "newsbase-export/1"
NAME_RE = re.compile(r"^\d{8}T\d{6}\d{6}Z$")  # a snapshot's directory: its UTC time
FILE_RE = re.compile(r"^(?:[a-z]+\.(?:jsonl|csv)\.gz|manifest\.json)$")
CHUNK = 500  # objects fetched and rendered together


# Each resource's detail, as the API builds it: the read layer's detail rows
# (``details_queryset``), finished for a whole batch at once, and the renderer.
def _finish_events(rows, user) -> None:
    event_reads.fetch_details(rows, user, parts=API_EVENT_PARTS)


def _finish_locations(rows, user) -> None:
    for location in rows:
        location_reads.finish_details(location, user)


PLANS = {
    "events": (event_reads.details_queryset, _finish_events, render.event_detail),
    "actors": (
        actor_reads.details_queryset,
        lambda rows, user: actor_reads.empty_parts(rows),
        render.actor_detail,
    ),
    "locations": (location_reads.details_queryset, _finish_locations, render.location_detail),
    "claims": (claim_reads.details_queryset, claim_reads.fetch_details, render.claim_detail),
    "articles": (article_reads.details_queryset, lambda rows, user: None, render.article_detail),
}
API_EVENT_PARTS = event_reads.EVENT_PARTS - {"grandchildren"}  # the page's timeline only


def details(resource: str, *, chunk: int = CHUNK) -> Iterator[dict]:
    """Every object of ``resource`` an anonymous client sees, as its API detail, in id
    order: fetched ``chunk`` objects at a time, each batch's nested rows in one query per
    kind, and rendered by the API's own functions (events/api/render)."""
    rows_of, finish, render_detail = PLANS[resource]
    user = AnonymousUser()
    context = render.Context(root=settings.SITE_URL)
    queryset = rows_of(user)
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        rows = list(queryset.filter(pk__in=ids[start : start + chunk]).order_by("pk"))
        finish(rows, user)
        for row in rows:
            yield render_detail(row, context)


@dataclass
class ExportResult:
    path: Path
    manifest: dict


def _snapshot_isolation(outermost: bool) -> None:
    # Inside a caller's transaction (a test's) its isolation stands: it must be set first.
    if connection.vendor == "postgresql" and outermost:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def _json(value) -> str:
    """Compact JSON, encoded as the API's renderer encodes it (DRF's encoder: coordinates
    are Decimals, written as numbers)."""
    return json.dumps(value, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":"))


def _cell(value) -> str:
    """A CSV cell: text as it is, null empty, anything else (numbers, nested objects) JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return _json(value)


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
            jsonl.write(_json(row).encode())
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
        files = []
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            _snapshot_isolation(outermost)
            cursor = current_cursor()
            for resource in RESOURCES:
                lines, table = work / f"{resource}.jsonl.gz", work / f"{resource}.csv.gz"
                count = _write(lines, table, details(resource), progress(resource))
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
