"""What every newsbase admin shares: history, search, the workflow (its forms: forms.py)."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from simple_history.admin import SimpleHistoryAdmin

from events.models import PublishableModel, Status
from events.search import search_queryset
from events.services import (
    publishable_correct,
    publishable_publish,
    publishable_withdraw,
    user_can_publish,
)

from .actions import publish_selected, submit_for_review, withdraw_selected
from .forms import (
    NOTE_FIELD,
    LinkRowForm,
    PublishableForm,
    PublishedParentFormSet,
    VersionedModelForm,
    may_change,
)
from .proposals import ProposeMixin
from .widgets import SafeAutocompleteMixin

SEARCHABLE = {"event", "actor", "location", "claim", "article"}


class VersionedInline(SafeAutocompleteMixin):
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
        return may_change(request.user, obj)

    def has_add_permission(self, request, obj=None):
        if not super().has_add_permission(request, obj):
            return False
        return may_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return may_change(request.user, obj)


def _own_unpublished_draft(user, obj) -> bool:
    """An editor may delete a draft they created that was never published (a mistake)."""
    if obj.pk is None or obj.first_published_at is not None:
        return False
    if obj.status not in (Status.DRAFT, Status.REVIEW):
        return False
    first = type(obj).history.filter(id=obj.pk).order_by("history_date").first()
    return first is not None and first.history_user_id == user.pk


class SearchServiceMixin:
    """The changelist and autocomplete search go through events.search, like pages and API."""

    def get_search_results(self, request, queryset, search_term):
        if search_term.strip() and self.model._meta.model_name in SEARCHABLE:
            return search_queryset(queryset, search_term), False
        return super().get_search_results(request, queryset, search_term)


class HistoryAdmin(SafeAutocompleteMixin, SearchServiceMixin, SimpleHistoryAdmin):
    """Every model: history (who, when, what) with revert, stale-form protection."""

    form = VersionedModelForm
    list_per_page = 50
    # For link rows (aliases, sources, participations…): the public row they belong to.
    # While it is published or withdrawn, only publishers change its links.
    parent_field: str | None = None

    def _parent_locked(self, request, obj) -> bool:
        if obj is None or not self.parent_field:
            return False
        return not may_change(request.user, getattr(obj, self.parent_field))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._parent_locked(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._parent_locked(
            request, obj
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self.parent_field and self.form is VersionedModelForm:
            kwargs.setdefault("form", LinkRowForm)
        form = super().get_form(request, obj, change=change, **kwargs)
        is_revert = _is_revert(request)
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

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Revert in one transaction, as the change view saves (the stale-form check locks
        the row with SELECT … FOR UPDATE, which PostgreSQL allows only in a transaction).

        django-simple-history's view saves without a transaction and checks only the right
        to view history before saving: a revert is a change, so it needs the change right.
        """
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        if form.is_revert:
            obj._change_reason = "Reverted to an earlier version"
        super().save_model(request, obj, form, change)
        parent = form.published_parent() if isinstance(form, LinkRowForm) else None
        note = (form.cleaned_data.get(NOTE_FIELD) or "").strip()
        if parent is not None and note:
            publishable_correct(obj=parent, user=request.user, note=note)


def _is_revert(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and (match.url_name or "").endswith("_simple_history"))


class PublishableAdmin(ProposeMixin, HistoryAdmin):
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
        return super().has_change_permission(request, obj) and may_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if super().has_delete_permission(request, obj) and may_change(request.user, obj):
            return True
        return obj is not None and _own_unpublished_draft(request.user, obj)

    def save_model(self, request, obj, form, change):
        user = request.user
        obj._history_user = user
        note = (form.cleaned_data.get(NOTE_FIELD) or "").strip()
        old, new = form.stored_status, obj.status
        form.corrected = False
        if new == Status.PUBLISHED and old != Status.PUBLISHED:
            publishable_publish(obj=obj, user=user, note=note)
        elif new == Status.WITHDRAWN and old != Status.WITHDRAWN:
            publishable_withdraw(obj=obj, user=user, note=note)
        elif old == Status.PUBLISHED and new == Status.PUBLISHED:
            # One correction, one history row: the row is saved with its note here, or by
            # save_related when only inline rows changed; unchanged, it is not saved at all.
            if form.is_revert or form.changed_data:
                publishable_correct(obj=obj, user=user, note=note)
                form.corrected = True
        else:
            if new == Status.REVIEW and old != Status.REVIEW:
                obj._change_reason = "Submitted for review"
            elif form.is_revert:
                obj._change_reason = "Reverted to an earlier version"
            obj.save()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if not change or form.stored_status != Status.PUBLISHED:
            return
        if obj.status != Status.PUBLISHED or form.corrected:
            return
        if any(fs.has_changed() for fs in formsets):
            note = (form.cleaned_data.get(NOTE_FIELD) or "").strip()
            publishable_correct(obj=obj, user=request.user, note=note)
