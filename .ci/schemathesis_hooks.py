"""schemathesis hooks for .ci/run: real values where validity depends on data or the day.

The OpenAPI document states every rule it can (enums, patterns, lengths, ranges, the names
fields= and omit= take). What it cannot state (docs/api.md, "What the schema cannot say"):
a filter slug must name an object the client can see; a cursor is valid only as the API
issued it for that list and ordering; as_of must not be after today; bbox's southern edge
must not lie north of its northern one; ordering=relevance needs q. So that
positive_data_acceptance can run, a request schemathesis generated as valid gets, before it
is sent, values that meet those rules too, taken from the served API itself: the slugs its
lists show (fetched once), a cursor it issued for that list and ordering. Requests
generated as invalid are sent as generated, for negative_data_rejection.

A replaced value is chosen from the generated one (a stable hash), so a run stays
reproducible from its seed. Loaded by .ci/schemathesis.toml (``hooks``).
"""

import datetime as dt
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
import zlib

import schemathesis

#: Slug filters and the list whose objects they name.
SLUG_FILTERS = {
    "location": "locations",
    "within": "locations",
    "actor": "actors",
    "speaker": "actors",
    "parent": "events",
    "event": "events",
}
RELEVANCE = "relevance"

_lock = threading.Lock()
_slugs: dict[tuple[str, str], list[str]] = {}
_cursors: dict[tuple[str, ...], str] = {}


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def _pick(options: list[str], generated: str) -> str:
    return options[zlib.crc32(generated.encode("utf-8", "surrogatepass")) % len(options)]


def _slugs_of(base: str, resource: str) -> list[str]:
    """Every slug the list shows an anonymous client (a few pages at most)."""
    with _lock:
        if (base, resource) not in _slugs:
            found, url = [], f"{base}/api/v1/{resource}/?page_size=100&fields=slug"
            while url and len(found) < 1000:
                page = _get(url)
                found += [row["slug"] for row in page["results"]]
                url = page["next"]
            _slugs[base, resource] = found
        return _slugs[base, resource]


def _cursor_for(base: str, path: str, query: dict) -> str:
    """A cursor the API issued for this list and ordering ("": the first page, when the
    list has no second page to point at)."""
    params = {"page_size": "1"}
    for name in ("ordering", "q"):
        if isinstance(query.get(name), str):
            params[name] = query[name]
    key = (base, path, *sorted(params.items()))
    with _lock:
        if key not in _cursors:
            try:
                page = _get(f"{base}{path}?{urllib.parse.urlencode(params)}")
            except urllib.error.HTTPError:  # refused for another reason: the first page
                page = {}
            _cursors[key] = page.get("next_cursor") or ""
        return _cursors[key]


def _searching(query: dict) -> bool:
    q = query.get("q")
    return isinstance(q, str) and bool(q.strip())


def real_values(base: str, path: str, query: dict) -> None:
    """Give ``query`` (a valid one for the operation at ``path``) the values its data and
    the day make valid, in place. tests/api/test_schemathesis_hooks.py runs it."""
    for name, resource in SLUG_FILTERS.items():
        value = query.get(name)
        if isinstance(value, str):
            slugs = _slugs_of(base, resource)
            if slugs:
                query[name] = _pick(slugs, value)
    ordering = query.get("ordering")
    if isinstance(ordering, str) and ordering.lstrip("-") == RELEVANCE and not _searching(query):
        del query["ordering"]  # relevance orders search results only
    if isinstance(query.get("cursor"), str) and query["cursor"]:
        query["cursor"] = _cursor_for(base, path.replace(".geojson", "/"), query)
    as_of = query.get("as_of")
    today = dt.datetime.now(dt.UTC).date()
    if isinstance(as_of, str) and as_of[:10] > today.isoformat():
        query["as_of"] = today.isoformat()
    bbox = query.get("bbox")
    if isinstance(bbox, str) and bbox.count(",") == 3:
        min_lon, min_lat, max_lon, max_lat = bbox.split(",")
        if float(min_lat) > float(max_lat):
            query["bbox"] = ",".join([min_lon, max_lat, max_lon, min_lat])


@schemathesis.hook
def before_call(context, case, kwargs):
    """A request generated as valid gets :func:`real_values`; any other is sent as is."""
    meta, query = case.meta, case.query
    if meta is None or not meta.generation.mode.is_positive or not isinstance(query, dict):
        return
    real_values(case.operation.schema.get_base_url(), case.operation.path, query)
