"""Varnish (deploy/varnish/newsbase.vcl) in front of the real app: it keeps what the app
marks public, never what an editor sees, and a publish or a withdrawal made in the admin
purges it (Surrogate-Key, newsbase/purge.py) so the very next reader sees the change.

The app serves the pair's primary alone (no replica), so what a reader sees after a write
depends only on the caches, which is what these tests watch.
"""

import shutil
from pathlib import Path

import lxml.html
import pytest
import requests

from bench.cluster import services
from tests.cluster.conftest import ATTACK, login, save_event, varnish_in_front

pytestmark = pytest.mark.cluster

if not shutil.which("varnishd") and not Path("/usr/sbin/varnishd").exists():
    pytest.skip("varnishd is not installed (apt-get install varnish)", allow_module_level=True)

EVENTS = "/events/"
CHANGELIST = "/admin/events/event/"


@pytest.fixture(scope="module")
def varnish(stack):
    """Varnish on a free port in front of one app server that purges it on every commit."""
    port = services.free_port()
    base = f"http://127.0.0.1:{port}"
    web = stack.server(
        "web-cached",
        max_lag=0,
        cached=True,
        database="newsbase",
        env={"HTTP_CACHE_PURGE_URLS": base + "/"},
    )
    web_port = int(web.rsplit(":", 1)[1])
    try:
        with varnish_in_front([web_port], port) as base:
            yield base
    finally:
        stack.kill("web-cached")


@pytest.fixture
def sub_event(stack):
    """A published sub-event of the attack, published again after the test."""
    (pk, slug, title) = stack.sql(
        "SELECT e.id, e.slug, e.title FROM events_event e JOIN events_event p "
        "ON p.id = e.parent_id WHERE p.slug = %s AND e.status = 'published' "
        "ORDER BY e.slug LIMIT 1",
        (ATTACK,),
    )[0]
    yield pk, slug, title
    stack.sql(
        "UPDATE events_event SET status = 'published' WHERE id = %s AND status <> 'published'",
        (pk,),
    )


def anonymous_get(url: str) -> requests.Response:
    # A new session per read: no cookie ever sent, as a first-time reader.
    response = requests.get(url, timeout=30)
    assert response.status_code in (200, 404), (url, response.status_code)
    return response


def admin_action(base: str, editor: requests.Session, pk: int, action: str, **extra) -> None:
    """Run a changelist action on one event, as an editor does from the changelist."""
    changelist = editor.get(base + CHANGELIST, timeout=30)
    token = lxml.html.fromstring(changelist.text).xpath("//input[@name='csrfmiddlewaretoken']")
    response = editor.post(
        base + CHANGELIST,
        data={
            "csrfmiddlewaretoken": token[0].get("value"),
            "action": action,
            "_selected_action": str(pk),
            "index": "0",
            **extra,
        },
        headers={"Referer": base + CHANGELIST},
        timeout=60,
    )
    assert response.status_code == 200, response.text[:500]


def status(stack, pk: int) -> str:
    return stack.sql("SELECT status FROM events_event WHERE id = %s", (pk,))[0][0]


def test_public_reads_are_cached_and_editors_pass(varnish):
    for path in (EVENTS, f"/events/{ATTACK}/", f"/api/v1/events/{ATTACK}/"):
        first, second = anonymous_get(varnish + path), anonymous_get(varnish + path)
        assert first.headers["Cache-Control"].startswith("public, max-age="), path
        assert second.headers["X-Cache"] == "hit", path
        assert second.headers["ETag"] == first.headers["ETag"], path
        assert "Surrogate-Key" not in second.headers, path
        revalidated = requests.get(
            varnish + path, headers={"If-None-Match": first.headers["ETag"]}, timeout=30
        )
        assert revalidated.status_code == 304, path
    with requests.Session() as editor:
        login(varnish, editor)
        staff_view = editor.get(varnish + f"/events/{ATTACK}/", timeout=30)
        assert staff_view.headers["X-Cache"] == "miss"
        assert staff_view.headers["Cache-Control"] == "private, no-store"


def test_a_withdrawal_and_a_publish_show_on_the_very_next_request(stack, varnish, sub_event):
    pk, slug, title = sub_event
    page, parent = f"{varnish}/events/{slug}/", f"{varnish}/events/{ATTACK}/"
    api = f"{varnish}/api/v1/events/{slug}/"
    for url in (page, parent, api, varnish + EVENTS):
        anonymous_get(url)
        assert anonymous_get(url).headers["X-Cache"] == "hit", url  # in the cache

    with requests.Session() as editor:
        login(varnish, editor)
        admin_action(
            varnish,
            editor,
            pk,
            "withdraw_selected",
            confirm_withdraw="1",
            public_note="Withdrawn by the Varnish test.",
        )
        assert status(stack, pk) == "withdrawn"
        # The very next anonymous reads, through the same Varnish:
        assert anonymous_get(page).status_code == 404
        assert anonymous_get(api).status_code == 404
        assert f"/events/{slug}/" not in anonymous_get(parent).text
        assert f"/events/{slug}/" not in anonymous_get(varnish + EVENTS).text

        # Published again from the change form (a withdrawn event needs a public note):
        save_event(
            varnish,
            editor,
            pk,
            status="published",
            correction_note="Published again by the Varnish test.",
        )
        assert status(stack, pk) == "published"
        shown = anonymous_get(page)
        assert shown.status_code == 200 and title in shown.text
        assert shown.headers["X-Cache"] == "miss"  # purged, not the cached 404
        assert anonymous_get(api).json()["slug"] == slug
        assert f"/events/{slug}/" in anonymous_get(parent).text
