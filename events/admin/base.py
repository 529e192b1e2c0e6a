"""What every newsbase admin shares: history, stale-form protection, search, the workflow."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from events.models import PublishableModel, Status
from events.search import search_queryset
from events.services import (
    publishable_correct,
    publishable_publish,
    publishable_submit,
    publishable_withdraw,
    user_can_publish,
)

SEARCHABLE = {"event", "actor", "location", "claim", "article"}
NOTE_FIELD = "correction_note"
INTERNAL_FIELDS = {"version", NOTE_FIELD}


def version_token(value) -> str:
    return value.astimezone(dt.UTC).isoformat() if value else ""


class VersionedModelForm(forms.ModelForm):
    """A hidden ``version`` (the row's ``updated_at``) refuses a save from a stale form.

    Two editors open the same record; the first saves; the second's form still carries the
    old version, so it is refused with a form error and nothing is overwritten. The row is
    locked while checking (``SELECT … FOR UPDATE`` on PostgreSQL) so the check cannot race.
    Used for change forms and inline forms alike.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    always_check_version = False  # the parent form: it is saved even when unchanged
    version_from_db = False  # reverting from history: the instance is an old version
    user = None  # set by the admin's get_form
    parent_field = None  # a link row's public owner (a claim source's claim…)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            current = self.instance.updated_at
            if self.version_from_db:
                current = self._stored_updated_at()
            self.fields["version"].initial = version_token(current)

    @property
    def changed_data(self):
        return [name for name in super().changed_data if name not in INTERNAL_FIELDS]

    def _stored_updated_at(self, lock: bool = False):
        rows = type(self.instance)._base_manager.filter(pk=self.instance.pk)
        if lock:
            rows = rows.select_for_update()
        return rows.values_list("updated_at", flat=True).first()

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get(self.parent_field) if self.parent_field else None
        if parent is not None and self.user is not None and not _may_change(self.user, parent):
            self.add_error(
                self.parent_field,
                f"“{parent}” is {parent.get_status_display().lower()}: only publishers "
                "change what it says.",
            )
        instance = self.instance
        if instance.pk is None or instance._state.adding:
            return cleaned
        if not (self.always_check_version or self.has_changed()):
            return cleaned
        stored = self._stored_updated_at(lock=True)
        name = instance._meta.verbose_name
        if stored is None:
            raise ValidationError(
                f"This {name} was deleted by someone else after you opened the form.",
                code="stale",
            )
        if version_token(stored) != self.data.get(self.add_prefix("version"), ""):
            who = ""
            history = getattr(type(instance), "history", None)
            if history is not None:
                last = history.filter(id=instance.pk).select_related("history_user").first()
                if last is not None and last.history_user is not None:
                    who = f" by {last.history_user.get_username()}"
            raise ValidationError(
                f"Someone else saved this {name}{who} at "
                f"{stored.astimezone(dt.UTC):%H:%M:%S} UTC, after you opened it. Your "
                "changes were not saved and are still in the form below: open the page again "
                "in another tab to see the current version, then make your changes there.",
                code="stale",
            )
        return cleaned


class PublishableForm(VersionedModelForm):
    """The change form of a public entity: the workflow rules, checked before anything saves."""

    always_check_version = True
    is_revert = False

    correction_note = forms.CharField(
        label="Note for readers on this change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown to readers. Required to withdraw, and to change anything already "
        "published (say what changed and why).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_status = None
        if self.instance.pk is not None:
            self.stored_status = (
                type(self.instance)
                ._base_manager.filter(pk=self.instance.pk)
                .values_list("status", flat=True)
                .first()
            )
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "Leave blank to derive it from the name or title."
        if "status" in self.fields and not user_can_publish(self.user, self._meta.model):
            field = self.fields["status"]
            field.choices = [
                (value, label)
                for value, label in field.choices
                if value in (Status.DRAFT, Status.REVIEW)
            ]
            field.help_text = "Editors move work between draft and review; publishers publish."

    def clean(self):
        cleaned = super().clean()
        model = self._meta.model
        new = cleaned.get("status", self.stored_status or Status.DRAFT)
        old = self.stored_status
        note = (cleaned.get(NOTE_FIELD) or "").strip()
        can_publish = user_can_publish(self.user, model)
        public_states = (Status.PUBLISHED, Status.WITHDRAWN)
        if new != old and (new in public_states or old in public_states) and not can_publish:
            self.add_error("status", "Only publishers may publish or withdraw.")
            return cleaned
        if new == Status.WITHDRAWN and old != Status.WITHDRAWN:
            if old != Status.PUBLISHED:
                self.add_error("status", "Only published content can be withdrawn.")
            elif not note:
                self.add_error(NOTE_FIELD, "Tell readers why this is withdrawn.")
        if new == Status.PUBLISHED and old == Status.WITHDRAWN and not note:
            self.add_error(NOTE_FIELD, "Tell readers why this is published again.")
        if new == Status.PUBLISHED and old != Status.PUBLISHED:
            problems = []
            for name, value in cleaned.items():
                rows = value if isinstance(value, QuerySet) else [value]
                problems += [
                    f"{self.fields[name].label} “{row}” is {row.get_status_display()}"
                    for row in rows
                    if isinstance(row, PublishableModel) and row.status != Status.PUBLISHED
                ]
            if problems:
                self.add_error("status", "Publish these first: " + "; ".join(problems) + ".")
        changed = self.is_revert or self.changed_data
        if old == Status.PUBLISHED and new == Status.PUBLISHED and not note and changed:
            self.add_error(
                NOTE_FIELD,
                "This is published: readers will see a correction note, so say what "
                "changed and why.",
            )
        return cleaned


class PublishedParentFormSet(forms.BaseInlineFormSet):
    """Inline changes to published content need the parent form's public note too."""

    def clean(self):
        super().clean()
        parent = self.instance
        if parent.pk is None or not isinstance(parent, PublishableModel):
            return
        if not self.has_changed():
            return
        stored = type(parent)._base_manager.filter(pk=parent.pk).values_list("status", flat=True)
        if stored.first() == Status.PUBLISHED and not self.data.get(NOTE_FIELD, "").strip():
            raise ValidationError(
                "This belongs to published content: add a public note saying what changed."
            )


class VersionedInline:
    """Mixin for inlines: stale-form protection, publishing rules of the parent, no N+1."""

    form = VersionedModelForm
    formset = PublishedParentFormSet
    extra = 0
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if issubclass(self.model, PublishableModel):
            # Publishing goes through the row's own form or the list actions, where the
            # workflow checks run (publisher right, public notes, no draft links).
            fields += ("status",)
        return fields

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return _may_change(request.user, obj)

    def has_add_permission(self, request, obj=None):
        if not super().has_add_permission(request, obj):
            return False
        return _may_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return _may_change(request.user, obj)


def _may_change(user, obj) -> bool:
    """Published or withdrawn content is changed only by publishers (with a public note)."""
    if obj is None or not isinstance(obj, PublishableModel) or obj.pk is None:
        return True
    if user_can_publish(user, type(obj)):
        return True
    stored = type(obj)._base_manager.filter(pk=obj.pk).values_list("status", flat=True).first()
    return stored not in (Status.PUBLISHED, Status.WITHDRAWN)


class SearchServiceMixin:
    """The changelist and autocomplete search go through events.search, like pages and API."""

    def get_search_results(self, request, queryset, search_term):
        if search_term.strip() and self.model._meta.model_name in SEARCHABLE:
            return search_queryset(queryset, search_term), False
        return super().get_search_results(request, queryset, search_term)


class HistoryAdmin(SearchServiceMixin, SimpleHistoryAdmin):
    """Every model: history (who, when, what) with revert, stale-form protection."""

    form = VersionedModelForm
    list_per_page = 50
    # For link rows (aliases, sources, participations…): the public row they belong to.
    # While it is published or withdrawn, only publishers change its links.
    parent_field: str | None = None

    def _parent_locked(self, request, obj) -> bool:
        if obj is None or not self.parent_field:
            return False
        return not _may_change(request.user, getattr(obj, self.parent_field))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._parent_locked(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._parent_locked(
            request, obj
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        match = getattr(request, "resolver_match", None)
        is_revert = bool(match and (match.url_name or "").endswith("_simple_history"))
        return type(
            form.__name__,
            (form,),
            {
                "user": request.user,
                "version_from_db": is_revert,
                "is_revert": is_revert,
                "parent_field": self.parent_field,
            },
        )


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


class PublishableAdmin(HistoryAdmin):
    """Events, actors, locations, claims, articles: workflow, public notes, corrections."""

    form = PublishableForm
    actions = [submit_for_review, publish_selected, withdraw_selected]
    readonly_fields = ("public_note", "first_published_at", "created_at", "updated_at")
    view_on_site = True
    save_on_top = True

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and getattr(obj, "first_published_at", None) and hasattr(obj, "slug"):
            fields += ("slug",)  # frozen once published: public links must keep working
        return fields

    def has_publish_permission(self, request):
        return user_can_publish(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _may_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _may_change(request.user, obj)

    def save_model(self, request, obj, form, change):
        user = request.user
        obj._history_user = user
        note = (form.cleaned_data.get(NOTE_FIELD) or "").strip()
        old, new = form.stored_status, obj.status
        if new == Status.PUBLISHED and old != Status.PUBLISHED:
            publishable_publish(obj=obj, user=user, note=note)
        elif new == Status.WITHDRAWN and old != Status.WITHDRAWN:
            publishable_withdraw(obj=obj, user=user, note=note)
        elif form.is_revert and old == Status.PUBLISHED and new == Status.PUBLISHED:
            publishable_correct(obj=obj, user=user, note=note)
        else:
            if new == Status.REVIEW and old != Status.REVIEW:
                obj._change_reason = "Submitted for review"
            obj.save()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if not change or form.stored_status != Status.PUBLISHED:
            return
        if obj.status != Status.PUBLISHED:
            return
        if form.changed_data or any(fs.has_changed() for fs in formsets):
            note = (form.cleaned_data.get(NOTE_FIELD) or "").strip()
            publishable_correct(obj=obj, user=request.user, note=note)
