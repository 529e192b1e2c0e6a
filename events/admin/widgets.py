"""Autocomplete widgets that survive tampered ids (issue 12).

Django's autocomplete widgets look the submitted ids up to re-render a form; a tampered one
(``parent=abc``) made that query raise, so a form error became a 500. Ids the target field
cannot read are dropped before the look-up; the form field itself still reports them as an
invalid choice. ``SafeAutocompleteMixin`` gives every admin and inline these widgets.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models


class _UsableIdsMixin:
    def optgroups(self, name, value, attr=None):
        opts = self.field.remote_field.model._meta
        field_name = getattr(self.field.remote_field, "field_name", None)  # None: many-to-many
        target = opts.get_field(field_name) if field_name else opts.pk
        usable = []
        for item in value:
            try:
                target.to_python(item)
            except (ValidationError, ValueError, TypeError):
                continue
            if "\x00" in str(item) or (
                isinstance(target, models.IntegerField) and not -(2**63) <= int(str(item)) < 2**63
            ):
                continue  # SQLite cannot even compare an integer beyond 64 bits
            usable.append(item)
        return super().optgroups(name, usable, attr)


class SafeAutocompleteSelect(_UsableIdsMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_UsableIdsMixin, AutocompleteSelectMultiple):
    pass


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field checks each id with a query; on SQLite an id beyond 64 bits raised
    OverflowError there (a 500) instead of "not a valid value"."""

    def _check_values(self, value):
        for item in value or ():
            digits = isinstance(item, str) and item.strip().lstrip("-").isdigit()
            if digits and not -(2**63) <= int(item) < 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)


class SafeAutocompleteMixin:
    """For ModelAdmin and InlineModelAdmin classes: autocomplete fields use the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
            kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
