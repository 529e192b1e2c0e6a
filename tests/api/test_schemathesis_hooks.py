"""The hooks CI's schemathesis run loads (.ci/schemathesis_hooks.py), against the live API.

Each query below is valid by the schema yet refused, for a reason the schema cannot state
(docs/api.md, "What the schema cannot say"): a slug that names nothing, a cursor the API did
not issue, an as_of after today, bbox's latitudes the wrong way round, ordering=relevance
without q. Sent as is, each is a 400 naming those parameters; given the hooks' real values
(taken from the served API), a 200. So positive_data_acceptance in CI judges only what the
schema can state, and a hook that stopped supplying a value fails here.
"""

import importlib.util
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER

pytestmark = pytest.mark.django_db(transaction=True)

HOOKS = Path(__file__).resolve().parents[2] / ".ci" / "schemathesis_hooks.py"


@pytest.fixture
def hooks():
    spec = importlib.util.spec_from_file_location("ci_schemathesis_hooks", HOOKS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # registers before_call with schemathesis
    try:
        yield module
    finally:
        GLOBAL_HOOK_DISPATCHER.unregister(module.before_call)  # in-process runs stay plain


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


CASES = [
    ("/api/v1/claims/", {"speaker": "nobody-at-all", "event": "no-such-event", "kind": "denial"}),
    ("/api/v1/claims/", {"as_of": "2100-01-01", "page_size": "2"}),
    ("/api/v1/claims/", {"cursor": "bm90IGlzc3VlZA", "q": "crocus"}),
    ("/api/v1/events/", {"location": "0", "actor": "0", "parent": "0", "page_size": "1"}),
    ("/api/v1/events/", {"ordering": "-relevance", "page_size": "1"}),
    ("/api/v1/events.geojson", {"ordering": "title", "cursor": "x", "page_size": "1"}),
    ("/api/v1/locations/", {"within": "atlantis", "kind": "city"}),
    ("/api/v1/locations/", {"bbox": "37.0,56.0,38.0,55.5"}),
    ("/api/v1/deleted/", {"cursor": "x"}),
]


def test_the_hooks_turn_each_data_dependent_refusal_into_an_acceptance(hooks, crocus, live_server):
    # One test for all the cases: each transactional test reloads the Crocus record.
    for path, query in CASES:
        status, body = _get(f"{live_server.url}{path}?{urllib.parse.urlencode(query)}")
        assert status == 400, (path, query, body)
        fixed = dict(query)
        hooks.real_values(live_server.url, path, fixed)
        # Exactly the refused values were replaced; every other went as generated.
        assert {k for k in query if fixed.get(k) != query[k]} == set(body["errors"]), path
        status, body = _get(f"{live_server.url}{path}?{urllib.parse.urlencode(fixed)}")
        assert status == 200, (path, fixed, body)
    # A replaced slug is a real one, chosen by the generated value, so a run is reproducible
    # from its seed.
    picks = set()
    for generated in ("a", "b", "c", "d", "e", "f"):
        first, again = {"speaker": generated}, {"speaker": generated}
        hooks.real_values(live_server.url, "/api/v1/claims/", first)
        hooks.real_values(live_server.url, "/api/v1/claims/", again)
        assert first == again
        picks.add(first["speaker"])
    status, body = _get(f"{live_server.url}/api/v1/actors/?page_size=100&fields=slug")
    assert status == 200 and picks <= {row["slug"] for row in body["results"]}
    assert len(picks) > 1
