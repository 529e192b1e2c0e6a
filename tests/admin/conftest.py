"""Editors, publishers and a helper that turns an admin form page into POST data."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone


def make_user(username: str, group: str | None) -> User:
    user = User.objects.create_user(
        username=username, password=f"{username}-pass-1234", is_staff=True
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    return make_user("edna", "Editors")


@pytest.fixture
def publisher(db):
    return make_user("paul", "Publishers")


@pytest.fixture
def editor_client(editor):
    c = Client()
    c.force_login(editor)
    return c


@pytest.fixture
def publisher_client(publisher):
    c = Client()
    c.force_login(publisher)
    return c


def _put(data: dict, name: str, field, value) -> None:
    if isinstance(field, forms.FileField):
        return
    if isinstance(field, forms.SplitDateTimeField):
        if isinstance(value, list):
            data[f"{name}_0"], data[f"{name}_1"] = ([*value, "", ""])[:2]
        elif value:
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            data[f"{name}_0"] = local.date().isoformat()
            data[f"{name}_1"] = local.time().isoformat()
        else:
            data[f"{name}_0"] = data[f"{name}_1"] = ""
        return
    if isinstance(field, forms.BooleanField):
        if value:
            data[name] = "on"
        return
    if isinstance(field, forms.ModelMultipleChoiceField):
        data[name] = [str(getattr(v, "pk", v)) for v in (value or [])]
        return
    if value is None:
        data[name] = ""
    elif isinstance(value, dt.date | dt.datetime):
        data[name] = value.isoformat()
    elif isinstance(value, Decimal):
        data[name] = str(value)
    else:
        data[name] = str(getattr(value, "pk", value))


def form_data(response) -> dict:
    """POST data that re-submits an admin change/add page as it was shown (existing inline
    rows only; add rows by raising ``<prefix>-TOTAL_FORMS`` and giving the row's fields)."""
    data: dict = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        _put(data, form.add_prefix(name), field, form[name].value())
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        data[management.add_prefix("TOTAL_FORMS")] = str(formset.initial_form_count())
        for subform in formset.initial_forms:
            for name, field in subform.fields.items():
                _put(data, subform.add_prefix(name), field, subform[name].value())
    return data


def inline_prefix(response, model_name: str, verbose_name_plural: str | None = None) -> str:
    for inline in response.context["inline_admin_formsets"]:
        opts = inline.opts
        if inline.formset.model._meta.model_name == model_name and (
            verbose_name_plural is None or opts.verbose_name_plural == verbose_name_plural
        ):
            return inline.formset.prefix
    raise KeyError(model_name)


def errors_of(response) -> str:
    """Every form and inline error of an admin response, as text (for assertions)."""
    parts = []
    form = response.context["adminform"].form
    parts += [f"{k}: {' '.join(v)}" for k, v in form.errors.items()]
    for inline in response.context.get("inline_admin_formsets", []):
        parts += [str(e) for e in inline.formset.errors if e]
        parts += [str(e) for e in inline.formset.non_form_errors()]
    return "\n".join(parts)
