"""The workflow actions of the changelists: submit, publish, withdraw (with a public note)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse

from events.models import Status
from events.services import publishable_publish, publishable_submit, publishable_withdraw


@admin.action(description="Submit selected for review", permissions=["change"])
def submit_for_review(modeladmin, request, queryset):
    done = 0
    for obj in queryset:
        if obj.status == Status.DRAFT:
            publishable_submit(obj=obj, user=request.user)
            done += 1
    modeladmin.message_user(request, f"{done} submitted for review.", messages.SUCCESS)


@admin.action(description="Publish selected", permissions=["publish"])
def publish_selected(modeladmin, request, queryset):
    published, refused = 0, []
    for obj in queryset:
        if obj.status == Status.PUBLISHED:
            continue
        try:
            with transaction.atomic():
                publishable_publish(obj=obj, user=request.user)
            published += 1
        except ValidationError as exc:
            refused.append(f"“{obj}”: {' '.join(exc.messages)}")
    if published:
        modeladmin.message_user(request, f"{published} published.", messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, f"Not published: {line}", messages.ERROR)


@admin.action(description="Withdraw selected, with a note for readers…", permissions=["publish"])
def withdraw_selected(modeladmin, request, queryset):
    published = queryset.filter(status=Status.PUBLISHED)
    note = request.POST.get("public_note", "").strip()
    error = ""
    if "confirm_withdraw" in request.POST:
        if not note:
            error = "Tell readers why these are withdrawn."
        else:
            with transaction.atomic():
                for obj in published:
                    publishable_withdraw(obj=obj, user=request.user, note=note)
            modeladmin.message_user(
                request, f"{len(published)} withdrawn with a public note.", messages.SUCCESS
            )
            return None
    if not published.exists():
        modeladmin.message_user(request, "None of the selected is published.", messages.ERROR)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": f"Withdraw {modeladmin.model._meta.verbose_name_plural}",
        "queryset": queryset,
        "published": published,
        "note": note,
        "error": error,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/events/withdraw.html", context)
