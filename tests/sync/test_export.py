"""Bulk data: a snapshot equal to the API, and a copy loaded from it then kept by the feed
ends equal to a fresh snapshot."""

import csv
import gzip
import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from events.sync.export import RESOURCES, export, snapshots
from tests import factories as f

from .mirror import _detail_url, _path, follow, full_pull
from .test_replay import scripted_edits

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(settings, tmp_path):
    settings.SITE_URL = "http://testserver"  # the test client's host: URLs compare equal
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings.EXPORT_DIR


def load(directory, manifest) -> dict[str, dict]:
    """A client loading a snapshot: every line of every file, keyed by its API path."""
    copy = {}
    for entry in manifest["files"]:
        if entry["format"] != "jsonl":
            continue
        raw = (directory / entry["file"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == entry["sha256"]
        assert len(raw) == entry["bytes"]
        lines = gzip.decompress(raw).decode().splitlines()
        assert len(lines) == entry["count"]
        for line in lines:
            row = json.loads(line)
            copy[_path(_detail_url(row))] = row
    return copy


def test_a_snapshot_holds_exactly_what_the_api_serves(api, crocus):
    result = export()
    copy = load(result.path, result.manifest)
    assert copy == full_pull(api)
    assert {f["resource"] for f in result.manifest["files"]} == {
        "events",
        "actors",
        "locations",
        "claims",
        "articles",
    }
    assert all(f["count"] > 0 for f in result.manifest["files"])


def test_load_the_snapshot_follow_the_feed_and_end_equal_to_a_fresh_one(
    api, crocus, django_user_model
):
    publisher = django_user_model.objects.create_superuser("pub", "p@example.org", "x")
    first = export()
    copy = load(first.path, first.manifest)
    assert first.manifest["changes"].endswith(f"/api/v1/changes/?after={first.manifest['cursor']}")

    scripted_edits(crocus, publisher)
    added = f.ActorFactory(name="Added after the snapshot")

    _, seen = follow(api, copy, first.manifest["cursor"])
    assert {c["action"] for c in seen} >= {"changed", "merged", "deleted"}
    fresh = export()
    expected = load(fresh.path, fresh.manifest)
    assert sorted(copy) == sorted(expected)
    assert [path for path in expected if copy[path] != expected[path]] == []
    assert reverse("api:actor-detail", kwargs={"slug": added.slug}) in copy


def test_the_latest_snapshot_is_listed_and_downloadable(api, crocus, site):
    assert api.get(reverse("api:exports")).json() == {"latest": None, "older": []}
    call_command("export", "--verbosity", "0")
    call_command("export", "--verbosity", "0", "--keep", "2")
    call_command("export", "--verbosity", "0", "--keep", "2")
    names = snapshots()
    assert len(names) == 2  # the oldest was removed

    listing = api.get(reverse("api:exports"))
    assert listing.status_code == 200
    body = listing.json()
    latest = body["latest"]
    assert latest["name"] == names[0] and body["older"] == names[1:]
    assert latest["format"] == "newsbase-export/1"
    manifest = api.get(_path(latest["manifest"]))
    assert manifest.status_code == 200 and manifest["Content-Type"] == "application/json"
    assert json.loads(b"".join(manifest.streaming_content))["cursor"] == latest["cursor"]
    for entry in latest["files"]:
        download = api.get(_path(entry["url"]))
        assert download.status_code == 200
        assert download["Content-Type"] == "application/gzip"
        assert "attachment" in download["Content-Disposition"]
        raw = b"".join(download.streaming_content)
        assert hashlib.sha256(raw).hexdigest() == entry["sha256"]
        if entry["format"] == "jsonl":
            assert len(gzip.decompress(raw).splitlines()) == entry["count"]
        else:
            rows = list(csv.DictReader(io.StringIO(gzip.decompress(raw).decode())))
            assert len(rows) == entry["count"]
    assert {(e["resource"], e["format"]) for e in latest["files"]} == {
        (resource, kind) for resource in RESOURCES for kind in ("jsonl", "csv")
    }


def test_the_csv_holds_the_same_objects_as_the_json_lines(crocus):
    result = export()
    for resource in RESOURCES:
        lines = gzip.decompress((result.path / f"{resource}.jsonl.gz").read_bytes())
        table = gzip.decompress((result.path / f"{resource}.csv.gz").read_bytes()).decode()
        objects = [json.loads(line) for line in lines.splitlines()]
        rows = list(csv.DictReader(io.StringIO(table)))
        assert len(rows) == len(objects) > 0
        for obj, row in zip(objects, rows, strict=True):
            assert list(row) == list(obj)
            for name, value in obj.items():
                if value is None:
                    assert row[name] == ""
                elif isinstance(value, str):
                    assert row[name] == value
                else:
                    assert json.loads(row[name]) == value


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/exports/20991231T000000000000Z/events.jsonl.gz",
        "/api/v1/exports/..%2F..%2Fsettings/manifest.json",
        "/api/v1/exports/{name}/..%2Fmanifest.json",
        "/api/v1/exports/{name}/secrets.txt",
    ],
)
def test_only_the_files_of_a_snapshot_are_served(api, crocus, path):
    call_command("export", "--verbosity", "0")
    response = api.get(path.format(name=snapshots()[0]), follow=True)  # "/" added: 301
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_the_command_reports_what_it_wrote(crocus, capsys):
    call_command("export", "--verbosity", "1")
    out = capsys.readouterr()
    assert "Exported " in out.out and " at cursor " in out.out
    assert out.out.count(" claims") == 1  # each resource once, not once per file
    written = Path(out.out.split(" to ", 1)[1].split(" at cursor ")[0])
    assert (written / "manifest.json").is_file()


