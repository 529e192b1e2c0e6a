"""docs/examples/keep_in_sync.py, the script docs/api.md shows, run against a live server
over real HTTP: load the snapshot, follow the feed, apply webhook deliveries; the copy ends
equal to a fresh snapshot each time."""

import importlib.util
import json
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from events.sync import webhooks
from tests import factories as f

from .receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "examples" / "keep_in_sync.py"


@pytest.fixture
def script():
    spec = importlib.util.spec_from_file_location("keep_in_sync", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def snapshot(script, base) -> dict:
    call_command("export", "--verbosity", "0")
    return script.load_snapshot(base)["objects"]


def test_snapshot_then_feed_then_webhooks(script, crocus, live_server, settings, tmp_path):
    base = live_server.url
    settings.SITE_URL = base
    settings.EXPORT_DIR = tmp_path / "exports"
    call_command("export", "--verbosity", "0")

    store = tmp_path / "copy.json"
    script.main(base, str(store))  # the snapshot, then the feed
    copy = json.loads(store.read_text())
    assert copy["objects"] and copy["cursor"]

    crocus.title = "Crocus City Hall attack (edited)"
    crocus.save()
    added = f.ActorFactory(name="Added after the snapshot")
    gone = f.ActorFactory(name="Gone again")
    gone.delete()
    script.main(base, str(store))  # later: the feed from the stored cursor
    copy = json.loads(store.read_text())
    assert copy["objects"] == snapshot(script, base)
    assert f"{base}/api/v1/actors/{added.slug}/" in copy["objects"]

    user = get_user_model().objects.create_user("integrator")
    receiver = Receiver().start()
    try:
        request = urllib.request.Request(
            f"{base}/api/v1/webhooks/",
            data=json.dumps({"url": receiver.url}).encode(),
            headers={
                "Authorization": f"Token {Token.objects.create(user=user).key}",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            secret = json.load(answer)["secret"]
        renamed = f.ActorFactory(name="Pushed by a webhook")
        while webhooks.run_once():
            pass
    finally:
        receiver.stop()
    seen: set[str] = set()
    for delivery in receiver.received * 2:  # a retried delivery is applied once
        body = script.verify_delivery(secret, delivery.headers, delivery.body)
        script.apply_delivery(copy, body, seen, delivery.headers["webhook-id"])
    assert len(seen) == len(receiver.received) >= 1
    assert f"{base}/api/v1/actors/{renamed.slug}/" in copy["objects"]
    assert copy["objects"] == snapshot(script, base)
    with pytest.raises(ValueError, match="Bad signature"):
        script.verify_delivery("whsec_" + "A" * 44, delivery.headers, delivery.body)
