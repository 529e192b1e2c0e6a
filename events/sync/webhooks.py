"""Webhook deliveries: the change feed, pushed to each subscriber, signed, retried, recorded.

The worker (``manage.py deliver_webhooks``) repeats two steps:

* :func:`dispatch`: for each active webhook with nothing in flight, read the feed after
  its cursor (the same commit-safe reading as ``/api/v1/changes/``), keep the kinds it
  asked for, and write one :class:`~events.models.WebhookDelivery` holding them while
  moving the cursor past them, in one transaction. A change is thus handed to exactly one
  delivery; a worker that dies in between leaves the cursor where it was.
* :func:`deliver_due`: POST each delivery whose time has come. A 2xx answer delivers it;
  anything else (another status, a redirect, a refused connection, a time-out) is recorded
  and the delivery is tried again after an exponential backoff with jitter. After
  ``WEBHOOKS_MAX_FAILURES`` failed attempts in a row the webhook is paused and its owner
  sees why in the admin; the delivery waits, unchanged, until it is resumed
  (:func:`webhook_resume`).

One delivery per webhook is in flight at a time, so a receiver gets its changes in feed
order. Several workers may run: a delivery is claimed by a conditional update (a lease)
and a cursor moves only from the value its reader saw.

Signing follows the Standard Webhooks specification: headers ``webhook-id`` (the delivery's
idempotency key, the same on every retry), ``webhook-timestamp`` (Unix seconds of this
attempt) and ``webhook-signature``: ``v1,`` + base64 of HMAC-SHA256, keyed with the
base64-decoded secret after ``whsec_``, of ``"<webhook-id>.<webhook-timestamp>.<body>"``.
"""

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import random
import socket
import ssl
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from events.models import DeliveryStatus, Webhook, WebhookDelivery, WebhookStatus
from events.models.webhook import endpoint_problem

from .feed import parse_cursor, read_page

USER_AGENT = "newsbase-webhooks/1"
MAX_ANSWER = 64 * 1024  # bytes of a receiver's answer read (and then dropped)


