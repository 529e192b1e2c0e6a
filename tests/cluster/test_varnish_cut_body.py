"""A web replica that dies halfway through a body fails no reader (deploy/varnish/newsbase.vcl).

Varnish streams a backend's body to the reader as it arrives, so a replica killed in the
middle of one used to leave the reader with a cut-off 200 (seen once in 180 requests by
tests/cluster/test_faults.py). Here one backend always cuts its bodies off after the
headers and a few bytes, the other answers whole; every GET through Varnish must get the
whole body from the healthy one.
"""

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from tests.cluster.conftest import varnish_in_front

pytestmark = pytest.mark.cluster

if not shutil.which("varnishd") and not Path("/usr/sbin/varnishd").exists():
    pytest.skip("varnishd is not installed (apt-get install varnish)", allow_module_level=True)

BODY = b"x" * 100_000


def _backend(cuts_bodies: bool) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            body = b"ok" if self.path == "/livez" else BODY
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if cuts_bodies and self.path != "/livez":
                self.wfile.write(body[:1000])  # then the process "dies": the socket closes
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def varnish_with_a_dying_backend():
    dying, healthy = _backend(cuts_bodies=True), _backend(cuts_bodies=False)
    try:
        with varnish_in_front([dying.server_address[1], healthy.server_address[1]]) as base:
            yield base
    finally:
        for server in (dying, healthy):
            server.shutdown()


def test_a_body_cut_off_by_a_dying_replica_is_fetched_again_from_the_other(
    varnish_with_a_dying_backend,
):
    # Round-robin: about every other fetch goes to the dying backend first.
    for n in range(12):
        response = requests.get(f"{varnish_with_a_dying_backend}/page/{n}", timeout=30)
        assert response.status_code == 200
        assert response.content == BODY
