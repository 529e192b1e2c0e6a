from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .base import AliasModel, PublishableModel, PublishableQuerySet, SluggedModel
from .common import (
    validate_timezone,
    wikidata_qid_validator,
)


class LocationKind(models.TextChoices):
    VENUE = "venue", "Venue or building"
    SETTLEMENT = "settlement", "Village or settlement"
    CITY = "city", "City or town"
    DISTRICT = "district", "District"
    REGION = "region", "Region or province"
    COUNTRY = "country", "Country"
    AREA = "area", "Area or border zone"
    OTHER = "other", "Other"


class LocationQuerySet(PublishableQuerySet):
    def for_list(self):
        return self.select_related("parent")


class Location(SluggedModel, PublishableModel):
    """A place, inside another (Crocus City Hall ⊂ Krasnogorsk ⊂ Moscow Oblast ⊂ Russia)."""

    name = models.CharField(max_length=200, help_text="Usual English name of the place.")
    kind = models.CharField(
        max_length=16,
        choices=LocationKind.choices,
        default=LocationKind.OTHER,
        db_index=True,
        help_text="What sort of place this is.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The place this one lies inside (a venue's city, a city's region…).",
    )
    description = models.TextField(blank=True, help_text="A short description of the place.")
    address = models.CharField(max_length=300, blank=True, help_text="Street address, if any.")
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        help_text="WGS 84 latitude in degrees, −90 to 90 (north positive).",
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        help_text="WGS 84 longitude in degrees, −180 to 180 (east positive).",
    )
    timezone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text="IANA time zone of the place (for example Europe/Moscow).",
    )
    wikidata_qid = models.CharField(
        max_length=16,
        null=True,
        blank=True,
        validators=[wikidata_qid_validator],
        verbose_name="Wikidata QID",
        help_text="Wikidata identifier (Q…), where known.",
    )

    objects = LocationQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        permissions = [
            ("publish_location", "Can publish, withdraw and correct locations"),
            ("merge_location", "Can merge duplicate locations"),
        ]
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
                violation_error_message="Latitude must be between −90 and 90 degrees.",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
                violation_error_message="Longitude must be between −180 and 180 degrees.",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="location_coordinates_pair",
                violation_error_message="Give both latitude and longitude, or neither.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="location_not_own_parent",
                violation_error_message="A place cannot lie inside itself.",
            ),
            models.UniqueConstraint(
                fields=["wikidata_qid"],
                condition=Q(wikidata_qid__isnull=False),
                name="location_unique_qid",
                violation_error_message="Another location already has this Wikidata QID.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from events.reads.places import upward

        super().clean()
        if self.parent_id is None:
            return
        if self.pk is not None and (
            self.parent_id == self.pk
            or Location._base_manager.filter(pk=self.pk, id__in=upward(self.parent_id)).exists()
        ):
            raise ValidationError({"parent": "This parent would make the hierarchy a loop."})


class LocationAlias(AliasModel):
    """Another name of a place, in a language and script (Krasnogorsk / Красногорск)."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="aliases", help_text="The place."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "location aliases"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "name"],
                name="location_alias_unique",
                violation_error_message="This place already has that alias.",
            ),
        ]
