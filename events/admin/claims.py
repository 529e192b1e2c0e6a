from django import forms
from django.contrib import admin

from events.models import Claim, ClaimKind, ClaimRelation, ClaimSource, Event

from .base import HistoryAdmin, PublishableAdmin, VersionedInline
from .forms import PublishableForm
from .localtime import LOCAL_TIME_FIELDS, LocalTimesForm

FIGURE_FIELDS = (
    "figure_metric",
    "figure_qualifier",
    "figure_value",
    "figure_as_of",
    "figure_as_of_precision",
)


class ClaimForm(LocalTimesForm, PublishableForm):
    """When it was said, and the time a figure refers to, in the event's time zone."""

    local_times = {"made_at": "made_precision", "figure_as_of": "figure_as_of_precision"}

    def zone_name(self, values: dict) -> str | None:
        event = values.get("event")
        if isinstance(event, Event):
            return event.timezone
        if event not in (None, ""):
            return Event.objects.filter(pk=event).values_list("timezone", flat=True).first()
        if self.instance.event_id is not None:
            return self.instance.event.timezone
        return None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") and cleaned["kind"] != ClaimKind.FIGURE:
            # Hidden for other kinds: a figure's leftovers must not make a statement a figure.
            for name in FIGURE_FIELDS:
                if name in self.fields and cleaned.get(name) not in (None, ""):
                    self.add_error(name, "Only a figure has a count: choose the kind Figure.")
        return cleaned


class ClaimSourceInline(VersionedInline, admin.StackedInline):
    """The articles that report the claim, each with the passage quoted exactly."""

    model = ClaimSource
    fields = ("article", "passage", ("start_offset", "end_offset"), "version")
    autocomplete_fields = ("article",)
    verbose_name = "source (article and quoted passage)"
    verbose_name_plural = "sources (articles and quoted passages)"
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0


class ClaimRelationInline(VersionedInline, admin.TabularInline):
    model = ClaimRelation
    fk_name = "from_claim"
    fields = ("kind", "to_claim", "version")
    autocomplete_fields = ("to_claim",)
    verbose_name_plural = "supports, contradicts or updates"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("to_claim__speaker")


@admin.register(Claim)
class ClaimAdmin(PublishableAdmin):
    form = ClaimForm
    formfield_overrides = LOCAL_TIME_FIELDS
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("event", "speaker"),
                    ("kind", "mode", "language"),
                    "text",
                    ("made_at", "made_precision"),
                    "venue",
                )
            },
        ),
        (
            "Figure: the number stated",
            {
                "fields": (
                    ("figure_metric", "figure_qualifier", "figure_value"),
                    ("figure_as_of", "figure_as_of_precision"),
                ),
                "classes": ("figure-fields",),
                "description": "Only for a claim of the kind Figure.",
            },
        ),
        ("Assessment", {"fields": (("assessment", "about_actors"), "assessment_note")}),
        (
            "Publication",
            {
                "fields": (
                    "status",
                    "correction_note",
                    "public_note",
                    ("first_published_at", "created_at", "updated_at"),
                    "version",
                )
            },
        ),
    )

    class Media:
        # Shows the figure fields only while the kind is Figure (all of them without JS).
        js = ("events/admin/claim_kind.js",)

    list_display = (
        "short_text",
        "speaker",
        "kind",
        "event",
        "made_at",
        "assessment",
        "status",
    )
    list_filter = ("kind", "status", "assessment", "figure_metric", "made_at")
    list_select_related = ("speaker", "event")
    search_fields = ("text", "speaker__name")
    autocomplete_fields = ("event", "speaker", "about_actors")
    date_hierarchy = "made_at"
    inlines = [ClaimSourceInline, ClaimRelationInline]

    @admin.display(description="claim", ordering="text")
    def short_text(self, obj):
        return obj.figure_display if obj.figure_value is not None else obj.text[:90]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """A claim started from an article's passage arrives with its source filled in."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        adding = obj is None or obj.pk is None
        if isinstance(inline, ClaimSourceInline) and request.method == "GET" and adding:
            get = request.GET
            if get.get("source_article") and get.get("source_passage"):
                kwargs["initial"] = [
                    {
                        "article": get["source_article"],
                        "passage": get["source_passage"],
                        "start_offset": get.get("source_start") or None,
                        "end_offset": get.get("source_end") or None,
                    }
                ]
        return kwargs


@admin.register(ClaimSource)
class ClaimSourceAdmin(HistoryAdmin):
    parent_field = "claim"
    list_display = ("claim", "article", "start_offset", "end_offset")
    list_filter = ("created_at",)
    list_select_related = ("claim__speaker", "article")
    search_fields = ("passage", "article__headline", "claim__text")
    autocomplete_fields = ("claim", "article")
    date_hierarchy = "created_at"


@admin.register(ClaimRelation)
class ClaimRelationAdmin(HistoryAdmin):
    parent_field = "from_claim"
    list_display = ("from_claim", "kind", "to_claim")
    list_filter = ("kind", "created_at")
    list_select_related = ("from_claim__speaker", "to_claim__speaker")
    search_fields = ("from_claim__text", "to_claim__text")
    autocomplete_fields = ("from_claim", "to_claim")
    date_hierarchy = "created_at"
