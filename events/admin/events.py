from django import forms
from django.contrib import admin

from events.models import (
    Claim,
    ClaimKind,
    Event,
    EventRelation,
    EventSummaryVersion,
    Participation,
)

from .base import HistoryAdmin, PublishableAdmin, VersionedInline, VersionedModelForm


class ParticipationInline(VersionedInline, admin.TabularInline):
    model = Participation
    fields = ("actor", "role", "source", "passage", "note", "version")
    autocomplete_fields = ("actor", "source")
    verbose_name_plural = "participants"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "source")


class ClaimInline(VersionedInline, admin.TabularInline):
    """The event's statements (figures have their own inline below)."""

    model = Claim
    fields = ("speaker", "kind", "text", "mode", "made_at", "assessment", "status", "version")
    autocomplete_fields = ("speaker",)
    verbose_name_plural = "claims"
    formfield_overrides = {}

    def get_queryset(self, request):
        return (
            super().get_queryset(request).exclude(kind=ClaimKind.FIGURE).select_related("speaker")
        )

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["choices"] = [c for c in ClaimKind.choices if c[0] != ClaimKind.FIGURE]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class FigureForm(VersionedModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.instance.kind = ClaimKind.FIGURE


class FigureInline(VersionedInline, admin.TabularInline):
    """Counts (killed, injured…) as claims with a value and an as-of time."""

    model = Claim
    form = FigureForm
    fields = (
        "speaker",
        "figure_metric",
        "figure_qualifier",
        "figure_value",
        "figure_as_of",
        "text",
        "made_at",
        "assessment",
        "status",
        "version",
    )
    autocomplete_fields = ("speaker",)
    verbose_name = "figure"
    verbose_name_plural = "figures"

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(kind=ClaimKind.FIGURE).select_related("speaker")
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 30})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class SubEventInline(VersionedInline, admin.TabularInline):
    model = Event
    fk_name = "parent"
    fields = ("title", "event_type", "start", "start_precision", "location", "status", "version")
    autocomplete_fields = ("location",)
    verbose_name = "sub-event"
    verbose_name_plural = "sub-events"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("location")


class EventRelationInline(VersionedInline, admin.TabularInline):
    model = EventRelation
    fk_name = "source"
    fields = ("kind", "target", "article", "version")
    autocomplete_fields = ("target", "article")
    verbose_name_plural = "relations to other events"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target", "article")


class SummaryVersionInline(VersionedInline, admin.TabularInline):
    model = EventSummaryVersion
    fields = ("current_from", "text", "version")
    verbose_name_plural = "summary as it stood (for pages “as of” a day)"


@admin.register(Event)
class EventAdmin(PublishableAdmin):
    list_display = ("title", "event_type", "start", "location", "parent", "status", "featured")
    list_filter = ("event_type", "status", "featured", "start")
    list_select_related = ("location", "parent")
    search_fields = ("title", "summary", "location__name")
    autocomplete_fields = ("location", "parent")
    date_hierarchy = "start"
    inlines = [
        ParticipationInline,
        ClaimInline,
        FigureInline,
        SubEventInline,
        EventRelationInline,
        SummaryVersionInline,
    ]


@admin.register(EventSummaryVersion)
class EventSummaryVersionAdmin(HistoryAdmin):
    parent_field = "event"
    list_display = ("event", "current_from", "text")
    list_filter = ("current_from", "created_at")
    list_select_related = ("event",)
    search_fields = ("text", "event__title")
    autocomplete_fields = ("event",)
    date_hierarchy = "current_from"


@admin.register(EventRelation)
class EventRelationAdmin(HistoryAdmin):
    parent_field = "source"
    list_display = ("source", "kind", "target", "article")
    list_filter = ("kind", "created_at")
    list_select_related = ("source", "target", "article")
    search_fields = ("source__title", "target__title")
    autocomplete_fields = ("source", "target", "article")
    date_hierarchy = "created_at"


@admin.register(Participation)
class ParticipationAdmin(HistoryAdmin):
    parent_field = "event"
    list_display = ("actor", "role", "event", "source")
    list_filter = ("role", "created_at")
    list_select_related = ("actor", "event", "source")
    search_fields = ("actor__name", "event__title", "passage")
    autocomplete_fields = ("actor", "event", "source")
    date_hierarchy = "created_at"
