"""Editorial records shared by the admin and the reader pages: mentions, corrections, redirects."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .base import TimeStampedModel, VisibleQuerySet, published_q


class MentionQuerySet(VisibleQuerySet):
    @classmethod
    def public_parts(cls, prefix: str = "") -> dict[str, Q]:
        """A mention is shown when confirmed, in a published article, naming a published
        actor or location."""
        return {
            "": Q(**{f"{prefix}confirmed": True}),
            "article": published_q(f"{prefix}article__"),
            "named": published_q(f"{prefix}actor__") | published_q(f"{prefix}location__"),
        }


class Mention(TimeStampedModel):
    """A place in an article's cleaned text that names a known actor or location."""

    article = models.ForeignKey(
        "events.Article",
        on_delete=models.CASCADE,
        related_name="mentions",
        help_text="The article whose cleaned text mentions the entity.",
    )
    actor = models.ForeignKey(
        "events.Actor",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentions",
        help_text="The actor mentioned (exactly one of actor and location).",
    )
    location = models.ForeignKey(
        "events.Location",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentions",
        help_text="The location mentioned (exactly one of actor and location).",
    )
    start_offset = models.PositiveIntegerField(
        help_text="Where the mention starts in the cleaned text (characters)."
    )
    end_offset = models.PositiveIntegerField(
        help_text="Where the mention ends in the cleaned text (characters)."
    )
    surface = models.CharField(
        max_length=200, help_text="The words as they stand in the text (a name or alias)."
    )
    confirmed = models.BooleanField(
        default=False, help_text="Whether an editor confirmed that the text means this entity."
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The editor who confirmed it.",
    )

    objects = MentionQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "start_offset"]
        constraints = [
            models.CheckConstraint(
                condition=Q(actor__isnull=False, location__isnull=True)
                | Q(actor__isnull=True, location__isnull=False),
                name="mention_one_target",
                violation_error_message="A mention names exactly one actor or one location.",
            ),
            models.CheckConstraint(
                condition=Q(end_offset__gt=models.F("start_offset")),
                name="mention_offsets",
                violation_error_message="A mention ends after it starts.",
            ),
            models.UniqueConstraint(
                fields=["article", "start_offset", "end_offset", "actor"],
                condition=Q(actor__isnull=False),
                name="mention_unique_actor",
                violation_error_message="This mention is already recorded.",
            ),
            models.UniqueConstraint(
                fields=["article", "start_offset", "end_offset", "location"],
                condition=Q(location__isnull=False),
                name="mention_unique_location",
                violation_error_message="This mention is already recorded.",
            ),
        ]

    def __str__(self):
        return f"{self.surface} @ {self.start_offset} in {self.article}"

    @property
    def target(self):
        return self.actor if self.actor_id else self.location


class CorrectionKind(models.TextChoices):
    CORRECTION = "correction", "Correction"
    WITHDRAWAL = "withdrawal", "Withdrawal"
    UPDATE = "update", "Update"


class Correction(TimeStampedModel):
    """A public note on a change to published content: the corrections log readers see."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, help_text="Type of the corrected object."
    )
    object_id = models.PositiveBigIntegerField(help_text="Id of the corrected object.")
    target = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(
        max_length=12,
        choices=CorrectionKind.choices,
        default=CorrectionKind.CORRECTION,
        help_text="Correction, withdrawal or update.",
    )
    note = models.TextField(help_text="What changed and why, as readers will see it.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The editor who made the change.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="correction_target")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(note=""),
                name="correction_note_not_blank",
                violation_error_message="A correction needs a public note.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.note[:60]}"


class SlugRedirect(TimeStampedModel):
    """An old slug of a merged (or renamed) object, and the slug it now lives at."""

    class Kind(models.TextChoices):
        ACTOR = "actor", "Actor"
        LOCATION = "location", "Location"
        EVENT = "event", "Event"
        ARTICLE = "article", "Article"

    kind = models.CharField(max_length=10, choices=Kind.choices, help_text="Type of object.")
    old_slug = models.SlugField(max_length=120, help_text="The slug that no longer exists.")
    new_slug = models.SlugField(max_length=120, help_text="The slug to send readers to.")

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "old_slug"],
                name="slug_redirect_unique",
                violation_error_message="This old slug already redirects.",
            ),
            models.CheckConstraint(
                condition=~Q(old_slug=models.F("new_slug")),
                name="slug_redirect_not_loop",
                violation_error_message="A slug cannot redirect to itself.",
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.old_slug} → {self.new_slug}"
