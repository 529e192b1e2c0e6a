from django.contrib import admin

from events.models import Actor, ActorAlias, Affiliation

from .base import HistoryAdmin, PublishableAdmin, VersionedInline
from .merge import has_merge_permission, merge_action
from .wikidata import WikidataAdminMixin


class ActorAliasInline(VersionedInline, admin.TabularInline):
    model = ActorAlias
    fields = ("name", "language", "script", "is_abbreviation", "version")
    show_change_link = False


class AffiliationInline(VersionedInline, admin.TabularInline):
    model = Affiliation
    fk_name = "actor"
    fields = ("kind", "organisation", "title", "start_date", "end_date", "source", "version")
    autocomplete_fields = ("organisation", "source")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "source")


@admin.register(Actor)
class ActorAdmin(WikidataAdminMixin, PublishableAdmin):
    list_display = ("name", "kind", "status", "wikidata_qid", "updated_at")
    list_filter = ("kind", "status", "updated_at")
    search_fields = ("name", "aliases__name", "description")
    date_hierarchy = "updated_at"
    prepopulated_fields = {}
    inlines = [ActorAliasInline, AffiliationInline]
    actions = [*PublishableAdmin.actions, merge_action]
    has_merge_permission = has_merge_permission


@admin.register(ActorAlias)
class ActorAliasAdmin(HistoryAdmin):
    parent_field = "actor"
    list_display = ("name", "actor", "language", "script", "is_abbreviation")
    list_filter = ("script", "language", "is_abbreviation")
    list_select_related = ("actor",)
    search_fields = ("name", "actor__name")
    autocomplete_fields = ("actor",)


@admin.register(Affiliation)
class AffiliationAdmin(HistoryAdmin):
    parent_field = "actor"
    list_display = ("actor", "kind", "organisation", "title", "start_date", "end_date")
    list_filter = ("kind", "start_date")
    list_select_related = ("actor", "organisation", "source")
    search_fields = ("actor__name", "organisation__name", "title")
    autocomplete_fields = ("actor", "organisation", "source")
    date_hierarchy = "start_date"
