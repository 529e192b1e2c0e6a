"""Claims: what a source says, by whom, when and where, with the articles that report it
(sources), how claims bear on one another (relations), and the figures they state."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from events import dates
from events.links import fast_reverse

from .base import (
    Precision,
    PublishableModel,
    PublishableQuerySet,
    TimeStampedModel,
    VisibleQuerySet,
    published_q,
)
from .common import language_validator


class ClaimKind(models.TextChoices):
    RESPONSIBILITY = "responsibility", "Claim of responsibility"
    ACCUSATION = "accusation", "Accusation"
    DENIAL = "denial", "Denial"
    FIGURE = "figure", "Figure"
    WARNING = "warning", "Warning"
    ASSESSMENT = "assessment", "Assessment"
    STATEMENT = "statement", "Statement"
    ANNOUNCEMENT = "announcement", "Announcement"
    ATTRIBUTION = "attribution", "Attribution"


class Assessment(models.TextChoices):
    """The newsroom's own view, kept apart from what the speaker asserts."""

    UNVERIFIED = "unverified", "Unverified"
    CORROBORATED = "corroborated", "Corroborated"
    CONFIRMED = "confirmed", "Confirmed"
    DISPUTED = "disputed", "Disputed"
    FALSE = "false", "False"


class Mode(models.TextChoices):
    QUOTE = "quote", "Direct quote"
    PARAPHRASE = "paraphrase", "Paraphrase"


class Metric(models.TextChoices):
    KILLED = "killed", "Killed"
    INJURED = "injured", "Injured"
    HOSPITALISED = "hospitalised", "Hospitalised"
    MISSING = "missing", "Missing"
    DETAINED = "detained", "Detained"
    CHARGED = "charged", "Charged"


class Qualifier(models.TextChoices):
    EXACT = "exact", "exactly"
    AT_LEAST = "at_least", "at least"
    OVER = "over", "over"
    ABOUT = "about", "about"


# Which assessments may stand as a figure's current value, best first.
FIGURE_TRUST_ORDER = [Assessment.CONFIRMED, Assessment.CORROBORATED, Assessment.UNVERIFIED]


class ClaimQuerySet(PublishableQuerySet):
    @classmethod
    def public_parts(cls, prefix: str = "") -> dict[str, Q]:
        """A claim is public only when it, its event and its speaker are all published."""
        return {
            "": published_q(prefix),
            "event": published_q(f"{prefix}event__"),
            "speaker": published_q(f"{prefix}speaker__"),
        }

    def for_list(self):
        return self.select_related("speaker", "event")

    def figures(self):
        return self.filter(kind=ClaimKind.FIGURE)


class ClaimSourceQuerySet(VisibleQuerySet):
    @classmethod
    def public_parts(cls, prefix: str = "") -> dict[str, Q]:
        """A source is public when its article is and its claim is (see ClaimQuerySet)."""
        return {
            "article": published_q(f"{prefix}article__"),
            "claim": ClaimQuerySet.public_q(f"{prefix}claim__"),
        }


class ClaimRelationQuerySet(VisibleQuerySet):
    @classmethod
    def public_parts(cls, prefix: str = "") -> dict[str, Q]:
        """A relation is public when both claims are."""
        return {
            "from_claim": ClaimQuerySet.public_q(f"{prefix}from_claim__"),
            "to_claim": ClaimQuerySet.public_q(f"{prefix}to_claim__"),
        }


