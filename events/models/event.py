import datetime
import zoneinfo

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from events import dates

from .base import (
    PRECISION_RANK,
    Precision,
    PublishableModel,
    PublishableQuerySet,
    SluggedModel,
    Status,
    TimeStampedModel,
    VisibleQuerySet,
    published_q,
)
from .common import validate_timezone


class EventType(models.TextChoices):
    ATTACK = "attack", "Attack"
    CLAIM_OF_RESPONSIBILITY = "claim_of_responsibility", "Claim of responsibility"
    ARREST = "arrest", "Arrest or detention"
    STATEMENT = "statement", "Statement"
    WARNING = "warning", "Warning"
    MOURNING = "mourning", "Mourning"
    INVESTIGATION = "investigation", "Investigation"
    COURT_HEARING = "court_hearing", "Court hearing"
    TRIAL = "trial", "Trial"
    VERDICT = "verdict", "Verdict"
    OTHER = "other", "Other"


class EventQuerySet(PublishableQuerySet):
    def for_list(self):
        return self.select_related("location")


class Event(SluggedModel, PublishableModel):
    """Something that happened: an attack, a claim of responsibility, a detention, a verdict…"""

    slug_source = "title"

    title = models.CharField(max_length=300, help_text="Short factual title.")
    summary = models.TextField(blank=True, help_text="What happened, in a paragraph.")
    event_type = models.CharField(
        max_length=32,
        choices=EventType.choices,
        db_index=True,
        verbose_name="type",
        help_text="Kind of event, from the controlled vocabulary.",
    )
    start = models.DateTimeField(
        db_index=True,
        validators=[dates.validate_datetime],
        help_text="When it began (stored in UTC); only as exact as start_precision says.",
    )
    start_precision = models.CharField(
        max_length=8,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text="How much of the start is known (year, month, day or minute).",
    )
    end = models.DateTimeField(
        null=True,
        blank=True,
        validators=[dates.validate_datetime],
        help_text="When it ended, if it lasted (not before the start).",
    )
    end_precision = models.CharField(
        max_length=8,
        choices=Precision.choices,
        blank=True,
        help_text="How much of the end is known; required when an end is given.",
    )
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="IANA time zone where it happened, for showing local time (Europe/Moscow).",
    )
    location = models.ForeignKey(
        "events.Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text="Primary place where it happened.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The larger event this one is part of (a detention within an attack's story).",
    )
    featured = models.BooleanField(default=False, help_text="Shown first on the home page.")
    reading_at = models.DateTimeField(
        editable=False,
        help_text="Where the event stands in reading order: its start, or for an imprecise "
        "start the time its causes place it at (events.chronology keeps it on every write).",
    )
    reading_rank = models.PositiveSmallIntegerField(
        editable=False,
        help_text="Breaks ties in reading order: the more precise start reads first "
        "(0 minute, 1 day, 2 month, 3 year).",
    )

    objects = EventQuerySet.as_manager()

    # The reading key is derived from other rows too; history keeps what editors wrote.
    history = HistoricalRecords(excluded_fields=["reading_at", "reading_rank"])

    class Meta:
        permissions = [("publish_event", "Can publish, withdraw and correct events")]
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="event_end_after_start",
                violation_error_message="An event cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True, end_precision="")
                | Q(end__isnull=False) & ~Q(end_precision=""),
                name="event_end_precision_with_end",
                violation_error_message="Give the end's precision exactly when an end is given.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="event_not_own_parent",
                violation_error_message="An event cannot be part of itself.",
            ),
            models.CheckConstraint(
                condition=Q(start_precision__in=Precision.values),
                name="event_start_precision_valid",
                violation_error_message="Unknown start precision.",
            ),
            models.CheckConstraint(
                condition=Q(event_type__in=EventType.values),
                name="event_type_valid",
                violation_error_message="Unknown event type.",
            ),
            models.CheckConstraint(
                condition=dates.range_condition("start", datetime=True),
                name="event_start_in_range",
                violation_error_message=dates.out_of_range_message(),
            ),
            models.CheckConstraint(
                condition=dates.range_condition("end", datetime=True, nullable=True),
                name="event_end_in_range",
                violation_error_message=dates.out_of_range_message(),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-start"], name="event_status_start"),
            # Every list of events reads in this order (events.chronology.READING_ORDER).
            models.Index(
                fields=["reading_at", "reading_rank", "start", "id"], name="event_reading"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The rank is this row's own; the time also depends on the events that place it, so
        # it starts at the start and events.chronology places it once the row is saved.
        self.reading_rank = PRECISION_RANK.get(self.start_precision, PRECISION_RANK["day"])
        if self.reading_at is None:
            self.reading_at = self.start
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "start_precision" in update_fields:
            kwargs["update_fields"] = [*update_fields, "reading_rank"]
        super().save(*args, **kwargs)

    @property
    def tzinfo(self):
        try:
            return zoneinfo.ZoneInfo(self.timezone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def summary_as_of(self, day: datetime.date | None) -> str:
        """The summary as it stood on ``day`` (in the event's time zone); today's if None.

        Reads ``summary_versions`` (prefetch it for lists). An event without versions has
        only its current summary; a day before the first version has no summary ("").
        """
        if day is None:
            return self.summary
        versions = sorted(self.summary_versions.all(), key=lambda v: v.current_from)
        if not versions:
            return self.summary
        text = ""
        for version in versions:
            if version.current_from > day:
                break
            text = version.text
        return text


class EventSummaryVersion(TimeStampedModel):
    """A summary of an event as it stood from a day on, so a page "as of" a day reads it then.

    The latest version is the event's current ``summary``; earlier ones say only what was
    known from their day (the 23 March summary does not know of the 2025 indictment).
    """

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="summary_versions",
        help_text="The event summarised.",
    )
    current_from = models.DateField(
        validators=[dates.validate_date],
        help_text="The day (in the event's time zone) from which this summary was current.",
    )
    text = models.TextField(help_text="The summary as it read from that day.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "current_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "current_from"],
                name="event_summary_version_unique",
                violation_error_message="This event already has a summary from that day.",
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="event_summary_version_text",
                violation_error_message="A summary version needs its text.",
            ),
            models.CheckConstraint(
                condition=dates.range_condition("current_from", datetime=False),
                name="event_summary_version_in_range",
                violation_error_message=dates.out_of_range_message(),
            ),
        ]

    def __str__(self):
        return f"{self.event} from {self.current_from}"


