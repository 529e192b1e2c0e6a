"""Abstract bases shared by every model: timestamps, publication workflow, stable slugs."""

import functools
import operator

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


#: Among events placed at the same time, the more precise date reads first (events.chronology).
PRECISION_RANK = {Precision.MINUTE: 0, Precision.DAY: 1, Precision.MONTH: 2, Precision.YEAR: 3}


def is_staff(user) -> bool:
    """Staff (active) may preview drafts; everyone else reads what is public."""
    return bool(user is not None and user.is_active and user.is_staff)


def published_q(prefix: str = "") -> models.Q:
    """``<prefix>status`` is published: the own-row half of every visibility rule."""
    return models.Q(**{f"{prefix}status": Status.PUBLISHED})


class VisibleQuerySet(models.QuerySet):
    """A model's visibility rule, written once: ``public()`` and ``visible_to(user)``.

    Each subclass says in ``public_parts(prefix)`` when one of its rows is public, as one
    condition per row it depends on (a claim needs itself, its event and its speaker
    published); other models' rules reuse it through ``prefix`` so a nested row is held to
    the same rule as a top-level one.

    ``under`` names the relation through which rows are read beneath a parent the reader
    may already see (an event's claims, ``under="event"``): that parent's condition holds
    already and is left out, which spares the query a join per nested list. The parent
    must have come from ``visible_to(user)`` itself, as every fetch plan's parents do.
    """

    @classmethod
    def public_parts(cls, prefix: str = "") -> dict[str, models.Q]:
        """The rule's conditions, each keyed by the relation it checks ("" is the row)."""
        raise NotImplementedError

    @classmethod
    def public_q(cls, prefix: str = "", *, under: str | None = None) -> models.Q:
        """When a row is public (beneath a visible ``under``, when given)."""
        parts = cls.public_parts(prefix)
        if under is not None and parts.pop(under, None) is None:
            raise ValueError(f"{cls.__name__}'s rule checks no relation named {under!r}")
        return functools.reduce(operator.and_, parts.values(), models.Q())

    def public(self, *, under: str | None = None):
        """The rows anyone may read (beneath a visible ``under``, when given)."""
        return self.filter(self.public_q(under=under))

    def visible_to(self, user, *, under: str | None = None):
        """Public rows for the public; every row for staff (previews)."""
        return self if is_staff(user) else self.public(under=under)


class PublishableQuerySet(VisibleQuerySet):
    @classmethod
    def public_parts(cls, prefix: str = "") -> dict[str, models.Q]:
        return {"": published_q(prefix)}

    def search(self, query: str, *, ranked: bool = True):
        """Rows matching ``query``, best first (the one search service, events.search).

        ``ranked=False`` for callers that order the matches themselves (the API pages them
        newest first): the same rows, without computing a rank nobody reads.
        """
        from events.search import search_queryset

        return search_queryset(self, query, ranked=ranked)


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
    revision = models.PositiveBigIntegerField(
        default=1,
        # Also the database's default, so rows written by COPY or raw SQL (the bench data
        # set, bulk loads) start at 1 like rows saved through the ORM.
        db_default=1,
        editable=False,
        help_text="Goes up by one whenever anything this object's API representation shows "
        "changes (its own fields, or the claims, names and places it prints).",
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISHED and self.first_published_at is None:
            self.first_published_at = timezone.now()
        if not self._state.adding and self.pk is not None and not kwargs.get("force_insert"):
            # ``revision`` moves only through the change log (events.sync.recorder), in the
            # database: an instance read before a bump must not write its old number back.
            if kwargs.get("update_fields") is None:
                deferred = self.get_deferred_fields()
                kwargs["update_fields"] = [
                    f.name
                    for f in self._meta.concrete_fields
                    if not f.primary_key and f.name != "revision" and f.attname not in deferred
                ]
            else:
                kwargs["update_fields"] = [f for f in kwargs["update_fields"] if f != "revision"]
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def version(self) -> int:
        """The API's name for ``revision`` (the admin's forms use ``version`` for their own
        stale-edit token)."""
        return self.revision


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
