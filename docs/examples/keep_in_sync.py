"""Keep a copy of the newsbase API: load the latest snapshot, then follow the change feed,
then apply webhook deliveries as they arrive. Standard library only.

    python keep_in_sync.py https://news.example.org copy.json    # snapshot, then the feed
    python keep_in_sync.py https://news.example.org copy.json     # later: the feed from
                                                                  # the stored cursor

The copy is a JSON file: ``{"cursor": …, "objects": {api_url: detail}}``. Webhooks: give
:func:`apply_delivery` each POST your endpoint receives (after :func:`verify_delivery`);
tests/sync/test_keep_in_sync.py runs all three steps against a live server.
"""

import base64
import gzip
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.load(answer)


def key(detail: dict) -> str:
    """An object's API address: what feed entries and webhooks name in ``url``."""
    return detail.get("api_url") or detail["url"]


def load_snapshot(base: str) -> dict:
    """The latest snapshot as a copy: every object, and the cursor to follow the feed from."""
    latest = get_json(f"{base}/api/v1/exports/")["latest"]
    if latest is None:
        raise SystemExit("No snapshot yet: run `manage.py export` on the server.")
    objects = {}
    for entry in latest["files"]:
        if entry["format"] != "jsonl":  # the same objects as CSV, for spreadsheets
            continue
        with urllib.request.urlopen(entry["url"], timeout=300) as answer:
            raw = answer.read()
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            raise SystemExit(f"{entry['file']}: checksum mismatch, download it again.")
        for line in gzip.decompress(raw).splitlines():
            detail = json.loads(line)
            objects[key(detail)] = detail
    return {"cursor": latest["cursor"], "objects": objects}


def apply_change(copy: dict, change: dict) -> None:
    """One feed entry: fetch what changed (404: no longer public), drop what went."""
    if change["action"] != "changed":  # deleted, or merged into change["merged_into"]
        copy["objects"].pop(change["url"], None)
        return
    try:
        detail = get_json(change["url"])
    except urllib.error.HTTPError as error:
        if error.code != 404:
            raise
        copy["objects"].pop(change["url"], None)
    else:
        copy["objects"][change["url"]] = detail


def follow_feed(base: str, copy: dict) -> int:
    """Apply every change after the copy's cursor; how many were read."""
    read = 0
    while True:
        page = get_json(f"{base}/api/v1/changes/?after={copy['cursor']}&page_size=100")
        for change in page["results"]:
            apply_change(copy, change)
        read += len(page["results"])
        copy["cursor"] = page["cursor"]  # store it once the page is applied
        if not page["has_more"]:
            return read


def verify_delivery(secret: str, headers: dict, body: bytes, tolerance: int = 300) -> dict:
    """A webhook delivery checked as Standard Webhooks says; its parsed body."""
    signing_key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(signing_key, signed, hashlib.sha256).digest()).decode()
    given = [sig.split(",", 1)[1] for sig in headers["webhook-signature"].split()]
    if not any(hmac.compare_digest(expected, sig) for sig in given):
        raise ValueError("Bad signature: not from newsbase, or the secret is wrong.")
    if abs(time.time() - int(headers["webhook-timestamp"])) > tolerance:
        raise ValueError("Too old: a replayed delivery.")
    return json.loads(body)


def apply_delivery(copy: dict, delivery: dict, seen: set[str], delivery_id: str) -> None:
    """Apply a verified delivery once (``webhook-id`` is the same on every retry)."""
    if delivery_id in seen:
        return
    for change in delivery["changes"]:
        apply_change(copy, change)
    seen.add(delivery_id)


def main(base: str, path: str) -> None:
    store = Path(path)
    copy = json.loads(store.read_text()) if store.exists() else load_snapshot(base)
    read = follow_feed(base, copy)
    store.write_text(json.dumps(copy))
    print(f"{len(copy['objects'])} objects, {read} changes applied, cursor {copy['cursor']}")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2])
