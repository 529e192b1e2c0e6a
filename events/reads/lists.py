"""Lists: the home page, the /events/ list and its filters, feeds and sitemaps.

Each list starts from its model's ``visible_to(user)`` (or ``public()`` where the face is
public whatever the user, as feeds and sitemaps are), so a list shows exactly the rows a
detail page would.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Max

from events import dates
from events.chronology import in_reading_order
from events.models import Actor, Article, Claim, Event, EventType, Location
from events.models.claim import ClaimQuerySet

from .places import subtree

FEED_SIZE = 50


def home(user) -> tuple[list[Event], list[Event]]:
    """Featured events and the latest others, newest first, in reading order (imprecise
    dates placed by what is known: events.chronology)."""
    events = Event.objects.visible_to(user).for_list()
    featured = list(in_reading_order(events.filter(featured=True), newest_first=True)[:6])
    others = events.exclude(pk__in=[e.pk for e in featured])
    return featured, list(in_reading_order(others, newest_first=True)[:20])


def event_list(user):
    """Every event the user may see, to filter, then page with ``EventPaginator``."""
    return Event.objects.visible_to(user).for_list()


class EventPaginator(Paginator):
    """Pages of events newest first in reading order, sorted by the database (the stored
    key) so the order holds across pages."""

    def __init__(self, rows, per_page):
        super().__init__(in_reading_order(rows, newest_first=True), per_page)


def feed_events():
    """The newest published events, for the Atom and RSS feeds, each with ``latest_claim``:
    when the latest public claim about it was made (when its record last learnt something).

    The feed holds the ``FEED_SIZE`` events published last, in reading order, newest first,
    as their entries are dated (by the events themselves)."""
    latest_claim = Max("claims__made_at", filter=ClaimQuerySet.public_q("claims__"))
    newest = Event.objects.public().order_by("-first_published_at", "-pk").values("pk")
    return in_reading_order(
        Event.objects.public().for_list().filter(pk__in=newest[:FEED_SIZE]),
        newest_first=True,
    ).annotate(latest_claim=latest_claim)


def sitemap_rows(model):
    """Every public row of ``model`` with a page, for /sitemap.xml."""
    qs = model.objects.public().order_by("pk")
    if model is Article:
        return qs.defer("raw_text", "clean_text")
    if model is Claim:
        return qs.only("pk", "updated_at")
    return qs


class EventPageFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(
        field_name="event_type", choices=EventType.choices, label="Type", empty_label="Any type"
    )
    start_from = django_filters.DateFilter(
        validators=[dates.validate_date],
        field_name="start",
        lookup_expr="date__gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    start_to = django_filters.DateFilter(
        validators=[dates.validate_date],
        field_name="start",
        lookup_expr="date__lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    place = django_filters.CharFilter(method="filter_place", label="Place (slug)")
    actor = django_filters.CharFilter(method="filter_actor", label="Actor (slug)")

    class Meta:
        model = Event
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def filter_place(self, queryset, name, value):
        place = Location.objects.visible_to(self.user).filter(slug=value).first()
        if place is None:
            return queryset.none()
        return queryset.filter(location_id__in=subtree(place.pk))

    def filter_actor(self, queryset, name, value):
        ids = Actor.objects.visible_to(self.user).filter(slug=value).values("pk")
        return queryset.filter(participations__actor__in=ids).distinct()

    def clean_form_errors(self) -> dict[str, list[str]]:
        return {k: [str(e) for e in v] for k, v in self.form.errors.items()}
