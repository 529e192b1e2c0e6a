"""Varnish with deploy/varnish/newsbase.vcl, and newsbase/purge.py purging it by tag.

Varnish runs for real, in front of a small origin whose answers the tests choose, so the
rules are checked one at a time: the app's Cache-Control decides, ETag revalidates, Vary
splits, cookies and Authorization pass, and a purge by surrogate key drops exactly the
responses that named the key.
"""

import shutil
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from bench.cluster import services
from newsbase.purge import purge_keys
from tests.cluster.conftest import varnish_in_front

pytestmark = pytest.mark.cluster

if not shutil.which("varnishd") and not Path("/usr/sbin/varnishd").exists():
    pytest.skip("varnishd is not installed (apt-get install varnish)", allow_module_level=True)

# path -> headers the origin answers with
ROUTES = {
    "/event-1": {"Cache-Control": "public, max-age=300", "Surrogate-Key": "event-1 events"},
    "/event-2": {"Cache-Control": "public, max-age=300", "Surrogate-Key": "event-2 events"},
    "/no-cache-control": {},
    "/private": {"Cache-Control": "private, max-age=300"},
    "/vary": {"Cache-Control": "public, max-age=300", "Vary": "Accept-Language"},
}


class Origin(BaseHTTPRequestHandler):
    hits: Counter = Counter()

    def do_GET(self):
        if self.path == "/livez":
            return self._answer(200, {}, b"ok")
        if self.path not in ROUTES:
            return self._answer(404, {}, b"no")
        Origin.hits[self.path] += 1
        body = f"{self.path} version {Origin.hits[self.path]}".encode()
        headers = {**ROUTES[self.path], "ETag": f'"{self.path}-{Origin.hits[self.path]}"'}
        return self._answer(200, headers, body)

    def _answer(self, status, headers, body):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def cache():
    origin = ThreadingHTTPServer(("127.0.0.1", 0), Origin)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    origin_port = origin.server_address[1]
    try:
        with varnish_in_front([origin_port, origin_port]) as base:
            yield base
    finally:
        origin.shutdown()


@pytest.fixture(autouse=True)
def empty_cache(cache):
    requests.request("PURGE", cache + "/", headers={"xkey-purge": "event-1 event-2 events"})
    Origin.hits.clear()


def get(url, **headers):
    return requests.get(url, headers=headers, timeout=10)


def test_what_the_app_marks_public_is_served_from_the_cache(cache):
    first, second = get(cache + "/event-1"), get(cache + "/event-1")
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert second.text == "/event-1 version 1"
    assert Origin.hits["/event-1"] == 1
    # The keys are the cache's business, not the reader's.
    assert "Surrogate-Key" not in second.headers and "xkey" not in second.headers


def test_a_matching_etag_is_answered_304_by_the_cache(cache):
    etag = get(cache + "/event-1").headers["ETag"]
    revalidated = get(cache + "/event-1", **{"If-None-Match": etag})
    assert revalidated.status_code == 304
    assert revalidated.headers["X-Cache"] == "hit"
    assert get(cache + "/event-1", **{"If-None-Match": '"other"'}).status_code == 200
    assert Origin.hits["/event-1"] == 1


def test_without_permission_nothing_is_cached(cache):
    for path in ["/no-cache-control", "/private"]:
        get(cache + path)
        assert get(cache + path).headers["X-Cache"] == "miss", path
        assert Origin.hits[path] == 2, path


def test_requests_with_a_cookie_or_a_token_pass_the_cache(cache):
    get(cache + "/event-1")
    with_cookie = get(cache + "/event-1", Cookie="sessionid=editor")
    with_token = get(cache + "/event-1", Authorization="Token abc")
    assert with_cookie.text == "/event-1 version 2"
    assert with_token.text == "/event-1 version 3"
    assert get(cache + "/event-1").text == "/event-1 version 1"  # the public copy is intact


def test_vary_keeps_one_copy_per_header_value(cache):
    english = get(cache + "/vary", **{"Accept-Language": "en"})
    russian = get(cache + "/vary", **{"Accept-Language": "ru"})
    again = get(cache + "/vary", **{"Accept-Language": "en"})
    assert english.text == again.text == "/vary version 1"
    assert russian.text == "/vary version 2"
    assert again.headers["X-Cache"] == "hit"


def test_a_purge_by_key_drops_exactly_the_responses_that_named_it(cache, settings):
    settings.HTTP_CACHE_PURGE_URLS = [cache + "/"]
    get(cache + "/event-1"), get(cache + "/event-2")
    assert purge_keys(["event-1"]) == 1
    after_1 = get(cache + "/event-1")
    assert (after_1.headers["X-Cache"], after_1.text) == ("miss", "/event-1 version 2")
    assert get(cache + "/event-2").headers["X-Cache"] == "hit"
    # One key shared by both (a list page's): both go.
    assert purge_keys(["events"]) == 1
    assert get(cache + "/event-1").headers["X-Cache"] == "miss"
    assert get(cache + "/event-2").headers["X-Cache"] == "miss"


def test_a_purge_needs_keys_and_an_unreachable_cache_is_only_logged(cache, settings, caplog):
    assert requests.request("PURGE", cache + "/", timeout=10).status_code == 400
    settings.HTTP_CACHE_PURGE_URLS = [f"http://127.0.0.1:{services.free_port()}/"]
    assert purge_keys(["event-1"]) == 0
    assert "could not purge event-1" in caplog.text