class Claim(PublishableModel):
    """A statement attributed to a speaker about an event; a figure is a claim with a number."""

    event = models.ForeignKey(
        "events.Event",
        on_delete=models.PROTECT,
        related_name="claims",
        help_text="The event the claim is about.",
    )
    speaker = models.ForeignKey(
        "events.Actor",
        on_delete=models.PROTECT,
        related_name="claims_made",
        help_text="Who made the claim (a person, body or outlet). Required: every claim has one.",
    )
    about_actors = models.ManyToManyField(
        "events.Actor",
        blank=True,
        related_name="claims_about",
        help_text="Actors the claim is about (the accused, the denied…).",
    )
    kind = models.CharField(
        max_length=16, choices=ClaimKind.choices, db_index=True, help_text="What sort of claim."
    )
    text = models.TextField(
        help_text="What the speaker said: their words if quoted, else a faithful paraphrase."
    )
    mode = models.CharField(
        max_length=12,
        choices=Mode.choices,
        default=Mode.PARAPHRASE,
        help_text="Whether the text is the speaker's own words or a paraphrase.",
    )
    language = models.CharField(
        max_length=16,
        default="en",
        validators=[language_validator],
        help_text="BCP 47 language tag of the text.",
    )
    made_at = models.DateTimeField(
        db_index=True,
        validators=[dates.validate_datetime],
        help_text="When the speaker made the claim (UTC), as exact as known.",
    )
    made_precision = models.CharField(
        max_length=8,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text="How much of made_at is known.",
    )
    venue = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where or how it was said (a televised address, Telegram, a press briefing).",
    )
    assessment = models.CharField(
        max_length=16,
        choices=Assessment.choices,
        default=Assessment.UNVERIFIED,
        db_index=True,
        help_text="The newsroom's own assessment, kept apart from what the speaker asserts.",
    )
    assessment_note = models.TextField(
        blank=True, help_text="Why the newsroom assesses it so (shown to readers)."
    )
    # Figures: a claim whose kind is "figure" carries a metric, a value and an as-of time.
    figure_metric = models.CharField(
        max_length=16,
        choices=Metric.choices,
        blank=True,
        help_text="For figures: what is counted (killed, injured…).",
    )
    figure_value = models.PositiveIntegerField(
        null=True, blank=True, help_text="For figures: the number stated."
    )
    figure_qualifier = models.CharField(
        max_length=10,
        choices=Qualifier.choices,
        blank=True,
        help_text="For figures: exactly, at least, over or about.",
    )
    figure_as_of = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        validators=[dates.validate_datetime],
        help_text="For figures: the time the count refers to (UTC).",
    )
    figure_as_of_precision = models.CharField(
        max_length=8,
        choices=Precision.choices,
        blank=True,
        help_text="For figures: how much of the as-of time is known.",
    )
    import_key = models.SlugField(
        max_length=80,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="Stable key of a claim loaded from a record file, so reloading is idempotent.",
    )
    objects = ClaimQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=[about_actors])

    class Meta:
        permissions = [("publish_claim", "Can publish, withdraw and correct claims")]
        ordering = ["made_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ClaimKind.values),
                name="claim_kind_valid",
                violation_error_message="Unknown claim kind.",
            ),
            models.CheckConstraint(
                condition=Q(assessment__in=Assessment.values),
                name="claim_assessment_valid",
                violation_error_message="Unknown assessment.",
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="claim_text_not_blank",
                violation_error_message="A claim needs its text (quote or paraphrase).",
            ),
            models.CheckConstraint(
                condition=~Q(kind="figure")
                | (
                    Q(figure_value__isnull=False, figure_as_of__isnull=False)
                    & ~Q(figure_metric="")
                    & ~Q(figure_qualifier="")
                ),
                name="claim_figure_complete",
                violation_error_message="A figure needs a metric, a value, a qualifier and an "
                "as-of time.",
            ),
            models.CheckConstraint(
                condition=Q(kind="figure")
                | Q(figure_value__isnull=True, figure_as_of__isnull=True, figure_metric=""),
                name="claim_only_figures_have_values",
                violation_error_message="Only a figure claim carries a metric, value or as-of "
                "time.",
            ),
            models.CheckConstraint(
                condition=dates.range_condition("made_at", datetime=True),
                name="claim_made_at_in_range",
                violation_error_message=dates.out_of_range_message(),
            ),
            models.CheckConstraint(
                condition=dates.range_condition("figure_as_of", datetime=True, nullable=True),
                name="claim_figure_as_of_in_range",
                violation_error_message=dates.out_of_range_message(),
            ),
        ]
        indexes = [
            models.Index(
                fields=["event", "figure_metric", "figure_as_of"],
                condition=Q(kind="figure"),
                name="claim_figure_series",
            ),
        ]

    def __str__(self):
        if self.kind == ClaimKind.FIGURE:
            return f"{self.speaker}: {self.figure_display}"
        return f"{self.speaker}: {self.text[:80]}"

    def get_absolute_url(self):
        return fast_reverse("events:claim-detail", "pk", self.pk)

    @property
    def figure_display(self) -> str:
        if self.figure_value is None:
            return ""
        qualifier = (
            ""
            if self.figure_qualifier == Qualifier.EXACT
            else f"{self.get_figure_qualifier_display()} "
        )
        return f"{qualifier}{self.figure_value} {self.get_figure_metric_display().lower()}"

    def clean(self):
        super().clean()
        if self.kind == ClaimKind.FIGURE:
            errors = {}
            if not self.figure_metric:
                errors["figure_metric"] = "A figure needs to say what it counts."
            if self.figure_value is None:
                errors["figure_value"] = "A figure needs a value."
            if self.figure_as_of is None:
                errors["figure_as_of"] = "A figure needs the time it refers to."
            if errors:
                raise ValidationError(errors)
            if not self.figure_qualifier:
                self.figure_qualifier = Qualifier.EXACT


