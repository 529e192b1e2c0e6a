"""Abstract bases shared by every model: timestamps, publication workflow, stable slugs."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from events.links import fast_reverse

from .common import detect_script, language_validator, script_validator


class TimeStampedModel(models.Model):
    """``created_at`` / ``updated_at`` on every row; ``updated_at`` is the API sync cursor."""

    created_at = models.DateTimeField(
        default=timezone.now,
        editable=False,
        db_index=True,
        help_text="When this row was created in newsbase.",
    )
    updated_at = models.DateTimeField(
        auto_now=True,
        db_index=True,
        help_text="When this row was last changed in newsbase.",
    )

    class Meta:
        abstract = True


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Precision(models.TextChoices):
    """How much of a stored datetime is known (after courtlistener's date_granularity)."""

    YEAR = "year", "Year"
    MONTH = "month", "Month"
    DAY = "day", "Day"
    MINUTE = "minute", "Minute"


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def search(self, query: str, *, ranked: bool = True):
        """Rows matching ``query``, best first (the one search service, events.search).

        ``ranked=False`` for callers that order the matches themselves (the API pages them
        newest first): the same rows, without computing a rank nobody reads.
        """
        from events.search import search_queryset

        return search_queryset(self, query, ranked=ranked)

    def visible_to(self, user):
        """Published rows for the public; everything for staff (previews)."""
        if user is not None and user.is_active and user.is_staff:
            return self
        return self.published()


class PublishableModel(TimeStampedModel):
    """A public entity: it has a workflow status, a public note and (if slugged) a fixed slug."""

    status = models.CharField(
        max_length=16,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Workflow state. Only published rows are shown to readers and API clients.",
    )
    first_published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When this row was first published; its slug is frozen from then on.",
    )
    public_note = models.TextField(
        blank=True,
        help_text="Note shown to readers on withdrawal or correction of published content.",
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISHED and self.first_published_at is None:
            self.first_published_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED


class SluggedModel(models.Model):
    """Mixin: a unique slug, derived from ``slug_source`` and frozen once published."""

    slug_source = "name"

    slug = models.SlugField(
        max_length=120,
        unique=True,
        allow_unicode=False,
        help_text="URL identifier. Derived from the name; cannot change once published.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), getattr(self, self.slug_source, ""), self.pk)
        self._check_slug_frozen()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The reader page, ``events:<model>-detail`` by slug."""
        return fast_reverse(f"events:{self._meta.model_name}-detail", "slug", self.slug)

    def clean_fields(self, exclude=None):
        if not self.slug:
            self.slug = unique_slug(type(self), getattr(self, self.slug_source, ""), self.pk)
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        self._check_slug_frozen()

    def _check_slug_frozen(self):
        if self.pk is None or getattr(self, "first_published_at", None) is None:
            return
        stored = type(self)._base_manager.filter(pk=self.pk).values_list("slug", flat=True).first()
        if stored is not None and stored != self.slug:
            raise ValidationError(
                {"slug": f"The slug cannot change once published (it is “{stored}”)."}
            )


def unique_slug(model, text: str, pk=None, max_length: int = 120) -> str:
    """A slug for ``text`` that no other row of ``model`` uses (``crocus``, ``crocus-2``…)."""
    base = (
        slugify(text, allow_unicode=False)[: max_length - 8].strip("-") or model._meta.model_name
    )
    candidate, n = base, 2
    others = model._base_manager.exclude(pk=pk) if pk else model._base_manager.all()
    while others.filter(slug=candidate).exists():
        candidate = f"{base}-{n}"
        n += 1
    return candidate


class AliasModel(TimeStampedModel):
    """Another name of something, in a language and script (Krasnogorsk / Красногорск)."""

    name = models.CharField(max_length=200, help_text="The alternative name, as written.")
    language = models.CharField(
        max_length=16,
        blank=True,
        validators=[language_validator],
        help_text="BCP 47 language tag of the name (en, ru, uk…).",
    )
    script = models.CharField(
        max_length=4,
        blank=True,
        validators=[script_validator],
        help_text="ISO 15924 script code (Latn, Cyrl…); derived from the name when blank.",
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.script:
            self.script = detect_script(self.name)
        super().save(*args, **kwargs)
