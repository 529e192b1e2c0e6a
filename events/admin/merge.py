"""The merge action for actors and locations: choose which record to keep, merge the rest."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse

from events.models import Actor
from events.services import actor_merge, location_merge


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="The record that stays; the others are merged into it and deleted.",
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = queryset


@admin.action(description="Merge selected duplicates into one…", permissions=["merge"])
def merge_action(modeladmin, request, queryset):
    model = modeladmin.model
    if queryset.count() < 2:
        modeladmin.message_user(request, "Select at least two records to merge.", messages.ERROR)
        return None
    form = MergeForm(request.POST if "confirm_merge" in request.POST else None, queryset=queryset)
    if "confirm_merge" in request.POST and form.is_valid():
        target = form.cleaned_data["keep"]
        merge = actor_merge if model is Actor else location_merge
        sources = list(queryset.exclude(pk=target.pk))
        try:
            with transaction.atomic():
                for source in sources:
                    merge(target=target, source=source, user=request.user)
        except ValidationError as exc:
            modeladmin.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        modeladmin.message_user(
            request,
            f"Merged {', '.join(str(s) for s in sources)} into {target}; their old addresses "
            "redirect to it.",
            messages.SUCCESS,
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": model._meta,
        "title": f"Merge {model._meta.verbose_name_plural}",
        "form": form,
        "queryset": queryset,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/events/merge.html", context)


def has_merge_permission(modeladmin, request) -> bool:
    opts = modeladmin.model._meta
    return request.user.has_perm(f"{opts.app_label}.merge_{opts.model_name}")