def sign(secret: str, key: str, timestamp: int, body: str) -> str:
    """The ``webhook-signature`` header value for one attempt."""
    signing_key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{key}.{timestamp}.{body}".encode()
    digest = hmac.new(signing_key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _absolute(entry: dict) -> dict:
    entry = dict(entry)
    entry["url"] = settings.SITE_URL + entry["url"]
    if entry["merged_into"]:
        entry["merged_into"] = {
            **entry["merged_into"],
            "url": settings.SITE_URL + entry["merged_into"]["url"],
        }
    return entry


def _next_delivery(hook: Webhook, now: datetime) -> WebhookDelivery | None:
    from events.api.changes import change_entries  # the feed's own entries, same shape

    position = parse_cursor(hook.cursor)
    while True:
        page = read_page(position, settings.WEBHOOKS_BATCH)
        wanted = [change for change in page.changes if hook.wants(change.kind)]
        if wanted or not page.has_more:
            break
        position = parse_cursor(page.cursor)  # a page of kinds it did not ask for
    if page.cursor == hook.cursor:
        return None
    with transaction.atomic():
        moved = Webhook.objects.filter(pk=hook.pk, cursor=hook.cursor).update(cursor=page.cursor)
        if not moved or not wanted:
            return None  # another worker took these changes, or there is nothing to send
        body = {
            "type": "changes",
            "webhook": hook.pk,
            "cursor": page.cursor,
            "changes": [_absolute(entry) for entry in change_entries(wanted, None)],
        }
        return WebhookDelivery.objects.create(
            webhook=hook,
            body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
            changes=len(wanted),
            cursor=page.cursor,
            next_attempt_at=now,
        )


def dispatch(*, now: datetime | None = None) -> int:
    """Write the next delivery of every active webhook that has none in flight."""
    now = now or timezone.now()
    hooks = Webhook.objects.filter(status=WebhookStatus.ACTIVE).exclude(
        deliveries__status=DeliveryStatus.PENDING
    )
    return sum(_next_delivery(hook, now) is not None for hook in hooks)


def backoff(failures: int) -> timedelta:
    """Wait before the next attempt after ``failures`` failures in a row: the base doubled
    each time, capped, with the upper half drawn at random so that receivers that failed
    together are not all retried at the same instant."""
    ceiling = min(settings.WEBHOOKS_RETRY_BASE * 2 ** (failures - 1), settings.WEBHOOKS_RETRY_MAX)
    return timedelta(seconds=ceiling / 2 + random.uniform(0, ceiling / 2))


def address_problem(host: str) -> str | None:
    """Why ``host`` may not be delivered to now (its addresses may have changed since the
    webhook was registered): only public addresses, and loopback where allowed."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        return f"Cannot resolve {host}: {exc}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if address.is_loopback and settings.WEBHOOKS_ALLOW_LOOPBACK:
            continue
        if not address.is_global:
            return f"{host} resolves to {address}, which is not a public address."
    return None


def post(delivery: WebhookDelivery, url: str, secret: str) -> tuple[int | None, str]:
    """POST the delivery once; (HTTP status or None, what went wrong or "")."""
    problem = endpoint_problem(url)
    parts = urlsplit(url)
    problem = problem or address_problem(parts.hostname)
    if problem:
        return None, problem
    timestamp = int(time.time())
    key = str(delivery.key)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": key,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, key, timestamp, delivery.body),
    }
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname,
            parts.port,
            timeout=settings.WEBHOOKS_TIMEOUT,
            context=ssl.create_default_context(),
        )
    else:
        connection = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=settings.WEBHOOKS_TIMEOUT
        )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=delivery.body.encode(), headers=headers)
        answer = connection.getresponse()
        answer.read(MAX_ANSWER)
    except (OSError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300]
    finally:
        connection.close()
    if 200 <= answer.status < 300:
        return answer.status, ""
    return answer.status, f"Answered {answer.status} {answer.reason}"[:300]


def attempt(delivery: WebhookDelivery, *, now: datetime) -> bool:
    """Try ``delivery`` once and record the outcome; True if it was delivered."""
    hook = delivery.webhook
    status_code, error = post(delivery, hook.url, hook.secret)
    with transaction.atomic():
        hook = Webhook.objects.select_for_update().get(pk=hook.pk)
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.last_status_code = status_code
        delivery.last_error = error
        if not error:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            hook.failures = 0
        else:
            hook.failures += 1
            delivery.next_attempt_at = now + backoff(hook.failures)
            if hook.failures >= settings.WEBHOOKS_MAX_FAILURES:
                hook.status = WebhookStatus.PAUSED
                hook.paused_at = now
                hook.paused_reason = (
                    f"{hook.failures} failed attempts in a row; the last: {error}"[:300]
                )
        delivery.save()
        hook.save(update_fields=["failures", "status", "paused_at", "paused_reason", "updated_at"])
    return not error


def deliver_due(*, now: datetime | None = None, limit: int = 20) -> int:
    """Attempt up to ``limit`` deliveries that are due; how many were attempted."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
            webhook__status=WebhookStatus.ACTIVE,
        )
        .select_related("webhook")
        .order_by("next_attempt_at", "id")[:limit]
    )
    attempted = 0
    for delivery in due:
        # Claim it: another worker that read it too finds next_attempt_at moved and skips it.
        lease = now + timedelta(seconds=settings.WEBHOOKS_TIMEOUT * 3)
        claimed = WebhookDelivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.PENDING, next_attempt_at=delivery.next_attempt_at
        ).update(next_attempt_at=lease)
        if claimed:
            attempt(delivery, now=now)
            attempted += 1
    return attempted


@transaction.atomic
def webhook_resume(*, webhook: Webhook) -> None:
    """Start sending again: the delivery that kept failing is tried at once."""
    webhook.status = WebhookStatus.ACTIVE
    webhook.failures = 0
    webhook.paused_at = None
    webhook.paused_reason = ""
    webhook.save(update_fields=["status", "failures", "paused_at", "paused_reason", "updated_at"])
    webhook.deliveries.filter(status=DeliveryStatus.PENDING).update(next_attempt_at=timezone.now())


def run_once(*, now: datetime | None = None) -> int:
    """One round of the worker: dispatch, then deliver what is due; how much was done."""
    return dispatch(now=now) + deliver_due(now=now)
