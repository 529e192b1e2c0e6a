"""The admin's forms: stale-form protection (a version token), the correction note, and
the workflow rules a publishable object's form enforces (who may publish, withdraw or
change published content, and what readers must be told)."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from events.models import PublishableModel, Status
from events.services import user_can_publish

NOTE_FIELD = "correction_note"
INTERNAL_FIELDS = {"version", NOTE_FIELD}


def may_change(user, obj) -> bool:
    """Published or withdrawn content is changed only by publishers (with a public note)."""
    if obj is None or not isinstance(obj, PublishableModel) or obj.pk is None:
        return True
    if user_can_publish(user, type(obj)):
        return True
    stored = type(obj)._base_manager.filter(pk=obj.pk).values_list("status", flat=True).first()
    return stored not in (Status.PUBLISHED, Status.WITHDRAWN)


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
        if parent is not None and self.user is not None and not may_change(self.user, parent):
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


def _note_field(help_text: str) -> forms.CharField:
    return forms.CharField(
        label="Note for readers on this change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
    )


class LinkRowForm(VersionedModelForm):
    """A link row's own page (an alias, a source, a participation…).

    While the row's public owner is published, a change (or a revert) is a correction of
    the owner: it needs a note for readers, as the owner's inline rows do.
    """

    correction_note = _note_field(
        "Needed when what this belongs to is published: readers see it as a correction."
    )

    def published_parent(self):
        parent = getattr(self.instance, self.parent_field, None) if self.parent_field else None
        if self.parent_field and self.is_bound and hasattr(self, "cleaned_data"):
            parent = self.cleaned_data.get(self.parent_field, parent)
        if not isinstance(parent, PublishableModel) or parent.pk is None:
            return None
        stored = type(parent)._base_manager.filter(pk=parent.pk).values_list("status", flat=True)
        return parent if stored.first() == Status.PUBLISHED else None

    def clean(self):
        cleaned = super().clean()
        changed = getattr(self, "is_revert", False) or self.changed_data
        noted = (cleaned.get(NOTE_FIELD) or "").strip()
        if changed and not noted and self.published_parent() is not None:
            self.add_error(
                NOTE_FIELD,
                "This belongs to published content: readers will see a correction "
                "note, so say what changed and why.",
            )
        return cleaned


class PublishableForm(VersionedModelForm):
    """The change form of a public entity: the workflow rules, checked before anything saves."""

    always_check_version = True
    is_revert = False

    correction_note = _note_field(
        "Shown to readers. Required to withdraw, and to change anything already "
        "published (say what changed and why)."
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
        if self.version_from_db and self.stored_status and "status" in self.fields:
            # A revert restores what the record says; where it stands in the workflow stays
            # as it is (publishing and withdrawing have their own rules and notes).
            self.initial["status"] = self.stored_status
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
