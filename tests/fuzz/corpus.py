"""The fuzz corpus: hostile and malformed inputs for the API, the reader pages and the admin.

Built deterministically (a fixed seed), so a failure names a query that fails every time.
``api_queries()`` gives (path, raw query string) pairs, already percent-encoded the way a
client would send them (``%00``, ``%ED%A0%80``, ``%FF``… reach Django as bytes); the admin's
posts are in tests/fuzz/test_admin_posts.py, next to the forms they attack.

``make test`` runs a deterministic sample of each corpus (``sample``: the first value of
every parameter or field and a few more drawn with the fixed seed), so the suite stays
quick; ``make fuzz`` (``FUZZ=full``) runs every case.
"""

import base64
import json
import os
import random
from urllib.parse import quote

SEED = 20261127
FULL = os.environ.get("FUZZ", "") == "full"
PER_GROUP = 3  # cases kept per parameter (or admin field) when sampling


def sample(cases: list, group) -> list:
    """Every case under ``FUZZ=full``; else, per group (``group(case)``: a parameter, a
    field), its first case and up to ``PER_GROUP - 1`` more chosen with the fixed seed.
    The same cases every run, in corpus order."""
    if FULL:
        return list(cases)
    groups: dict = {}
    for index, case in enumerate(cases):
        groups.setdefault(group(case), []).append(index)
    rng = random.Random(SEED)
    kept = set()
    for first, *rest in groups.values():
        kept |= {first, *rng.sample(rest, min(PER_GROUP - 1, len(rest)))}
    return [cases[index] for index in sorted(kept)]


def query_group(case: tuple[str, str]) -> tuple[str, str]:
    """An API or page query's group for ``sample``: its path and its first parameter."""
    path, query = case
    return path, query.split("=", 1)[0][:50]


# --- values ----------------------------------------------------------------------------------

NUMBERS = [
    "9" * 400,
    "1e309",
    "-1",
    "0",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "1.5",
    "0x10",
    "١٢",  # Arabic-Indic digits: int() accepts them
    "+5",
    " 7 ",
]
NON_TEXT = [
    "%00",
    "a%00b",
    "%ED%A0%80",  # a UTF-16 surrogate encoded as UTF-8 (invalid UTF-8)
    "%ED%BF%BF",
    "%FF",
    "%C3%28",
    "%80abc",
    "%F4%90%80%80",  # beyond U+10FFFF
    "%E2%80%AE",  # right-to-left override
    "%EF%BB%BF",  # BOM
]
INJECTION = [
    "' OR 1=1--",
    '"; DROP TABLE events_event;--',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{7*7}}",
    "${7*7}",
    "../../etc/passwd",
    "\\",
    "%",
    "%%",
    "_",
    "*",
    "(",
    "!",
    "&",
    "|",
    ":*",
    "<->",
    "a & !b | (c <-> d)",
    "'",
    "''",
    "\\x00",
    "null",
    "None",
    "[]",
    "{}",
    "true",
]
FLOATS = ["NaN", "nan", "inf", "-inf", "Infinity", "-0", "1e-400", "1e999"]
DATES = [
    "9999-12-31",
    "0001-01-01",
    "1899-12-31",
    "2101-01-01",
    "2024-02-30",
    "2024-13-01",
    "99999-01-01",
    "-2024-01-01",
    "0000-00-00",
    "2024-03-23T25:00",
    "2024-03-23T00:00:00+99:00",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00+05:00",
    "2024-03-23T00:00:00-23:59",
    "1900-01-01T00:00:00+14:00",
    "2024-W12-5",
    "20240323",
    "yesterday",
]
BBOXES = [
    "nan,nan,nan,nan",
    "inf,0,0,0",
    "-inf,-inf,inf,inf",
    "1e999,0,0,0",
    "0,0,0",
    "0,0,0,0,0",
    "181,0,0,0",
    "1,2,3,x",
    ",,,",
    "-180,-90,180,90",
    "180,90,-180,-90",
    "0x1,0,0,0",
    "1_0,0,0,0",
]
LONG = ["a" * 10_000, "a," * 3_000, "x." * 2_000, "%00" * 500, "-" * 200]


def _b64(payload) -> str:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return quote(base64.urlsafe_b64encode(raw).decode())


def cursors() -> list[str]:
    """Malformed cursors, and well-formed ones with tampered values."""
    out = ["!!!", "====", "a", quote("ü"), _b64(b"not json"), _b64(b"\xff\xfe"), _b64([1, 2])]
    orderings = ["name,id", "-start,-id", "made_at,id", "-published_on,-id", "x,id", ""]
    values = [
        ["a\u0000", "1"],
        ["a\ud800", "1"],
        ["a", "99999999999999999999999"],
        ["a", "-1"],
        ["9999-12-31T23:59:59+00:00", "1"],
        ["0001-01-01T00:00:00+05:00", "1"],
        ["NaN", "1"],
        [None, "1"],
        [["nested"], "1"],
        [{"o": 1}, "1"],
        ["a"],
        ["a", "1", "2"],
        "a",
    ]
    for ordering in orderings:
        for value in values:
            for reverse in (0, 2) if value != values[0] else (0, 1, 2, "x"):
                out.append(_b64({"o": ordering, "v": value, "r": reverse}))
    out += [_b64({"v": ["a", "1"], "r": 0}), _b64({"o": "name,id"}), _b64([])]
    # the sync feed's own cursor: [time, kind, id]
    for entry in (
        ["9999-12-31T23:59:59+00:00", "actor", 1],
        ["2024-01-01T00:00:00+00:00", "actor", 10**30],
        ["2024-01-01T00:00:00+00:00", ["actor"], 1],
        ["2024-01-01T00:00:00", "actor", 1],
        ["x", "actor", 1],
        ["2024-01-01T00:00:00+00:00", "actor\u0000", 1],
    ):
        out.append(_b64(entry))
    return out


