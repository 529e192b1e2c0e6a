"""The replica router (newsbase/replicas.py) against a real primary and streaming replica.

A replica whose replay is paused still answers, with the data it had: that is how these
tests see which database served a read. Writes are made straight on the primary (SQL) or
through the admin over HTTP, as an editor makes them.
"""

import time

import pytest
import requests

from tests.cluster.conftest import ATTACK, login, save_event

pytestmark = pytest.mark.cluster

API = f"/api/v1/events/{ATTACK}/"
PAGE = f"/events/{ATTACK}/"


@pytest.fixture(scope="module")
def patient(stack):
    """A server that tolerates a replica up to ten minutes behind."""
    return stack.server("web-patient", max_lag=600)


@pytest.fixture(scope="module")
def strict(stack):
    """A server that tolerates one second of lag."""
    return stack.server("web-strict", max_lag=1)


@pytest.fixture
def original_title(stack):
    title = stack.title()
    yield title
    stack.set_title(title)
    stack.caught_up()


def api_title(base: str, session) -> str:
    response = session.get(base + API, timeout=30)
    assert response.status_code == 200, response.text[:300]
    return response.json()["title"]


def test_public_reads_come_from_the_replica(stack, patient, anonymous, original_title):
    with stack.replay_paused():
        stack.set_title("Written on the primary only")
        assert api_title(patient, anonymous) == original_title
        page = anonymous.get(patient + PAGE, timeout=30)
        assert page.status_code == 200 and original_title in page.text
        assert "Written on the primary only" not in page.text
    # Replay resumed and caught up: the replica now has the write.
    assert api_title(patient, anonymous) == "Written on the primary only"


def test_the_admin_reads_the_primary(stack, patient, original_title):
    (pk,) = stack.sql("SELECT id FROM events_event WHERE slug = %s", (ATTACK,))[0]
    with requests.Session() as editor, stack.replay_paused():
        login(patient, editor)
        stack.set_title("Seen by the admin at once")
        form = editor.get(f"{patient}/admin/events/event/{pk}/change/", timeout=30)
        assert form.status_code == 200
        assert 'value="Seen by the admin at once"' in form.text


def test_an_editor_sees_their_own_save_while_the_replica_lags(
    stack, patient, anonymous, original_title
):
    (pk,) = stack.sql("SELECT id FROM events_event WHERE slug = %s", (ATTACK,))[0]
    with requests.Session() as editor, stack.replay_paused():
        login(patient, editor)
        save_event(
            patient,
            editor,
            pk,
            title="Corrected by the editor",
            correction_note="Title corrected.",
        )
        assert stack.title() == "Corrected by the editor"  # on the primary ...
        assert stack.replica_sql(  # ... and not yet on the replica
            "SELECT title FROM events_event WHERE slug = %s", (ATTACK,)
        ) == [(original_title,)]
        # The editor reads their own write, on the API and on the reader page ...
        assert "nb_primary_until" in editor.cookies
        assert api_title(patient, editor) == "Corrected by the editor"
        assert "Corrected by the editor" in editor.get(patient + PAGE, timeout=30).text
        # ... while a reader who wrote nothing is served by the (lagging) replica.
        assert api_title(patient, anonymous) == original_title


def test_a_replica_lagging_past_the_bound_is_bypassed(stack, strict, anonymous, original_title):
    with stack.replay_paused():
        stack.set_title("Newer than the lagging replica")
        deadline = time.monotonic() + 15
        seen = api_title(strict, anonymous)
        while seen != "Newer than the lagging replica" and time.monotonic() < deadline:
            time.sleep(0.25)
            seen = api_title(strict, anonymous)
        assert seen == "Newer than the lagging replica"
        (lag,) = stack.replica_sql(
            "SELECT EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
        )[0]
        assert float(lag) > 1


def test_a_stopped_replica_sends_every_read_to_the_primary(stack, patient, anonymous):
    # Warm the server's replica connection, so the stop breaks a connection in use.
    assert anonymous.get(patient + API, timeout=30).status_code == 200
    with stack.replica_stopped():
        statuses = [
            anonymous.get(patient + path, timeout=30).status_code
            for path in [API, PAGE, "/api/v1/events/", "/", API, PAGE] * 3
        ]
        assert statuses == [200] * len(statuses)
    assert anonymous.get(patient + API, timeout=30).status_code == 200


def test_with_the_primary_down_the_admin_is_read_only_and_readers_are_served(
    stack, patient, anonymous
):
    with requests.Session() as editor:
        login(patient, editor)
        assert anonymous.get(patient + API, timeout=30).status_code == 200
        with stack.primary_stopped():
            admin = editor.get(f"{patient}/admin/", timeout=30)
            assert admin.status_code == 503
            assert "Temporarily read-only" in admin.text
            assert admin.headers["Retry-After"].isdigit()
            for path in [API, PAGE, "/api/v1/events/"]:
                assert anonymous.get(patient + path, timeout=30).status_code == 200
        # Back up: the admin works again without anyone restarting the web server.
        deadline = time.monotonic() + 20
        status = editor.get(f"{patient}/admin/", timeout=30).status_code
        while status != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
            status = editor.get(f"{patient}/admin/", timeout=30).status_code
        assert status == 200
