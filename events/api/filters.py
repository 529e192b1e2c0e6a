"""django-filter FilterSets for the API lists; each bad value is a 400 naming the parameter.

Slug filters look the slug up among the objects the client may see, so a draft's slug is
as unknown to an anonymous client as a slug that does not exist.
"""

import datetime as dt
import re
from decimal import Decimal

import django_filters as filters
from django import forms
from django.db.models import FloatField, Q, Value
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from events import dates
from events.models import (
    Actor,
    ActorKind,
    Article,
    Assessment,
    Claim,
    ClaimKind,
    Event,
    EventType,
    Location,
    LocationKind,
    Participation,
    Role,
)
from events.reads.as_of import AsOf, InvalidAsOf
from events.reads.places import subtree
from events.search import MAX_QUERY_LENGTH

from .pagination import wants_relevance


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _visible(model):
    def queryset(request):
        user = getattr(request, "user", None)
        return model.objects.visible_to(user)

    return queryset


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(filters.ModelChoiceFilter):
    """A slug among the objects visible to the client."""

    def __init__(self, *args, model, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("queryset", _visible(model))
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": f"No {model._meta.verbose_name} has the slug “%(value)s”."},
        )
        super().__init__(*args, **kwargs)


@extend_schema_field(
    # As the form field reads it: at most MAX_QUERY_LENGTH characters, no NUL (Django's
    # ProhibitNullCharactersValidator).
    {"type": "string", "maxLength": MAX_QUERY_LENGTH, "pattern": r"^[^\x00]*$"}
)
class SearchFilter(filters.CharFilter):
    """``q``: the shared search service (events.search), the same as the site's search."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        kwargs.setdefault("help_text", "Search words (names, aliases, text).")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        # The rank is computed only when the list is ordered by it (ordering=relevance, the
        # default with q); other orderings page the same rows without it.
        request = getattr(self.parent, "request", None)
        ranked = request is not None and wants_relevance(request)
        found = qs.search(value, ranked=ranked)
        if ranked and "search_rank" not in found.query.annotations:
            found = found.annotate(search_rank=Value(0.0, output_field=FloatField()))
        return found


def as_utc(value: dt.datetime) -> dt.datetime:
    """An ISO time from a client, in UTC (naive means UTC).

    PostgreSQL refuses offsets beyond ±15:59 (ISO allows ±23:59). Times outside
    events/dates.py's range are refused before this (a 400), so converting cannot overflow.
    """
    if timezone.is_naive(value):
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


class ModifiedSinceFilter(filters.IsoDateTimeFilter):
    """Rows changed at or after a time (ISO 8601; a date means its midnight UTC). Given
    empty, it is refused with every empty parameter (events.api.base.StrictQueryMixin)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("validators", [dates.validate_datetime])
        kwargs.setdefault(
            "help_text",
            "Only rows changed at or after this time (ISO 8601, e.g. 2024-03-23T00:00:00Z). "
            "Sync with this and /api/v1/deleted/?since=.",
        )
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is not None:
            value = as_utc(value)
        return super().filter(qs, value)


