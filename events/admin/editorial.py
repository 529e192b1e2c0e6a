from django.contrib import admin

from events.models import Correction, LoadedRow, Mention, SlugRedirect, Tombstone

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


@admin.register(Tombstone)
class TombstoneAdmin(admin.ModelAdmin):
    """The API's deletion log (``/api/v1/deleted/``): written on delete, read-only here."""

    list_display = ("deleted_at", "kind", "object_id", "slug")
    list_filter = ("kind", "deleted_at")
    search_fields = ("slug",)
    date_hierarchy = "deleted_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LoadedRow)
class LoadedRowAdmin(admin.ModelAdmin):
    """What the record loader last wrote to each row (``load_crocus``): read-only here."""

    list_display = ("key", "record", "content_type", "object_id", "updated_at")
    list_filter = ("record", "content_type")
    list_select_related = ("content_type",)
    search_fields = ("key",)
    date_hierarchy = "updated_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
