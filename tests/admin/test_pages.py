"""Every model is in the admin, and its changelist, search, add, change and history pages work."""

import pytest
from django.contrib import admin
from django.urls import reverse

from events import models as m
from tests.admin.cast import build_cast

EVENTS_MODELS = [model for model in admin.site._registry if model._meta.app_label == "events"]
MODEL_NAMES = sorted(model._meta.model_name for model in EVENTS_MODELS)


def test_every_concrete_events_model_is_registered():
    from django.apps import apps

    concrete = {
        model._meta.model_name
        for model in apps.get_app_config("events").get_models()
        if not model._meta.model_name.startswith("historical") and not model._meta.auto_created
    }
    assert concrete == set(MODEL_NAMES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_changelist_add_change_history_pages(admin_client, name):
    cast = build_cast()
    obj = cast[name]
    base = f"admin:events_{name}"
    assert admin_client.get(reverse(f"{base}_changelist")).status_code == 200
    response = admin_client.get(reverse(f"{base}_changelist"), {"q": str(obj)[:6]})
    assert response.status_code == 200
    add = admin_client.get(reverse(f"{base}_add"))
    assert add.status_code == (403 if name == "correction" else 200)
    change = admin_client.get(reverse(f"{base}_change", args=[obj.pk]))
    assert change.status_code == 200
    history = admin_client.get(reverse(f"{base}_history", args=[obj.pk]))
    assert history.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_admin_tools_configured(name):
    """list_display, search, filters and autocompletes for every FK and M2M."""
    model = getattr(m, next(c.__name__ for c in EVENTS_MODELS if c._meta.model_name == name))
    model_admin = admin.site._registry[model]
    assert len(model_admin.list_display) >= 3
    assert model_admin.search_fields
    assert model_admin.list_filter
    relations = {
        f.name
        for f in model._meta.get_fields()
        if (f.many_to_one or f.many_to_many)
        and f.concrete
        and f.editable
        and f.name not in {"content_type"}
    }
    assert relations <= set(model_admin.autocomplete_fields), relations - set(
        model_admin.autocomplete_fields
    )


@pytest.mark.django_db
def test_view_on_site_links_to_the_public_page(admin_client):
    cast = build_cast()
    from django.contrib.contenttypes.models import ContentType

    event = cast["event"]
    response = admin_client.get(reverse("admin:events_event_change", args=[event.pk]))
    link = reverse(
        "admin:view_on_site", args=[ContentType.objects.get_for_model(event).pk, event.pk]
    )
    assert f'href="{link}"' in response.content.decode()
    followed = admin_client.get(link)
    assert followed.status_code == 302
    assert followed["Location"].endswith(event.get_absolute_url())