def test_a_client_asking_for_gzip_gets_the_file_or_a_json_error(api, crocus):
    call_command("export", "--verbosity", "0")
    name = snapshots()[0]
    url = reverse("api:export-file", kwargs={"name": name, "file": "claims.jsonl.gz"})
    found = api.get(url, HTTP_ACCEPT="application/gzip")
    assert found.status_code == 200 and found["Content-Type"] == "application/gzip"
    missing = api.get(url.replace("claims", "rumours"), HTTP_ACCEPT="application/gzip")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    assert missing.json()["status"] == 404


def test_the_file_operation_offers_no_query_parameter_and_refuses_one(api, crocus):
    """The file is served as stored: ``?format=`` (which the schema once offered, as gz or
    json) is refused like any unknown parameter, and the schema offers none."""
    document = api.get(reverse("api:schema"), {"format": "json"}).json()
    operation = document["paths"]["/api/v1/exports/{name}/{file}"]["get"]
    assert {p["in"] for p in operation["parameters"]} == {"path"}
    call_command("export", "--verbosity", "0")
    url = reverse("api:export-file", kwargs={"name": snapshots()[0], "file": "claims.jsonl.gz"})
    assert api.get(url).status_code == 200
    for fmt in ("gz", "json"):
        response = api.get(url, {"format": fmt})
        assert response.status_code == 400
        assert "format" in response.json()["errors"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_batch_costs_the_same_queries_however_many_objects_it_holds(crocus, resource):
    """Objects are fetched a batch at a time, each batch's nested rows in one query per
    kind: the queries do not grow with the objects (the 1m-claim export depends on it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from events.sync.export import details

    with CaptureQueriesContext(connection) as whole:
        rows = list(details(resource, chunk=10_000))
    with CaptureQueriesContext(connection) as two:
        assert len(list(details(resource, chunk=max(1, len(rows) // 2 + 1)))) == len(rows)
    assert len(rows) > 3
    per_batch = len(whole)
    # locations look their ancestors up one place at a time (one query each, a few hundred
    # places at most); every other resource costs a fixed number of queries per batch.
    if resource != "locations":
        assert per_batch < 20, [q["sql"][:120] for q in whole.captured_queries]
        assert len(two) <= 2 * per_batch
