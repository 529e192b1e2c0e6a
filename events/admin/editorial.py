from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from events.models import (
    Change,
    ChangePrune,
    Correction,
    LoadedRow,
    Mention,
    Proposal,
    ProposalStatus,
    SlugRedirect,
    Tombstone,
)
from events.services import user_can_publish
from events.services.proposals import proposal_accept, proposal_reject

from .base import HistoryAdmin


@admin.register(Mention)
class MentionAdmin(HistoryAdmin):
    list_display = ("surface", "article", "actor", "location", "start_offset", "confirmed")
    list_filter = ("confirmed", "created_at")
    list_select_related = ("article", "actor", "location")
    search_fields = ("surface", "article__headline", "actor__name", "location__name")
    autocomplete_fields = ("article", "actor", "location", "confirmed_by")
    date_hierarchy = "created_at"


@admin.register(Correction)
class CorrectionAdmin(HistoryAdmin):
    """The public corrections log; rows are written by the workflow services."""

    list_display = ("created_at", "kind", "content_type", "object_id", "note", "author")
    list_filter = ("kind", "content_type", "created_at")
    list_select_related = ("content_type", "author")
    search_fields = ("note",)
    autocomplete_fields = ("author",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False  # written by publish / withdraw / correct, never by hand


@admin.register(SlugRedirect)
class SlugRedirectAdmin(HistoryAdmin):
    list_display = ("kind", "old_slug", "new_slug", "created_at")
    list_filter = ("kind", "created_at")
    search_fields = ("old_slug", "new_slug")
    date_hierarchy = "created_at"


class ReadOnlyLogAdmin(admin.ModelAdmin):
    """A log written only by the code that does the work: listed and read here, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Tombstone)
class TombstoneAdmin(ReadOnlyLogAdmin):
    """The API's deletion log (``/api/v1/deleted/``): written on delete, read-only here."""

    list_display = ("deleted_at", "kind", "object_id", "slug", "reason", "merged_into_id")
    list_filter = ("kind", "reason", "deleted_at")
    search_fields = ("slug",)
    date_hierarchy = "deleted_at"


@admin.register(LoadedRow)
class LoadedRowAdmin(ReadOnlyLogAdmin):
    """What the record loader last wrote to each row (``load_crocus``): read-only here."""

    list_display = ("key", "record", "content_type", "object_id", "updated_at")
    list_filter = ("record", "content_type")
    list_select_related = ("content_type",)
    search_fields = ("key",)
    date_hierarchy = "updated_at"


@admin.register(Change)
class ChangeAdmin(ReadOnlyLogAdmin):
    """The change feed's log (``/api/v1/changes/``): written with every change, read-only."""

    list_display = ("id", "txid", "kind", "object_id", "slug", "action", "created_at")
    list_filter = ("kind", "action")
    search_fields = ("slug",)
    ordering = ("-id",)
    show_full_result_count = False  # the log grows with every write: no COUNT(*) per page


@admin.register(ChangePrune)
class ChangePruneAdmin(ReadOnlyLogAdmin):
    """Each ``manage.py prune_changes`` run: where the change feed starts now."""

    list_display = ("txid", "change_id", "removed", "created_at")
    ordering = ("-txid", "-change_id")


@admin.register(Proposal)
class ProposalAdmin(HistoryAdmin):
    list_display = ("__str__", "status", "proposed_by", "created_at")
    list_filter = ("status", "kind", "content_type", "created_at")
    list_select_related = ("content_type", "proposed_by")
    search_fields = ("reason", "decision_note")
    autocomplete_fields = ("proposed_by", "decided_by")
    date_hierarchy = "created_at"
    change_form_template = "admin/events/proposal_change_form.html"
    readonly_fields = (
        "content_type",
        "object_id",
        "kind",
        "changes",
        "reason",
        "status",
        "proposed_by",
        "decided_by",
        "decided_at",
        "decision_note",
    )
    fields = readonly_fields

    def has_add_permission(self, request):
        return False  # proposed from the record's own page

    def get_urls(self):
        view = self.admin_site.admin_view(self.decide_view)
        return [
            path("<int:pk>/decide/", view, name="events_proposal_decide"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        obj = context.get("original")
        context["can_decide"] = bool(
            obj is not None
            and obj.status == ProposalStatus.OPEN
            and user_can_publish(request.user, obj.content_type.model_class())
        )
        return super().render_change_form(request, context, add, change, **kwargs)

    def decide_view(self, request, pk: int):
        if request.method != "POST":
            raise PermissionDenied
        proposal = get_object_or_404(Proposal, pk=pk)
        note = request.POST.get("decision_note", "")
        url = reverse("admin:events_proposal_change", args=[pk])
        try:
            if "_accept" in request.POST:
                proposal_accept(proposal=proposal, user=request.user, note=note)
                self.message_user(request, "Accepted and applied.", messages.SUCCESS)
            else:
                proposal_reject(proposal=proposal, user=request.user, note=note)
                self.message_user(request, "Rejected.", messages.SUCCESS)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return HttpResponseRedirect(url)
