"""An editor's proposed change to published content, for a publisher to accept or reject."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .base import TimeStampedModel


class ProposalKind(models.TextChoices):
    ALIAS = "alias", "Add an alias"
    PARTICIPATION = "participation", "Add a participant"
    CORRECTION = "correction", "Correct what it says"


class ProposalStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Proposal(TimeStampedModel):
    """What an editor wants changed in a published record, and what a publisher decided.

    Accepted, it is applied by the same services as a publisher's own change, with a
    correction note for readers and history (``events.services.proposals``).
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, help_text="The kind of record to change."
    )
    object_id = models.PositiveBigIntegerField(help_text="The record to change.")
    target = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(
        max_length=16, choices=ProposalKind.choices, help_text="What sort of change."
    )
    changes = models.JSONField(
        help_text="The proposed values by field name (an alias's name and language, a "
        "participant's actor, role, source and passage, or the fields to correct)."
    )
    reason = models.TextField(
        help_text="Why, with the source: shown to the publisher and offered as the note "
        "for readers."
    )
    status = models.CharField(
        max_length=8,
        choices=ProposalStatus.choices,
        default=ProposalStatus.OPEN,
        db_index=True,
        help_text="Open until a publisher accepts or rejects it.",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The editor who proposed it.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The publisher who accepted or rejected it.",
    )
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When it was decided.")
    decision_note = models.TextField(
        blank=True, help_text="The note for readers (accepted) or the reason (rejected)."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="proposal_target")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ProposalKind.values),
                name="proposal_kind_valid",
                violation_error_message="Unknown kind of proposal.",
            ),
            models.CheckConstraint(
                condition=Q(status=ProposalStatus.OPEN) | Q(decided_at__isnull=False),
                name="proposal_decided_at",
                violation_error_message="A decided proposal says when.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.content_type.name} {self.object_id}"
