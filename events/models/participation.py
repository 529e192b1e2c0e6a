"""Participations: an actor's role in an event (perpetrator, victim, court…), with the
article that states it."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .base import TimeStampedModel, VisibleQuerySet, published_q


class Role(models.TextChoices):
    PERPETRATOR = "perpetrator", "Perpetrator"
    SUSPECTED_PERPETRATOR = "suspected_perpetrator", "Suspected perpetrator"
    CLAIMANT = "claimant", "Claimed responsibility"
    ORGANISER = "organiser", "Organiser or facilitator (alleged)"
    VICTIM = "victim", "Victim"
    RESPONDER = "responder", "Responder"
    DETAINING_AUTHORITY = "detaining_authority", "Detaining authority"
    DETAINEE = "detainee", "Detained or charged"
    INVESTIGATOR = "investigator", "Investigator"
    COURT = "court", "Court"
    WARNER = "warner", "Issued a warning"
    OFFICIAL = "official", "Official acting"
    COMMENTATOR = "commentator", "Commentator"


class ParticipationQuerySet(VisibleQuerySet):
    @classmethod
    def public_parts(cls, prefix: str = "") -> dict[str, Q]:
        """A role is public when its actor, its event and the article stating it are."""
        return {
            "actor": published_q(f"{prefix}actor__"),
            "event": published_q(f"{prefix}event__"),
            "source": published_q(f"{prefix}source__"),
        }


class Participation(TimeStampedModel):
    """An actor's role in an event, with the article that says so."""

    event = models.ForeignKey(
        "events.Event",
        on_delete=models.CASCADE,
        related_name="participations",
        help_text="The event.",
    )
    actor = models.ForeignKey(
        "events.Actor",
        on_delete=models.CASCADE,
        related_name="participations",
        help_text="The actor taking part.",
    )
    role = models.CharField(
        max_length=24, choices=Role.choices, db_index=True, help_text="The actor's role."
    )
    source = models.ForeignKey(
        "events.Article",
        on_delete=models.PROTECT,
        related_name="participations",
        help_text="The article that states this role.",
    )
    passage = models.TextField(
        blank=True, help_text="The sentence of the source that states it, quoted exactly."
    )
    note = models.CharField(max_length=300, blank=True, help_text="Qualifications, if any.")

    objects = ParticipationQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "actor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "actor", "role"],
                name="participation_unique",
                violation_error_message="This actor already has this role in the event.",
            ),
            models.CheckConstraint(
                condition=Q(role__in=Role.values),
                name="participation_role_valid",
                violation_error_message="Unknown role.",
            ),
        ]

    def __str__(self):
        return f"{self.actor} — {self.get_role_display()} — {self.event}"

    def clean(self):
        """A quoted passage must stand in the source's text, as a claim source's must."""
        super().clean()
        source = self.source if self.source_id else None
        if self.passage and source is not None and not source.is_citation:
            source.passage_position(self.passage)
