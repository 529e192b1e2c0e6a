"""A client that keeps a copy of the public API: a full pull, then the change feed.

It only speaks HTTP through the test client (DRF's APIClient), as a real client would.
"""

from urllib.parse import urlsplit

from django.urls import reverse

RESOURCES = ("events", "actors", "locations", "claims", "articles")


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _detail_url(row: dict) -> str:
    return row.get("api_url") or row["url"]


def full_pull(api) -> dict[str, dict]:
    """Every public object's detail, keyed by its API URL path."""
    copy = {}
    for resource in RESOURCES:
        url = reverse(f"api:{resource[:-1]}-list") + "?page_size=100"
        while url:
            page = api.get(url)
            assert page.status_code == 200, page.content
            body = page.json()
            for row in body["results"]:
                path = _path(_detail_url(row))
                detail = api.get(path)
                assert detail.status_code == 200, (path, detail.content)
                copy[path] = detail.json()
            url = body["next"] and _path(body["next"])
    return copy


def feed_cursor(api) -> str:
    """Read the feed to its end now; the cursor to follow it from."""
    cursor = "0-0"
    while True:
        body = api.get(reverse("api:changes"), {"after": cursor, "page_size": 100}).json()
        cursor = body["cursor"]
        if not body["has_more"]:
            return cursor


def follow(api, copy: dict, cursor: str) -> tuple[str, list[dict]]:
    """Apply every change after ``cursor`` to ``copy``; the new cursor and what was read."""
    seen = []
    while True:
        response = api.get(reverse("api:changes"), {"after": cursor, "page_size": 100})
        assert response.status_code == 200, response.content
        body = response.json()
        for change in body["results"]:
            seen.append(change)
            path = _path(change["url"])
            if change["action"] != "changed":
                copy.pop(path, None)
                continue
            detail = api.get(path)
            if detail.status_code == 200:
                copy[path] = detail.json()
            else:
                copy.pop(path, None)
        cursor = body["cursor"]
        if not body["has_more"]:
            return cursor, seen
