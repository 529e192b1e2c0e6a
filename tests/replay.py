"""Local HTTP servers for code that calls out: they serve files kept under tests/data.

Nothing in the suite reaches the network: URL fetching and Wikidata are tested against
these servers on a free loopback port, started per test and shut down after it.
"""

import functools
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

DATA = Path(__file__).resolve().parent / "data"
PAGES = DATA / "pages"


class QuietHandler(SimpleHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/redirect-to-private":  # the fetcher must refuse before connecting
            self.send_response(302)
            self.send_header("Location", "http://10.0.0.1/admin")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def page_server():
    """The saved pages, served over HTTP on a free loopback port (nothing leaves the host)."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(PAGES))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


WIKIDATA = DATA / "wikidata"


class WikidataHandler(BaseHTTPRequestHandler):
    """The two API actions the client uses, answered from tests/data/wikidata."""

    calls: list[dict] = []

    def do_GET(self):
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        type(self).calls.append(query)
        if query.get("action") == "wbgetentities":
            qid = query.get("ids", "")
            stored = WIKIDATA / "wbgetentities" / f"{qid}.json"
            body = (
                stored.read_bytes()
                if stored.is_file()
                else json.dumps(
                    {"entities": {qid: {"id": qid, "missing": ""}}, "success": 1}
                ).encode()
            )
        elif query.get("action") == "wbsearchentities":
            stored = WIKIDATA / "wbsearchentities" / f"{query.get('search', '').lower()}.json"
            body = stored.read_bytes() if stored.is_file() else b'{"search": [], "success": 1}'
        else:
            self.send_error(400)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def wikidata_server(settings):
    """WIKIDATA_API_URL pointed at a local replay of the stored answers (calls recorded)."""
    WikidataHandler.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), WikidataHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WIKIDATA_API_URL = f"http://127.0.0.1:{server.server_address[1]}/w/api.php"
    settings.WIKIDATA_TIMEOUT = 5
    yield WikidataHandler
    server.shutdown()
    server.server_close()


@pytest.fixture
def wikidata_down(settings):
    """WIKIDATA_API_URL pointed at a loopback port nothing listens on (refused at once)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    settings.WIKIDATA_API_URL = f"http://127.0.0.1:{port}/w/api.php"
    settings.WIKIDATA_TIMEOUT = 2
