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

from .base import HistoryAdmin, PublishableAdmin, VersionedInline
from .forms import PublishableForm, VersionedModelForm
from .localtime import LOCAL_TIME_FIELDS, LocalTimesForm
from .story import StoryPublishMixin


class EventForm(LocalTimesForm, PublishableForm):
    """An event's times are typed and shown in its own time zone (by default its place's)."""

    local_times = {"start": "start_precision", "end": "end_precision"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "timezone" in self.fields:
            field = self.fields["timezone"]
            field.required = False
            field.help_text = (
                "IANA time zone of the times above (Europe/Berlin). Leave blank to use the "
                "place's time zone."
            )
            if self.instance.pk is None and not self.is_bound:
                self.initial["timezone"] = ""

    def zone_hint(self) -> str:
        return "the time zone below, or the place's if it is left blank"

    def zone_name(self, values: dict) -> str | None:
        return values.get("timezone") or None

    def clean(self):
        if "timezone" in self.fields and not self.cleaned_data.get("timezone"):
            location = self.cleaned_data.get("location")
            self.cleaned_data["timezone"] = (location.timezone if location else "") or "UTC"
        return super().clean()


class EventRowForm(LocalTimesForm, VersionedModelForm):
    """An inline row of an event (a claim, a figure, a sub-event): times in the event's zone."""

    parent_zone: str | None = None  # set by the inline from the event shown
    fk_name = "event"

    def zone_name(self, values: dict) -> str | None:
        descriptor = getattr(type(self.instance), self.fk_name)
        if descriptor.is_cached(self.instance):
            parent = getattr(self.instance, self.fk_name)
            if parent is not None:
                return parent.timezone
        return self.parent_zone


class EventRowsInline(VersionedInline):
    """Inlines whose rows carry times: their forms know the event's zone."""

    form = EventRowForm
    formfield_overrides = LOCAL_TIME_FIELDS

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        zone = obj.timezone if obj is not None else None
        form = type(formset.form.__name__, (formset.form,), {"parent_zone": zone})
        return type(formset.__name__, (formset,), {"form": form})


class ParticipationInline(VersionedInline, admin.TabularInline):
    model = Participation
    fields = ("actor", "role", "source", "passage", "note", "version")
    autocomplete_fields = ("actor", "source")
    verbose_name_plural = "participants"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "source")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Sized to fit the inline's panel at 1280 px (the default textarea is 40 columns
        # and the note a 300-character line, which pushed the table out of its panel).
        if db_field.name == "passage":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 30})
        elif db_field.name == "note":
            kwargs["widget"] = forms.TextInput(attrs={"size": 16})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ClaimRowForm(EventRowForm):
    local_times = {"made_at": "made_precision"}


class ClaimInline(EventRowsInline, admin.TabularInline):
    """The event's statements (figures have their own inline below)."""

    model = Claim
    form = ClaimRowForm
    fields = (
        "speaker",
        "kind",
        "text",
        "mode",
        "made_at",
        "made_precision",
        "assessment",
        "status",
        "version",
    )
    autocomplete_fields = ("speaker",)
    verbose_name_plural = "claims"

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


class FigureForm(EventRowForm):
    local_times = {"made_at": "made_precision", "figure_as_of": "figure_as_of_precision"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.instance.kind = ClaimKind.FIGURE


class FigureInline(EventRowsInline, admin.TabularInline):
    """Counts (killed, injured…) as claims with a value and an as-of time."""

    model = Claim
    form = FigureForm
    fields = (
        "speaker",
        "figure_metric",
        "figure_qualifier",
        "figure_value",
        "figure_as_of",
        "figure_as_of_precision",
        "text",
        "made_at",
        "made_precision",
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


class SubEventForm(EventRowForm):
    """A sub-event's start is in its own zone; a new one takes the parent event's."""

    local_times = {"start": "start_precision"}
    fk_name = "parent"

    def zone_name(self, values: dict) -> str | None:
        if self.instance.pk is not None:
            return self.instance.timezone
        return super().zone_name(values)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            self.instance.timezone = self.zone_name(cleaned) or "UTC"
        return cleaned


class SubEventInline(EventRowsInline, admin.TabularInline):
    model = Event
    form = SubEventForm
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
class EventAdmin(StoryPublishMixin, PublishableAdmin):
    form = EventForm
    formfield_overrides = LOCAL_TIME_FIELDS
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