class ClaimSource(TimeStampedModel):
    """An article that reports a claim, with the passage that says it (provenance as rows)."""

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="sources", help_text="The claim reported."
    )
    article = models.ForeignKey(
        "events.Article",
        on_delete=models.PROTECT,
        related_name="claim_sources",
        help_text="The article that reports it.",
    )
    passage = models.TextField(
        blank=True,
        help_text="The passage of the article that reports the claim, quoted exactly from its "
        "cleaned text; for a citation whose text we do not hold, the short passage we quote "
        "from the report (blank if none).",
    )
    attributes_speaker = models.BooleanField(
        default=False,
        db_default=False,
        help_text="This report (at its URL) attributes the claim to its speaker although the "
        'quoted passage does not name them: readers see "according to <outlet>".',
    )
    start_offset = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Where the passage starts in the article's cleaned text (characters).",
    )
    end_offset = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Where the passage ends in the article's cleaned text (characters).",
    )

    objects = ClaimSourceQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["claim", "article__published_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "article"],
                name="claim_source_unique",
                violation_error_message="This article is already a source of the claim.",
            ),
            models.CheckConstraint(
                condition=Q(start_offset__isnull=True, end_offset__isnull=True)
                | Q(
                    start_offset__isnull=False,
                    end_offset__isnull=False,
                    end_offset__gt=models.F("start_offset"),
                ),
                name="claim_source_offsets",
                violation_error_message="A passage ends after it starts; give both offsets or "
                "neither.",
            ),
        ]

    def __str__(self):
        return f"{self.article} → claim {self.claim_id}"

    def clean(self):
        super().clean()
        article = self.article if self.article_id else None
        if article is None or article.is_citation:
            return
        if not self.passage:
            raise ValidationError({"passage": "Quote the passage of the article that says this."})
        position = article.passage_position(self.passage)
        if self.start_offset is None:
            self.start_offset, self.end_offset = position, position + len(self.passage)
        elif article.clean_text[self.start_offset : self.end_offset] != self.passage:
            raise ValidationError({"start_offset": "The offsets do not match the passage."})


class ClaimRelationKind(models.TextChoices):
    SUPPORTS = "supports", "supports"
    CONTRADICTS = "contradicts", "contradicts"
    UPDATES = "updates", "updates"


class ClaimRelation(TimeStampedModel):
    """One claim supports, contradicts or updates another (a denial contradicts an accusation)."""

    from_claim = models.ForeignKey(
        Claim,
        on_delete=models.CASCADE,
        related_name="relations_out",
        help_text="The claim that supports or contradicts.",
    )
    to_claim = models.ForeignKey(
        Claim,
        on_delete=models.CASCADE,
        related_name="relations_in",
        help_text="The claim supported or contradicted.",
    )
    kind = models.CharField(
        max_length=12, choices=ClaimRelationKind.choices, help_text="How they relate."
    )

    objects = ClaimRelationQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_claim", "to_claim", "kind"],
                name="claim_relation_unique",
                violation_error_message="This relation is already recorded.",
            ),
            models.CheckConstraint(
                condition=~Q(from_claim=models.F("to_claim")),
                name="claim_relation_not_self",
                violation_error_message="A claim cannot relate to itself.",
            ),
        ]

    def __str__(self):
        return f"claim {self.from_claim_id} {self.kind} claim {self.to_claim_id}"


def best_figure(figures):
    """The best current value of one figure series: the latest of the most trusted claims.

    Latest confirmed wins; if none is confirmed, the latest corroborated; then the latest
    unverified. Disputed and false figures never stand. Not the largest: a later, lower
    confirmed count beats an earlier higher one.
    """
    for level in FIGURE_TRUST_ORDER:
        candidates = [f for f in figures if f.assessment == level]
        if candidates:
            return max(candidates, key=lambda f: (f.figure_as_of, f.made_at, f.pk or 0))
    return None


def figure_series(claims) -> dict[str, dict]:
    """Group figure claims by metric: ``{metric: {"series": [...], "best": claim}}``."""
    grouped: dict[str, list] = {}
    for claim in claims:
        if claim.kind == ClaimKind.FIGURE:
            grouped.setdefault(claim.figure_metric, []).append(claim)
    result = {}
    for metric in Metric.values:
        if metric in grouped:
            series = sorted(grouped[metric], key=lambda f: (f.figure_as_of, f.made_at, f.pk or 0))
            result[metric] = {"series": series, "best": best_figure(series)}
    return result


__all__ = [
    "Assessment",
    "Claim",
    "ClaimKind",
    "ClaimRelation",
    "ClaimRelationKind",
    "ClaimSource",
    "Metric",
    "Mode",
    "PublishableQuerySet",
    "Qualifier",
    "best_figure",
    "figure_series",
]
