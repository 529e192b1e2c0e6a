"""The restore drill: a back-up is only one if it restores.

Dump the live database (pg_dump, custom format: bench/cluster/backup.py, the procedure in
docs/reliability.md), restore it into a fresh database, serve both, and walk the whole
public API on each: every list page of every resource and every item's detail must be
answered identically (addresses aside, which name the server).
"""

import pytest
import requests

from bench.cluster import backup

pytestmark = pytest.mark.cluster

RESOURCES = ["events", "actors", "locations", "claims", "articles", "deleted"]


def walk(base: str) -> dict[str, object]:
    """Every public API document reachable from the resource lists, by path."""
    seen: dict[str, object] = {}
    with requests.Session() as session:

        def fetch(url: str):
            response = session.get(url, timeout=60)
            assert response.status_code == 200, (url, response.status_code)
            body = response.json()
            seen[url.removeprefix(base)] = body
            return body

        for resource in RESOURCES:
            url = f"{base}/api/v1/{resource}/?page_size=50"
            while url:
                page = fetch(url)
                for item in page["results"]:
                    # An article's "url" is its source's address; its own is "api_url".
                    detail = item.get("api_url") or item.get("url")
                    if detail.startswith(f"{base}/api/"):
                        fetch(detail)
                url = page["next"]
    return seen


def without_host(document, base: str):
    if isinstance(document, dict):
        return {key: without_host(value, base) for key, value in document.items()}
    if isinstance(document, list):
        return [without_host(value, base) for value in document]
    if isinstance(document, str):
        return document.replace(base, "")
    return document


def test_a_dump_restored_into_a_fresh_database_serves_the_same_api(stack, tmp_path):
    live_url = stack.cluster.database_url("primary")
    restored_url = live_url.rsplit("/", 1)[0] + "/newsbase_restored"
    stack.primary.query('DROP DATABASE IF EXISTS "newsbase_restored"')
    stack.primary.query('CREATE DATABASE "newsbase_restored"')

    dump_file = backup.dump(live_url, tmp_path / "newsbase.dump")
    assert dump_file.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    backup.restore(dump_file, restored_url)

    live = stack.server("web-live", max_lag=600)
    restored = stack.server("web-restored", max_lag=600, database="newsbase_restored")
    live_documents = walk(live)
    restored_documents = walk(restored)

    counts = dict.fromkeys(RESOURCES, 0)
    for path in live_documents:
        for resource in RESOURCES:
            if path.startswith(f"/api/v1/{resource}/") and "?" not in path:
                counts[resource] += 1
    # The drill covers real data: the Crocus record's events, actors, places, claims, sources.
    assert all(counts[r] > 0 for r in ["events", "actors", "locations", "claims", "articles"])
    assert sorted(live_documents) == sorted(restored_documents)
    for path, document in live_documents.items():
        assert without_host(document, live) == without_host(restored_documents[path], restored), (
            path
        )