class EventRelationKind(models.TextChoices):
    WARNED_OF = "warned_of", "warned of"
    LED_TO = "led_to", "led to"
    RESPONSE_TO = "response_to", "is a response to"
    PART_OF = "part_of", "is part of"
    FOLLOWS = "follows", "follows"
    RELATED = "related", "is related to"


class EventRelationQuerySet(VisibleQuerySet):
    @classmethod
    def public_parts(cls, prefix: str = "") -> dict[str, Q]:
        """A link is public when both events are, and its article (if any) is."""
        return {
            "source": published_q(f"{prefix}source__"),
            "target": published_q(f"{prefix}target__"),
            "article": Q(**{f"{prefix}article__isnull": True}) | published_q(f"{prefix}article__"),
        }


class EventRelation(TimeStampedModel):
    """A typed link between two events (a warning warned of an attack, a verdict follows…)."""

    source = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="relations_out",
        help_text="The event the relation starts from.",
    )
    target = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="relations_in",
        help_text="The event it points to.",
    )
    kind = models.CharField(
        max_length=16, choices=EventRelationKind.choices, help_text="How the two are related."
    )
    article = models.ForeignKey(
        "events.Article",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The article that makes the link, if it is not obvious from the events.",
    )

    objects = EventRelationQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"],
                name="event_relation_unique",
                violation_error_message="This relation is already recorded.",
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")),
                name="event_relation_not_self",
                violation_error_message="An event cannot be related to itself.",
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.get_kind_display()} {self.target}"


__all__ = [
    "Event",
    "EventQuerySet",
    "EventRelation",
    "EventRelationKind",
    "EventSummaryVersion",
    "EventType",
    "Status",
]
