"""Local HTTP servers for code that calls out: they serve files kept under tests/data.

Nothing in the suite reaches the network: URL fetching and Wikidata are tested against
these servers on a free loopback port, started per test and shut down after it.
"""

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

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
