from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from events import dates

from .base import (
    AliasModel,
    PublishableModel,
    PublishableQuerySet,
    SluggedModel,
    TimeStampedModel,
    VisibleQuerySet,
    published_q,
)
from .common import wikidata_qid_validator


class ActorKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"
    ARMED_GROUP = "armed_group", "Armed group"
    STATE_BODY = "state_body", "State body or agency"
    GOVERNMENT = "government", "Government"
    MEDIA_OUTLET = "media_outlet", "Media outlet"
    COURT = "court", "Court"
    GROUP = "group", "Group of people"
    OTHER = "other", "Other"


class ActorQuerySet(PublishableQuerySet):
    def for_list(self):
        return self


class Actor(SluggedModel, PublishableModel):
    """Someone who acts or speaks: a person, an organisation, a state body, a media outlet…"""

    name = models.CharField(max_length=200, help_text="Usual English name.")
    kind = models.CharField(
        max_length=16,
        choices=ActorKind.choices,
        db_index=True,
        help_text="What sort of actor this is.",
    )
    description = models.TextField(blank=True, help_text="Who this is, in a sentence or two.")
    wikidata_qid = models.CharField(
        max_length=16,
        null=True,
        blank=True,
        validators=[wikidata_qid_validator],
        verbose_name="Wikidata QID",
        help_text="Wikidata identifier (Q…), where known.",
    )
    website = models.URLField(blank=True, help_text="Official website, if any.")

    objects = ActorQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        permissions = [
            ("publish_actor", "Can publish, withdraw and correct actors"),
            ("merge_actor", "Can merge duplicate actors"),
        ]
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["wikidata_qid"],
                condition=Q(wikidata_qid__isnull=False),
                name="actor_unique_qid",
                violation_error_message="Another actor already has this Wikidata QID.",
            ),
        ]

    def __str__(self):
        return self.name


class ActorAlias(AliasModel):
    """Another name of an actor, in a language and script (Zelensky / Zelenskyy / Зеленський)."""

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="aliases", help_text="The actor."
    )
    is_abbreviation = models.BooleanField(
        default=False, help_text="Whether the alias is an acronym or abbreviation (IS-K, FSB)."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "actor aliases"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "name"],
                name="actor_alias_unique",
                violation_error_message="This actor already has that alias.",
            ),
        ]


class AffiliationKind(models.TextChoices):
    BRANCH_OF = "branch_of", "is a branch of"
    MEMBER_OF = "member_of", "is a member of"
    LEADER_OF = "leader_of", "leads"
    OFFICIAL_OF = "official_of", "is an official of"
    SPOKESPERSON_FOR = "spokesperson_for", "speaks for"
    PART_OF = "part_of", "is part of"
    ADVISER_TO = "adviser_to", "advises"
    CITIZEN_OF = "citizen_of", "is a citizen of"


class AffiliationQuerySet(VisibleQuerySet):
    @classmethod
    def public_parts(cls, prefix: str = "") -> dict[str, models.Q]:
        """A link is public when both actors are, and its article (if any) is."""
        return {
            "actor": published_q(f"{prefix}actor__"),
            "organisation": published_q(f"{prefix}organisation__"),
            "source": models.Q(**{f"{prefix}source__isnull": True})
            | published_q(f"{prefix}source__"),
        }


class Affiliation(TimeStampedModel):
    """A typed link between two actors (IS-K is a branch of Islamic State)."""

    actor = models.ForeignKey(
        Actor,
        on_delete=models.CASCADE,
        related_name="affiliations",
        help_text="The actor who is affiliated.",
    )
    organisation = models.ForeignKey(
        Actor,
        on_delete=models.CASCADE,
        related_name="affiliated",
        help_text="The actor it is affiliated with.",
    )
    kind = models.CharField(
        max_length=20, choices=AffiliationKind.choices, help_text="How the two are linked."
    )
    title = models.CharField(
        max_length=200, blank=True, help_text="Position or title, if any (Director, spokesperson)."
    )
    start_date = models.DateField(
        null=True, blank=True, validators=[dates.validate_date], help_text="Since when, if known."
    )
    end_date = models.DateField(
        null=True,
        blank=True,
        validators=[dates.validate_date],
        help_text="Until when, if it ended.",
    )
    source = models.ForeignKey(
        "events.Article",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The article that states this link.",
    )

    objects = AffiliationQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["actor__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "organisation", "kind"],
                name="affiliation_unique",
                violation_error_message="This affiliation is already recorded.",
            ),
            models.CheckConstraint(
                condition=~Q(actor=models.F("organisation")),
                name="affiliation_not_self",
                violation_error_message="An actor cannot be affiliated with itself.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="affiliation_end_after_start",
                violation_error_message="An affiliation cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=dates.range_condition("start_date", datetime=False, nullable=True)
                & dates.range_condition("end_date", datetime=False, nullable=True),
                name="affiliation_dates_in_range",
                violation_error_message=dates.out_of_range_message(),
            ),
        ]

    def __str__(self):
        return f"{self.actor} {self.get_kind_display()} {self.organisation}"
