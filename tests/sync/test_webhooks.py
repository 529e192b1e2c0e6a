"""Webhooks: registered through the API, delivered by the worker to a real HTTP server on
loopback, signed, retried with backoff, paused when they keep failing, none missed."""

import base64
import hashlib
import hmac
import json
import socket
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import DeliveryStatus, Webhook, WebhookDelivery, WebhookStatus
from events.sync import webhooks
from tests import factories as f
from tests.api.conftest import assert_error
from tests.api.contract import ContractClient

from .mirror import feed_cursor
from .receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def client_api(db):
    user = get_user_model().objects.create_user("integrator", password="x")
    api = ContractClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    api.user = user
    return api


def register(client_api, url, **fields) -> dict:
    response = client_api.post(reverse("api:webhook-list"), {"url": url, **fields}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def verify(secret: str, received) -> dict:
    """Check a delivery as a receiver would (Standard Webhooks), written out independently."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    msg_id, stamp = received.headers["webhook-id"], received.headers["webhook-timestamp"]
    signed = f"{msg_id}.{stamp}.".encode() + received.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    versions = dict(sig.split(",", 1) for sig in received.headers["webhook-signature"].split())
    assert hmac.compare_digest(versions["v1"], expected)
    assert abs(time.time() - int(stamp)) < 60
    return json.loads(received.body)


def changed(body) -> list[tuple[str, int, str]]:
    return [(c["type"], c["id"], c["action"]) for c in body["changes"]]


def test_a_change_reaches_the_endpoint_signed_with_an_idempotency_key(client_api, receiver):
    hook = register(client_api, receiver.url)
    assert hook["secret"].startswith("whsec_") and hook["status"] == "active"
    actor = f.ActorFactory(name="Delivered Person")

    assert webhooks.run_once() == 2  # one delivery written, one attempted
    [got] = receiver.received
    body = verify(hook["secret"], got)
    assert got.path == "/hooks/" and got.headers["content-type"] == "application/json"
    assert changed(body) == [("actor", actor.pk, "changed")]
    assert body["changes"][0]["url"] == "http://127.0.0.1:8000" + reverse(
        "api:actor-detail", kwargs={"slug": actor.slug}
    )  # SITE_URL's default

    delivery = WebhookDelivery.objects.get()
    assert got.headers["webhook-id"] == str(delivery.key)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )
    assert Webhook.objects.get().cursor == body["cursor"] == delivery.cursor
    assert webhooks.run_once() == 0  # nothing new: nothing sent again
    assert len(receiver.received) == 1

    log = client_api.get(reverse("api:webhook-deliveries", kwargs={"pk": hook["id"]}))
    assert [(d["status"], d["attempts"], d["changes"]) for d in log.json()] == [
        ("delivered", 1, 1)
    ]


def test_changes_before_registration_are_not_sent(client_api, receiver):
    f.ActorFactory()
    register(client_api, receiver.url)
    assert webhooks.run_once() == 0
    assert receiver.received == []


def test_failures_are_retried_with_growing_backoff_and_the_same_key(
    client_api, receiver, settings
):
    settings.WEBHOOKS_RETRY_BASE = 60
    receiver.answers = [500, 302, 200]
    hook = register(client_api, receiver.url)
    f.ActorFactory()
    now = timezone.now()

    webhooks.run_once(now=now)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, delivery.last_status_code, delivery.status) == (1, 500, "pending")
    assert "500" in delivery.last_error
    wait = delivery.next_attempt_at - now
    assert timedelta(seconds=30) <= wait <= timedelta(seconds=60)
    assert webhooks.deliver_due(now=now + timedelta(seconds=29)) == 0  # not yet due

    later = delivery.next_attempt_at
    webhooks.deliver_due(now=later)
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (2, 302)  # redirects not followed
    assert timedelta(seconds=60) <= delivery.next_attempt_at - later <= timedelta(seconds=120)

    webhooks.deliver_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 3, "")
    assert [r.path for r in receiver.received] == ["/hooks/"] * 3  # the redirect's target unused
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    assert len({r.body for r in receiver.received}) == 1
    for got in receiver.received:
        verify(hook["secret"], got)  # each attempt signed with its own timestamp
    assert Webhook.objects.get().failures == 0


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_webhook_that_keeps_failing_is_paused_then_resumed_without_losing_a_change(
    client_api, receiver, settings
):
    settings.WEBHOOKS_MAX_FAILURES = 3
    hook = register(client_api, receiver.url)
    receiver.answers = [503, 503, 503]
    first = f.ActorFactory()
    now = timezone.now()
    for _ in range(3):
        webhooks.run_once(now=now)
        now = WebhookDelivery.objects.get().next_attempt_at
    webhook = Webhook.objects.get()
    assert webhook.status == WebhookStatus.PAUSED and webhook.failures == 3
    assert "3 failed attempts in a row" in webhook.paused_reason
    assert "503" in webhook.paused_reason

    second = f.ActorFactory()  # written while paused: waits at the cursor
    assert webhooks.run_once(now=now + timedelta(days=1)) == 0
    assert len(receiver.received) == 3
    shown = client_api.get(reverse("api:webhook-detail", kwargs={"pk": hook["id"]})).json()
    assert shown["status"] == "paused" and "503" in shown["paused_reason"]

    resumed = client_api.patch(
        reverse("api:webhook-detail", kwargs={"pk": hook["id"]}),
        {"status": "active"},
        format="json",
    )
    assert resumed.status_code == 200 and resumed.json()["failures"] == 0
    while webhooks.run_once():
        pass
    bodies = [verify(hook["secret"], r) for r in receiver.received]
    assert changed(bodies[3]) == [("actor", first.pk, "changed")]  # the one that failed
    assert changed(bodies[4]) == [("actor", second.pk, "changed")]
    assert len(bodies) == 5


def test_an_endpoint_that_is_down_is_recorded_as_such(client_api, settings):
    register(client_api, f"http://127.0.0.1:{closed_port()}/")
    f.ActorFactory()
    webhooks.run_once()
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status_code is None and "Connection" in delivery.last_error
    assert delivery.status == "pending" and Webhook.objects.get().failures == 1


def test_every_change_is_delivered_once_in_feed_order_in_batches(
    client_api, receiver, settings, api
):
    settings.WEBHOOKS_BATCH = 3
    start = feed_cursor(api)
    hook = register(client_api, receiver.url)
    made = [f.ActorFactory() for _ in range(7)]
    event = f.EventFactory()
    while webhooks.run_once():
        pass
    bodies = [verify(hook["secret"], r) for r in receiver.received]
    assert all(len(b["changes"]) <= 3 for b in bodies)
    delivered = [c["position"] for b in bodies for c in b["changes"]]
    feed = []
    cursor = start
    while True:
        page = api.get(reverse("api:changes"), {"after": cursor}).json()
        feed += [c["position"] for c in page["results"]]
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert delivered == feed  # exactly the feed: none missed, none twice, same order
    ids = {(c["type"], c["id"]) for b in bodies for c in b["changes"]}
    assert {("actor", a.pk) for a in made} | {("event", event.pk)} <= ids
    assert bodies[-1]["cursor"] == cursor


def test_a_webhook_gets_only_the_kinds_it_asked_for(client_api, receiver):
    hook = register(client_api, receiver.url, kinds=["event"])
    assert hook["kinds"] == ["event"]
    f.ActorFactory()
    event = f.EventFactory()
    while webhooks.run_once():
        pass
    [got] = receiver.received
    assert {c["type"] for c in verify(hook["secret"], got)["changes"]} == {"event"}
    assert ("event", event.pk, "changed") in changed(json.loads(got.body))


def test_the_worker_command_delivers(client_api, receiver):
    register(client_api, receiver.url)
    f.ActorFactory()
    call_command("deliver_webhooks", "--once")
    call_command("deliver_webhooks", "--once")
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get().status == "delivered"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.org/hook", "Use HTTPS"),
        ("https://10.1.2.3/hook", "public address"),
        ("https://user:pw@example.org/hook", "credentials"),
        ("ftp://example.org/hook", "https://"),
        ("not a url", "valid URL"),
    ],
)
def test_registration_refuses_endpoints_it_must_not_call(client_api, url, message):
    response = client_api.post(reverse("api:webhook-list"), {"url": url}, format="json")
    assert_error(response, 400, "url")
    assert message in json.dumps(response.json(), ensure_ascii=False)


def test_loopback_is_refused_outside_development(client_api, settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    response = client_api.post(
        reverse("api:webhook-list"), {"url": "https://127.0.0.1/hook"}, format="json"
    )
    assert_error(response, 400, "url")


def test_an_unknown_kind_is_refused_naming_the_valid_ones(client_api):
    response = client_api.post(
        reverse("api:webhook-list"),
        {"url": "https://example.org/hook", "kinds": ["event", "rumour"]},
        format="json",
    )
    assert_error(response, 400, "kinds.1")
    assert response.json()["errors"]["kinds.1"] == [
        "“rumour” is not a kind: choose from event, actor, location, claim, article."
    ]


def test_webhooks_need_a_token_and_are_private_to_their_owner(client_api, api):
    assert api.get(reverse("api:webhook-list")).status_code == 401
    anonymous = api.post(
        reverse("api:webhook-list"), {"url": "https://example.org/h"}, format="json"
    )
    assert anonymous.status_code == 401
    hook = register(client_api, "https://example.org/hook")
    other = get_user_model().objects.create_user("someone-else")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=other).key}")
    assert api.get(reverse("api:webhook-list")).json() == []
    detail = reverse("api:webhook-detail", kwargs={"pk": hook["id"]})
    assert api.get(detail).status_code == 404
    assert api.delete(detail).status_code == 404
    listed = client_api.get(reverse("api:webhook-list")).json()
    assert [h["id"] for h in listed] == [hook["id"]] and "secret" not in listed[0]
    assert client_api.delete(detail).status_code == 204
    assert not Webhook.objects.exists()


def test_a_host_that_resolves_to_a_private_address_is_not_called(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    assert "not a public address" in webhooks.address_problem("localhost")
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    assert webhooks.address_problem("localhost") is None


def admin_form(owner, url, **fields) -> dict:
    inline = {f"deliveries-{k}": "0" for k in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS")}
    return {"owner": owner.pk, "url": url, "kinds": "[]", "status": "active", **inline, **fields}


def test_staff_register_a_webhook_in_the_admin_and_its_owner_is_told_when_it_is_paused(
    admin_client, admin_user, receiver, settings
):
    refused = admin_client.post(
        reverse("admin:events_webhook_add"), admin_form(admin_user, "http://example.org/h")
    )
    assert refused.status_code == 200 and "Use HTTPS" in refused.content.decode()
    added = admin_client.post(
        reverse("admin:events_webhook_add"), admin_form(admin_user, receiver.url)
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    webhook = Webhook.objects.get()
    assert webhook.owner == admin_user and webhook.secret.startswith("whsec_")

    settings.WEBHOOKS_MAX_FAILURES = 1
    receiver.answers = [500]
    f.ActorFactory()
    webhooks.run_once()
    webhook.refresh_from_db()
    assert webhook.status == WebhookStatus.PAUSED
    page = admin_client.get(reverse("admin:events_webhook_changelist")).content.decode()
    assert f"Your webhook {receiver.url} is paused" in page and "500" in page

    admin_client.post(
        reverse("admin:events_webhook_changelist"),
        {"action": "resume", "_selected_action": [webhook.pk]},
    )
    webhook.refresh_from_db()
    assert webhook.status == WebhookStatus.ACTIVE
    webhooks.run_once()
    assert WebhookDelivery.objects.get().status == "delivered"
    assert len(receiver.received) == 2


def test_a_write_to_an_unknown_path_is_a_json_404_not_the_csrf_page(client_api):
    browser = APIClient(enforce_csrf_checks=True)
    browser.cookies["sessionid"] = "whatever"
    response = browser.patch("/api/v1/webhooks/0.5/", {"status": "active"}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
