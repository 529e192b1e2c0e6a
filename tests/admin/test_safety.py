"""Stale forms are refused, a failing inline saves nothing, history is kept and revertible."""

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Actor, ActorAlias, Event, Participation, Status
from tests import factories as f
from tests.admin.conftest import errors_of, form_data, inline_prefix, make_user


@pytest.fixture
def second_editor(db):
    c = Client()
    c.force_login(make_user("eric", "Editors"))
    return c


@pytest.mark.django_db
def test_second_save_from_a_stale_form_is_refused_and_nothing_is_lost(
    editor_client, second_editor
):
    event = f.EventFactory(status=Status.DRAFT, title="Attack", summary="First summary.")
    url = reverse("admin:events_event_change", args=[event.pk])
    first, second = form_data(editor_client.get(url)), form_data(second_editor.get(url))

    first["summary"] = "Edna's summary."
    assert editor_client.post(url, first).status_code == 302

    second["title"] = "Eric's title"
    response = second_editor.post(url, second)
    assert response.status_code == 200
    message = errors_of(response)
    assert "Someone else saved this event by edna" in message
    assert "Your changes were not saved" in message
    assert "Eric&#x27;s title" in response.content.decode()  # still in the form to copy
    event.refresh_from_db()
    assert (event.title, event.summary) == ("Attack", "Edna's summary.")


@pytest.mark.django_db
def test_stale_inline_row_is_refused(editor_client, second_editor):
    actor = f.ActorFactory(status=Status.DRAFT)
    alias = ActorAlias.objects.create(actor=actor, name="Old alias")
    url = reverse("admin:events_actor_change", args=[actor.pk])
    stale = second_editor.get(url)
    stale_data = form_data(stale)
    prefix = inline_prefix(stale, "actoralias")

    alias.name = "Changed elsewhere"
    alias.save()  # another editor's save through the alias's own page

    stale_data[f"{prefix}-0-name"] = "Stale edit"
    response = second_editor.post(url, stale_data)
    assert response.status_code == 200
    assert "Someone else saved this actor alias" in errors_of(response)
    alias.refresh_from_db()
    assert alias.name == "Changed elsewhere"


@pytest.mark.django_db
def test_a_failing_inline_leaves_the_parent_unchanged(editor_client):
    event = f.EventFactory(status=Status.DRAFT, title="Original title")
    existing = f.ParticipationFactory(event=event)
    url = reverse("admin:events_event_change", args=[event.pk])
    page = editor_client.get(url)
    data = form_data(page)
    prefix = inline_prefix(page, "participation")
    data["title"] = "New title"
    # A second row giving the same actor the same role again: refused by the constraint.
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-1-actor": existing.actor_id,
            f"{prefix}-1-role": existing.role,
            f"{prefix}-1-source": existing.source_id,
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert errors_of(response)
    event.refresh_from_db()
    assert event.title == "Original title"
    assert Participation.objects.filter(event=event).count() == 1


EMPTY_EVENT_INLINES = {
    f"{p}-{k}": v
    for p in (
        "participations",
        "claims",
        "claims-2",
        "children",
        "relations_out",
        "summary_versions",
    )
    for k, v in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
}


@pytest.mark.django_db
def test_editor_adds_an_event_and_the_slug_is_derived(editor_client, editor):
    add = editor_client.get(reverse("admin:events_event_add"))
    prefixes = {i.formset.prefix for i in add.context["inline_admin_formsets"]}
    assert prefixes == {p.rsplit("-", 2)[0] for p in EMPTY_EVENT_INLINES} | {"claims-2"}
    response = editor_client.post(
        reverse("admin:events_event_add"),
        {
            "title": "Day of national mourning",
            "event_type": "mourning",
            "start_0": "2024-03-24",
            "start_1": "00:00:00",
            "start_precision": "day",
            "timezone": "Europe/Moscow",
            "status": "draft",
            "slug": "",
            **EMPTY_EVENT_INLINES,
        },
    )
    assert response.status_code == 302, errors_of(response)
    event = Event.objects.get(title="Day of national mourning")
    assert event.slug.startswith("day-of-national-mourning")
    assert event.history.get().history_user == editor


@pytest.mark.django_db
def test_bad_input_is_a_form_error_and_saves_nothing(editor_client):
    before = Event.objects.count()
    response = editor_client.post(
        reverse("admin:events_event_add"),
        {
            "title": "Ends before it starts",
            "event_type": "attack",
            "start_0": "2024-03-22",
            "start_1": "20:00:00",
            "start_precision": "minute",
            "end_0": "2024-03-21",
            "end_1": "20:00:00",
            "end_precision": "minute",
            "timezone": "Europe/Moscow",
            "status": "draft",
            **EMPTY_EVENT_INLINES,
        },
    )
    assert response.status_code == 200
    assert "An event cannot end before it starts." in response.content.decode()
    assert Event.objects.count() == before


@pytest.mark.django_db
def test_history_shows_who_changed_what_and_reverts(editor_client, editor):
    actor = f.ActorFactory(status=Status.DRAFT, name="Islamic State", description="First.")
    url = reverse("admin:events_actor_change", args=[actor.pk])
    data = form_data(editor_client.get(url))
    data["description"] = "Second."
    assert editor_client.post(url, data).status_code == 302

    history = editor_client.get(reverse("admin:events_actor_history", args=[actor.pk]))
    body = history.content.decode()
    assert history.status_code == 200
    assert "edna" in body
    assert "description" in body.lower()

    first_version = actor.history.order_by("history_date").first()
    revert_url = reverse(
        "admin:events_actor_simple_history", args=[actor.pk, first_version.history_id]
    )
    revert_page = editor_client.get(revert_url)
    assert revert_page.status_code == 200
    response = editor_client.post(revert_url, form_data(revert_page))
    assert response.status_code == 302, errors_of(revert_page)
    actor.refresh_from_db()
    assert actor.description == "First."
    assert Actor.history.filter(id=actor.pk).count() == 3
