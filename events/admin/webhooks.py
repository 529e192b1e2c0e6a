"""Webhooks in the admin: registered for a client, paused and resumed, their deliveries read.

A webhook that kept failing is paused by the worker (:mod:`events.sync.webhooks`); its
owner is told so when they open the webhooks in the admin (a warning naming each and the
reason; API clients read the same in ``/api/v1/webhooks/``), and the list shows every
paused one with its reason for the staff who look after clients.
"""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html_join

from events.models import Webhook, WebhookDelivery, WebhookStatus
from events.sync.feed import end_cursor
from events.sync.webhooks import webhook_resume

from .editorial import ReadOnlyLogAdmin


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = (
        "key",
        "status",
        "changes",
        "attempts",
        "last_status_code",
        "last_error",
        "next_attempt_at",
        "delivered_at",
    )
    readonly_fields = fields
    ordering = ("-id",)
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-id")


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ("url", "owner", "status", "failures", "paused_reason", "cursor", "created_at")
    list_filter = ("status",)
    list_select_related = ("owner",)
    search_fields = ("url", "owner__username")
    autocomplete_fields = ("owner",)
    readonly_fields = ("secret", "cursor", "failures", "paused_at", "paused_reason")
    fields = ("owner", "url", "kinds", "status", *readonly_fields)
    inlines = [DeliveryInline]
    actions = ["resume", "pause"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.cursor = end_cursor()  # a new webhook is sent the changes from now on
            obj.status = WebhookStatus.ACTIVE
            super().save_model(request, obj, form, change)
            return
        was = Webhook.objects.values_list("status", flat=True).get(pk=obj.pk)
        if was == WebhookStatus.PAUSED and obj.status == WebhookStatus.ACTIVE:
            super().save_model(request, obj, form, change)
            webhook_resume(webhook=obj)
            return
        if was == WebhookStatus.ACTIVE and obj.status == WebhookStatus.PAUSED:
            obj.paused_at = timezone.now()
            obj.paused_reason = f"Paused in the admin by {request.user}."
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            paused_webhooks_warning(request)
        return super().changelist_view(request, extra_context)

    @admin.action(description="Resume the selected webhooks (retry at once)")
    def resume(self, request, queryset):
        for webhook in queryset.filter(status=WebhookStatus.PAUSED):
            webhook_resume(webhook=webhook)
        self.message_user(request, "Resumed.", messages.SUCCESS)

    @admin.action(description="Pause the selected webhooks")
    def pause(self, request, queryset):
        queryset.filter(status=WebhookStatus.ACTIVE).update(
            status=WebhookStatus.PAUSED,
            paused_at=timezone.now(),
            paused_reason=f"Paused in the admin by {request.user}.",
        )
        self.message_user(request, "Paused.", messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyLogAdmin):
    """Each delivery as sent: its body, attempts and the last answer (read-only)."""

    list_display = (
        "key",
        "webhook",
        "status",
        "changes",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("status",)
    list_select_related = ("webhook",)
    search_fields = ("key", "webhook__url")
    ordering = ("-id",)
    show_full_result_count = False


def paused_webhooks_warning(request) -> None:
    """Tell a signed-in owner which of their webhooks are paused, and why."""
    paused = list(
        Webhook.objects.filter(owner=request.user, status=WebhookStatus.PAUSED).values_list(
            "url", "paused_reason"
        )
    )
    if paused:
        messages.warning(
            request,
            format_html_join(
                " ",
                "Your webhook {} is paused: {} Resume it once the endpoint works again.",
                paused,
            ),
        )
