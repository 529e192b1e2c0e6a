from django.contrib import admin

from events.models import Location, LocationAlias

from .base import HistoryAdmin, PublishableAdmin, VersionedInline
from .merge import has_merge_permission, merge_action
from .wikidata import WikidataAdminMixin


class LocationAliasInline(VersionedInline, admin.TabularInline):
    model = LocationAlias
    fields = ("name", "language", "script", "version")
    show_change_link = False


@admin.register(Location)
class LocationAdmin(WikidataAdminMixin, PublishableAdmin):
    list_display = ("name", "kind", "parent", "status", "latitude", "longitude", "updated_at")
    list_filter = ("kind", "status", "updated_at")
    list_select_related = ("parent",)
    search_fields = ("name", "aliases__name", "address")
    autocomplete_fields = ("parent",)
    date_hierarchy = "updated_at"
    inlines = [LocationAliasInline]
    actions = [*PublishableAdmin.actions, merge_action]
    has_merge_permission = has_merge_permission


@admin.register(LocationAlias)
class LocationAliasAdmin(HistoryAdmin):
    parent_field = "location"
    list_display = ("name", "location", "language", "script")
    list_filter = ("script", "language")
    list_select_related = ("location",)
    search_fields = ("name", "location__name")
    autocomplete_fields = ("location",)
