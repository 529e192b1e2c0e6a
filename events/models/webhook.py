"""Webhooks: a client's subscription to the change feed, and each signed delivery to it.

A :class:`Webhook` follows ``/api/v1/changes/`` from its own ``cursor`` (set to the feed's
end when it is created): the worker (:mod:`events.sync.webhooks`) turns the changes after
it into one :class:`WebhookDelivery` at a time and moves the cursor in the same
transaction, so every change reaches the client once its delivery succeeds, in feed order,
and none is skipped however long the client is away. The rows are the queue: attempts,
answers and the retry schedule are recorded here, where the admin and the owner see them.
"""

import base64
import ipaddress
import secrets
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .base import TimeStampedModel
from .change import ChangeKind


def new_secret() -> str:
    """A signing secret in the Standard Webhooks form: ``whsec_`` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoint_problem(url: str) -> str | None:
    """Why ``url`` cannot receive webhooks, or None: HTTPS to a public host; loopback (plain
    HTTP too) only where ``WEBHOOKS_ALLOW_LOOPBACK`` is set (development and tests)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        return "Give an https:// URL."
    if parts.username or parts.password:
        return "Leave credentials out of the URL: deliveries are signed instead."
    if _is_loopback(host):
        if settings.WEBHOOKS_ALLOW_LOOPBACK:
            return None
        return "Loopback addresses receive webhooks only in development."
    if parts.scheme != "https":
        return "Use HTTPS (plain HTTP is allowed only to loopback, in development)."
    try:
        if not ipaddress.ip_address(host).is_global:
            return "Give a public address, not a private one."
    except ValueError:
        pass  # a host name: its addresses are checked at each delivery
    return None


class WebhookStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused (kept failing, or paused by its owner)"


class Webhook(TimeStampedModel):
    """A client endpoint that is sent every public change of the kinds it asked for."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhooks",
        help_text="The API user who registered it; told in the admin when it is paused.",
    )
    url = models.URLField(
        max_length=500,
        help_text="Where deliveries are POSTed: HTTPS (plain HTTP only to loopback in "
        "development).",
    )
    kinds = models.JSONField(
        default=list,
        blank=True,
        help_text=f"Kinds of record whose changes are sent ({', '.join(ChangeKind.values)}); "
        "empty for all.",
    )
    secret = models.CharField(
        max_length=80,
        default=new_secret,
        editable=False,
        help_text="Signs each delivery (HMAC-SHA256, Standard Webhooks); shown to the owner "
        "once, when the webhook is created.",
    )
    cursor = models.CharField(
        max_length=40,
        default="0-0",
        help_text="The change-feed position up to which deliveries have been made.",
    )
    status = models.CharField(
        max_length=8,
        choices=WebhookStatus.choices,
        default=WebhookStatus.ACTIVE,
        help_text="Paused webhooks are sent nothing; their changes wait at the cursor.",
    )
    failures = models.PositiveIntegerField(
        default=0, help_text="Failed attempts in a row (a success resets it)."
    )
    paused_at = models.DateTimeField(null=True, blank=True, help_text="When it was paused.")
    paused_reason = models.CharField(
        max_length=300, blank=True, help_text="Why it was paused (the last failure)."
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=WebhookStatus.values),
                name="webhook_status_valid",
                violation_error_message="Unknown status.",
            ),
        ]

    def __str__(self):
        return f"{self.url} ({self.status})"

    def clean(self):
        problem = endpoint_problem(self.url)
        if problem:
            raise ValidationError({"url": problem})
        kinds = self.kinds
        if not isinstance(kinds, list) or not set(map(str, kinds)) <= set(ChangeKind.values):
            raise ValidationError(
                {"kinds": f"Give a list of kinds from: {', '.join(ChangeKind.values)}."}
            )

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending (being tried)"
    DELIVERED = "delivered", "Delivered"


class WebhookDelivery(TimeStampedModel):
    """One POST of a batch of changes, tried until the endpoint answers 2xx."""

    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", help_text="Sent to."
    )
    key = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Idempotency key (the webhook-id header): the same on every retry.",
    )
    body = models.TextField(help_text="The JSON body, exactly as signed and sent.")
    changes = models.PositiveIntegerField(help_text="How many changes the body holds.")
    cursor = models.CharField(
        max_length=40, help_text="The feed position after this delivery's changes."
    )
    status = models.CharField(
        max_length=9,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        help_text="pending (waiting while its webhook is paused) or delivered.",
    )
    attempts = models.PositiveIntegerField(default=0, help_text="POSTs made so far.")
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When it is tried next (pending only)."
    )
    last_attempt_at = models.DateTimeField(null=True, blank=True, help_text="Last POST.")
    last_status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="HTTP status of the last answer (none: no answer)."
    )
    last_error = models.CharField(
        max_length=300, blank=True, help_text="What went wrong with the last attempt."
    )
    delivered_at = models.DateTimeField(null=True, blank=True, help_text="When it succeeded.")

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="delivery_status_valid",
                violation_error_message="Unknown status.",
            ),
        ]

    def __str__(self):
        return f"{self.key} → {self.webhook.url} ({self.status})"
