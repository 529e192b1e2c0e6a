import hashlib

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from events import dates
from events.text import clean_report_text

from .base import PublishableModel, PublishableQuerySet, SluggedModel
from .common import language_validator

# The long columns of an article. A page or response that only names an article (its
# headline, date and links) defers them: an event's sources would otherwise fetch the whole
# text of every report once per claim it supports (hundreds of kilobytes per request).
TEXT_FIELDS = ("raw_text", "clean_text", "provenance_note")


def texts_behind(prefix: str, *, keep: tuple[str, ...] = ()) -> list[str]:
    """``defer()`` names for the texts of the article reached by ``prefix`` ("source__").

    ``keep`` the ones the caller reads (pages keep ``raw_text`` for ``is_citation``).
    """
    return [prefix + name for name in TEXT_FIELDS if name not in keep]


class ArticleQuerySet(PublishableQuerySet):
    def for_list(self):
        return self.select_related("publisher").defer("raw_text", "clean_text")


class ArticleKind(models.TextChoices):
    """Whose text an article is: an outlet's report is a source, the newsroom's own text is not."""

    REPORT = "report", "An outlet's report"
    OFFICIAL = "official", "An official statement or document"
    NEWSROOM = "newsroom", "The newsroom's own text"


class Article(SluggedModel, PublishableModel):
    """A source document: a report we hold the text of, or a citation of one we don't.

    A citation is still a reference a reader can follow: the outlet (``publisher``), its own
    headline, its date, its URL (or, where none could be established, a provenance note
    saying so and where the fact was relayed), the day we looked it up, and the passages we
    quote from it (on each ``ClaimSource``).
    """

    slug_source = "headline"

    headline = models.CharField(
        max_length=300,
        help_text="The headline shown in newsbase: the outlet's own where known (see "
        "original_headline), otherwise the newsroom's description of the report.",
    )
    original_headline = models.CharField(
        max_length=300,
        blank=True,
        default="",
        db_default="",
        help_text="The headline exactly as the outlet published it, in its language; blank "
        "when it is not known.",
    )
    kind = models.CharField(
        max_length=12,
        choices=ArticleKind.choices,
        default=ArticleKind.REPORT,
        db_default=ArticleKind.REPORT,
        help_text="An outlet's report, an official statement or document, or the newsroom's "
        "own text (never cited as a source).",
    )
    raw_text = models.TextField(
        blank=True,
        help_text="The text exactly as received, debris included. Never edited once stored. "
        "Blank for a bare citation.",
    )
    raw_text_sha256 = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        editable=False,
        help_text="SHA-256 of the raw text, to refuse the same report twice.",
    )
    clean_text = models.TextField(
        blank=True,
        editable=False,
        help_text="The raw text with scraped-page debris removed and paragraphs kept "
        "(derived on save).",
    )
    published_on = models.DateField(
        null=True,
        blank=True,
        db_index=True,
        validators=[dates.validate_date],
        help_text="The date the publisher published it.",
    )
    publisher = models.ForeignKey(
        "events.Actor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles_published",
        help_text="The outlet (an actor) that published it, if known.",
    )
    byline = models.CharField(
        max_length=200,
        blank=True,
        help_text="Author(s) as the outlet gives them; blank when it names none.",
    )
    url = models.URLField(
        max_length=500,
        null=True,
        blank=True,
        help_text="Where the report can be read, as found (never constructed). Blank when no "
        "URL could be established: the provenance note then says so.",
    )
    carried_by = models.CharField(
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text="The site at the URL when it is not the outlet's own: a wire report carried "
        "by a subscriber (an AP report on a member station's site).",
    )
    language = models.CharField(
        max_length=16,
        default="en",
        validators=[language_validator],
        help_text="BCP 47 language tag of the text.",
    )
    retrieved_at = models.DateTimeField(
        null=True,
        blank=True,
        validators=[dates.validate_datetime],
        help_text="When newsbase received the text, or looked the report up at its URL.",
    )
    provenance_note = models.TextField(
        blank=True,
        help_text="How we came by the report, or what is unknown about it (publisher, URL…) "
        "and where its facts were relayed instead.",
    )

    objects = ArticleQuerySet.as_manager()

    # The raw text never changes and the clean text is derived from it: not copied per row.
    history = HistoricalRecords(excluded_fields=["raw_text", "clean_text"])

    class Meta:
        permissions = [("publish_article", "Can publish, withdraw and correct articles")]
        ordering = ["-published_on", "headline"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=Q(url__isnull=False),
                name="article_unique_url",
                violation_error_message="An article with this URL is already recorded.",
            ),
            models.UniqueConstraint(
                fields=["raw_text_sha256"],
                condition=Q(raw_text_sha256__isnull=False),
                name="article_unique_text",
                violation_error_message="This exact text has already been ingested.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ArticleKind.values),
                name="article_kind_valid",
                violation_error_message="Choose an article kind from the list.",
            ),
            models.CheckConstraint(
                condition=Q(raw_text="") | Q(raw_text_sha256__isnull=False),
                name="article_text_has_hash",
                violation_error_message="An article with text must carry its hash.",
            ),
            models.CheckConstraint(
                condition=dates.range_condition("published_on", datetime=False, nullable=True),
                name="article_published_on_in_range",
                violation_error_message=dates.out_of_range_message(),
            ),
            models.CheckConstraint(
                condition=dates.range_condition("retrieved_at", datetime=True, nullable=True),
                name="article_retrieved_at_in_range",
                violation_error_message=dates.out_of_range_message(),
            ),
        ]

    def __str__(self):
        return self.headline

    @property
    def is_citation(self) -> bool:
        """A citation of a report we do not hold the text of."""
        return not self.raw_text

    def _stored_raw_text(self) -> str | None:
        if self.pk is None:
            return None
        return (
            type(self)._base_manager.filter(pk=self.pk).values_list("raw_text", flat=True).first()
        )

    def clean(self):
        super().clean()
        stored = self._stored_raw_text()
        if stored and stored != self.raw_text:
            raise ValidationError(
                {"raw_text": "The text as received cannot be changed; ingest a new article."}
            )
        self._derive()

    def _derive(self) -> None:
        """Fields computed from the raw text, once, at write time."""
        if self.url == "":
            self.url = None
        self.clean_text = clean_report_text(self.raw_text)
        self.raw_text_sha256 = (
            hashlib.sha256(self.raw_text.encode()).hexdigest() if self.raw_text else None
        )

    def save(self, *args, **kwargs):
        stored = self._stored_raw_text()
        if stored and stored != self.raw_text:
            raise ValidationError("The text as received cannot be changed once stored.")
        self._derive()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "clean_text", "raw_text_sha256"}
        super().save(*args, **kwargs)

    def passage_position(self, passage: str, *, field: str = "passage") -> int:
        """Where ``passage`` starts in the cleaned text; a ValidationError on ``field`` if it
        does not occur there exactly (the one rule for claim sources and participations)."""
        position = self.clean_text.find(passage) if passage else -1
        if position < 0:
            raise ValidationError(
                {field: "This passage does not occur in the article's text; quote it exactly."}
            )
        return position

    def paragraphs(self) -> list[str]:
        return [p for p in self.clean_text.split("\n\n") if p.strip()]