class IsoDateFilter(filters.DateFilter):
    """A date written YYYY-MM-DD only (no locale formats: 03/04 is ambiguous)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("validators", [dates.validate_date])
        kwargs.setdefault("error_messages", {"invalid": "Give a date as YYYY-MM-DD."})
        super().__init__(*args, **kwargs)


class AsOfField(forms.Field):
    """``as_of`` cleaned by :meth:`AsOf.parse`: the same rule and message as pages use."""

    def to_python(self, value):
        try:
            return AsOf.parse(value)
        except InvalidAsOf as exc:
            raise forms.ValidationError(str(exc)) from None


@extend_schema_field(OpenApiTypes.DATE)
class AsOfFilter(filters.Filter):
    field_class = AsOfField


class VocabularyFilter(filters.ChoiceFilter):
    """One value of a vocabulary; a value outside it is a 400 that lists the valid ones."""

    def __init__(self, *args, choices, **kwargs):
        values = ", ".join(value for value, _ in choices)
        kwargs.setdefault(
            "error_messages", {"invalid_choice": f"“%(value)s” is not one of: {values}."}
        )
        super().__init__(*args, choices=choices, **kwargs)


class BaseFilterSet(filters.FilterSet):
    """The filters every list takes; a request builds only the ones it names.

    django-filter deep-copies every filter of the set and builds a form with a field for
    each, per request: ~2 ms of a cold filtered list. Every filter here is optional and
    lets an absent value through, so a filter the request does not name could only change
    the answer by failing; it is left out of the copy and the form. Without data (the
    OPTIONS description, the schema) the set is whole.
    """

    q = SearchFilter()
    modified_since = ModifiedSinceFilter()

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            # Shadows the class's filters for this instance only; django-filter copies
            # and binds self.base_filters in its __init__.
            self.base_filters = {
                name: spec for name, spec in type(self).base_filters.items() if name in data
            }
        super().__init__(data, *args, **kwargs)


class EventFilter(BaseFilterSet):
    type = VocabularyFilter(
        field_name="event_type", choices=EventType.choices, help_text="Event type."
    )
    after = IsoDateFilter(
        method="filter_after", help_text="Events starting on or after this date (UTC)."
    )
    before = IsoDateFilter(
        method="filter_before", help_text="Events starting on or before this date (UTC)."
    )
    location = SlugFilter(
        model=Location,
        method="filter_location",
        help_text="Location slug; includes every place inside it (a region finds its cities' "
        "events).",
    )
    actor = SlugFilter(
        model=Actor,
        method="filter_participants",
        help_text="Actor slug: events the actor takes part in (with role=, in that role).",
    )
    role = VocabularyFilter(
        choices=Role.choices,
        method="filter_participants",
        help_text="Participant role (with actor=, that actor's role).",
    )
    parent = SlugFilter(
        model=Event, field_name="parent", help_text="Slug of the larger event (sub-events)."
    )

    class Meta:
        model = Event
        fields = []

    def filter_after(self, qs, name, value):
        return qs.filter(start__gte=_day_start(value))

    def filter_before(self, qs, name, value):
        return qs.filter(AsOf(value).started_q())

    def filter_location(self, qs, name, value):
        return qs.filter(location_id__in=subtree(value.pk))

    def filter_participants(self, qs, name, value):
        # actor and role must match the same participation: applied once, for both.
        if getattr(self, "_participants_done", False):
            return qs
        self._participants_done = True
        actor = self.form.cleaned_data.get("actor")
        role = self.form.cleaned_data.get("role")
        user = getattr(self.request, "user", None)
        rows = Participation.objects.filter(actor__in=Actor.objects.visible_to(user))
        if actor:
            rows = rows.filter(actor=actor)
        if role:
            rows = rows.filter(role=role)
        return qs.filter(pk__in=rows.values("event_id"))


class ClaimFilter(BaseFilterSet):
    event = SlugFilter(model=Event, field_name="event", help_text="Event slug.")
    speaker = SlugFilter(model=Actor, field_name="speaker", help_text="Speaker (actor) slug.")
    kind = VocabularyFilter(choices=ClaimKind.choices, help_text="Kind of claim.")
    assessment = VocabularyFilter(
        choices=Assessment.choices, help_text="The newsroom's assessment."
    )
    as_of = AsOfFilter(
        method="filter_as_of",
        help_text="What was known on this date: only claims made by then (the day ends in "
        "UTC, or in the event's time zone when event= is given).",
    )

    class Meta:
        model = Claim
        fields = []

    def filter_as_of(self, qs, name, value):
        # With event=, the day ends in the event's time zone (as on the event's detail).
        event = self.form.cleaned_data.get("event")
        return qs.filter(value.in_zone(event.tzinfo if event else dt.UTC).made_q())


class ActorFilter(BaseFilterSet):
    kind = VocabularyFilter(choices=ActorKind.choices, help_text="Kind of actor.")

    class Meta:
        model = Actor
        fields = []


class BBoxField(forms.CharField):
    default_error_messages = {
        "invalid": "Give min_lon,min_lat,max_lon,max_lat in degrees (WGS 84), "
        "e.g. 37.0,55.5,38.0,56.0.",
        "range": "Longitudes lie from -180 to 180 and latitudes from -90 to 90.",
        "order": "min_lat must not be greater than max_lat.",
    }

    #: Four plain decimals, nothing else (no spaces, signs other than "-", exponents): the
    #: schema's pattern (BBoxFilter) says so, and an API that took more would accept what
    #: the schema calls invalid.
    FORMAT = re.compile(r"-?[0-9]+(\.[0-9]+)?(,-?[0-9]+(\.[0-9]+)?){3}")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("strip", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if not self.FORMAT.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        min_lon, min_lat, max_lon, max_lat = (Decimal(p) for p in value.split(","))
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
            raise forms.ValidationError(self.error_messages["range"], code="range")
        if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            raise forms.ValidationError(self.error_messages["range"], code="range")
        if min_lat > max_lat:
            raise forms.ValidationError(self.error_messages["order"], code="order")
        return min_lon, min_lat, max_lon, max_lat


#: A longitude (-180 to 180) and a latitude (-90 to 90) as BBoxField reads them, for the schema.
_LON = r"-?0*(180(\.0+)?|(1[0-7][0-9]|[0-9]{1,2})(\.[0-9]+)?)"
_LAT = r"-?0*(90(\.0+)?|[0-8]?[0-9](\.[0-9]+)?)"


@extend_schema_field({"type": "string", "pattern": f"^{_LON},{_LAT},{_LON},{_LAT}$"})
class BBoxFilter(filters.Filter):
    field_class = BBoxField

    def filter(self, qs, value):
        if not value:
            return qs
        min_lon, min_lat, max_lon, max_lat = value
        if min_lon <= max_lon:
            lon = Q(longitude__gte=min_lon, longitude__lte=max_lon)
        else:  # the box crosses the antimeridian
            lon = Q(longitude__gte=min_lon) | Q(longitude__lte=max_lon)
        return qs.filter(lon, latitude__gte=min_lat, latitude__lte=max_lat)


class LocationFilter(BaseFilterSet):
    kind = VocabularyFilter(choices=LocationKind.choices, help_text="Kind of place.")
    within = SlugFilter(
        model=Location,
        method="filter_within",
        help_text="Location slug: places inside it, at any depth (not the place itself).",
    )
    bbox = BBoxFilter(
        help_text="Places whose coordinates lie in min_lon,min_lat,max_lon,max_lat "
        "(degrees, WGS 84; min_lon > max_lon crosses the antimeridian)."
    )

    class Meta:
        model = Location
        fields = []

    def filter_within(self, qs, name, value):
        return qs.filter(pk__in=subtree(value.pk)).exclude(pk=value.pk)


class ArticleFilter(BaseFilterSet):
    class Meta:
        model = Article
        fields = []