def text(value: str) -> str:
    """A value as a client sends it: already-encoded (%xx) values stay, others are quoted."""
    return value if "%" in value and value not in ("%", "%%") else quote(value, safe="")


# --- where they go ---------------------------------------------------------------------------

COMMON = ["cursor", "page_size", "ordering", "fields", "omit", "format", "q", "modified_since"]
LISTS = {
    "/api/v1/events/": ["type", "after", "before", "location", "actor", "role", "parent"],
    "/api/v1/claims/": ["event", "speaker", "kind", "assessment", "as_of"],
    "/api/v1/actors/": ["kind"],
    "/api/v1/locations/": ["kind", "within", "bbox"],
    "/api/v1/articles/": [],
}
DETAILS = [
    "/api/v1/events/crocus-city-hall-attack/",
    "/api/v1/actors/islamic-state/",
    "/api/v1/locations/krasnogorsk/",
]
DATE_PARAMS = {"after", "before", "as_of", "modified_since", "since"}


def _values_for(param: str) -> list[str]:
    if param in DATE_PARAMS:
        return DATES + NON_TEXT + NUMBERS[:4]
    if param == "bbox":
        return BBOXES + FLOATS + NON_TEXT[:4]
    if param == "cursor":
        return cursors()
    if param == "page_size":
        return NUMBERS + FLOATS + NON_TEXT[:4]
    return INJECTION + NON_TEXT + NUMBERS[:3] + FLOATS[:2] + LONG


def api_queries() -> list[tuple[str, str]]:
    """(path, query string) pairs: every parameter of every list with hostile values."""
    rng = random.Random(SEED)
    queries = []
    for path, own in LISTS.items():
        for param in COMMON + own:
            values = _values_for(param)
            # every cursor and date on every list; a sample of the rest (the same each run)
            if param == "bbox":
                pass  # every box
            elif param not in ("cursor", *DATE_PARAMS) and len(values) > 8:
                values = rng.sample(values, 8)
            elif param == "cursor" and path != "/api/v1/actors/":
                values = rng.sample(values, 20)
            elif param == "modified_since" and path != "/api/v1/events/":
                values = rng.sample(values, 10)
            queries += [(path, f"{param}={text(v)}") for v in values]
    for path in DETAILS:
        for param in ("as_of", "fields", "omit", "format", "x"):
            queries += [(path, f"{param}={text(v)}") for v in rng.sample(_values_for(param), 5)]
    for value in cursors()[:20] + DATES[:6]:
        queries.append(("/api/v1/deleted/", f"since={text(value)}"))
        queries.append(("/api/v1/deleted/", f"cursor={text(value)}"))
    # the change feed: its own "<transaction>-<id>" cursor, and its page size
    feed_cursors = [
        "0-0",
        "-1-0",
        "1-",
        "-",
        "0-0-0",
        "1e3-1",
        "99999999999999999999-0",
        "0-99999999999999999999",
        "9999999999999999999-0",
        "0-9999999999999999999",
        "9223372036854775807-9223372036854775807",
        "١-٢",
        "0-0%00",
        "%ED%A0%80-0",
        " 0-0",
        "0x1-0",
    ]
    feed_cursors += cursors()[:6]
    queries += [("/api/v1/changes/", f"after={text(v)}") for v in feed_cursors]
    queries += [("/api/v1/changes/", f"page_size={text(v)}") for v in _values_for("page_size")]
    queries += [("/api/v1/changes/", f"x={text(v)}") for v in INJECTION[:3]]
    # repeated, unknown and malformed parameters
    queries += [
        ("/api/v1/events/", "after=2024-01-01&after=2024-02-01"),
        ("/api/v1/events/", "page_size=1&page_size=2"),
        ("/api/v1/events/", "nonsense=1"),
        ("/api/v1/events/", "&&&=&="),
        ("/api/v1/events/", "%00=1"),
        ("/api/v1/events/", "a" * 5000 + "=1"),
        ("/api/v1/claims/", "as_of=2024-03-23&event=crocus-city-hall-attack&as_of=x"),
        ("/api/v1/", "format=%00"),
        ("/api/v1/events/%00/", ""),
        ("/api/v1/events/%ED%A0%80/", ""),
        ("/api/v1/claims/99999999999999999999999/", ""),
        ("/api/v1/claims/-1/", ""),
    ]
    return queries


PAGES = {
    "/events/": ["start_from", "start_to", "type", "place", "actor", "page"],
    "/search/": ["q"],
    "/events/crocus-city-hall-attack/": ["as_of"],
    "/": ["x"],
}


def page_queries() -> list[tuple[str, str]]:
    """The reader pages' parameters with the same kinds of values."""
    rng = random.Random(SEED + 1)
    queries = []
    for path, params in PAGES.items():
        for param in params:
            pool = DATES + NUMBERS if param in {"start_from", "start_to", "as_of", "page"} else []
            pool += INJECTION + NON_TEXT + LONG[:2]
            queries += [(path, f"{param}={text(v)}") for v in rng.sample(pool, min(20, len(pool)))]
    return queries
