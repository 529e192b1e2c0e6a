"""Every model is in the admin, and its changelist, search, add, change and history pages work."""

import pytest
from django.contrib import admin
from django.urls import reverse

from events import models as m
from tests.admin.cast import build_cast

# The API's tombstones are a log written on delete, the change feed's log is written with
# every change, the record loader's fingerprints are written by the loader, webhook
# deliveries by the webhook worker: registered read-only, so not "editable".
READ_ONLY = {"tombstone", "loadedrow", "change", "changeprune", "webhookdelivery"}
EVENTS_MODELS = [model for model in admin.site._registry if model._meta.app_label == "events"]
MODEL_NAMES = sorted(
    model._meta.model_name for model in EVENTS_MODELS if model._meta.model_name not in READ_ONLY
)


def test_every_concrete_events_model_is_registered():
    from django.apps import apps

    concrete = {
        model._meta.model_name
        for model in apps.get_app_config("events").get_models()
        if not model._meta.model_name.startswith("historical") and not model._meta.auto_created
    }
    assert concrete == set(MODEL_NAMES) | READ_ONLY


@pytest.mark.django_db
def test_tombstones_are_viewable_but_never_editable(admin_client):
    from events.models import Tombstone
    from tests.factories import ActorFactory

    actor = ActorFactory()
    actor_id = actor.pk
    actor.delete()  # a once-published actor leaves a tombstone
    tombstone = Tombstone.objects.get(kind="actor", object_id=actor_id)
    assert admin_client.get(reverse("admin:events_tombstone_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:events_tombstone_add")).status_code == 403
    page = admin_client.get(reverse("admin:events_tombstone_change", args=[tombstone.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content


@pytest.mark.django_db
def test_the_change_log_is_viewable_but_never_editable(admin_client):
    from events.models import Change
    from tests.factories import ActorFactory

    actor = ActorFactory()
    change = Change.objects.filter(kind="actor", object_id=actor.pk).last()
    assert admin_client.get(reverse("admin:events_change_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:events_change_add")).status_code == 403
    page = admin_client.get(reverse("admin:events_change_change", args=[change.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content


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
    assert add.status_code == (403 if name in ("correction", "proposal") else 200)
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


@pytest.mark.django_db
def test_the_crocus_event_page_shows_its_inlines(admin_client, editor_client, crocus):
    url = reverse("admin:events_event_change", args=[crocus.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    inlines = {
        i.opts.verbose_name_plural: len(i.formset.initial_forms)
        for i in response.context["inline_admin_formsets"]
    }
    assert inlines["participants"] > 0
    assert inlines["claims"] > 0
    assert inlines["figures"] > 0
    assert inlines["sub-events"] > 0
    # Editors see the published record read-only.
    page = editor_client.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False


@pytest.mark.django_db
def test_article_history_reverts_without_copying_the_text(publisher_client, crocus):
    from events.models import Article
    from tests.admin.conftest import form_data

    article = Article.objects.exclude(raw_text="").first()
    url = reverse("admin:events_article_change", args=[article.pk])
    data = form_data(publisher_client.get(url))
    data.update(byline="Someone Else", correction_note="Byline corrected.")
    assert publisher_client.post(url, data).status_code == 302
    first = article.history.order_by("history_date").first()
    revert_url = reverse("admin:events_article_simple_history", args=[article.pk, first.pk])
    revert_page = publisher_client.get(revert_url)
    revert = form_data(revert_page)
    revert["correction_note"] = "Byline restored."
    assert publisher_client.post(revert_url, revert).status_code == 302
    restored = Article.objects.get(pk=article.pk)
    assert restored.byline == article.byline
    assert restored.raw_text == article.raw_text
    assert restored.public_note == "Byline restored."
