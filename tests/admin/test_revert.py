"""Reverting from History works for every model, on PostgreSQL outside a wrapping transaction.

The history plugin's revert view saves outside the request's transaction while the stale-form
check locks the row (``SELECT … FOR UPDATE``), which PostgreSQL refuses outside a transaction:
reverting always failed there with a 500 while the suite, run inside a transaction, passed.
These tests are transactional (``transaction=True``), so each request runs as in production.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from events import models as m
from tests.admin.cast import build_cast
from tests.admin.conftest import errors_of, form_data, make_user
from tests.admin.test_pages import MODEL_NAMES

pytestmark = pytest.mark.django_db(transaction=True)
NOTE = "Restored the earlier version."
RECORDS = {"correction", "slugredirect", "proposal"}
# The models whose admin has History to revert from (a client's webhook subscription keeps
# its own delivery log instead).
REVERTIBLE = [name for name in MODEL_NAMES if hasattr(apps.get_model("events", name), "history")]


def _client(username: str, group: str) -> Client:
    client = Client()
    client.force_login(make_user(username, group))
    return client


def _revert_page(client: Client, obj) -> tuple[str, dict]:
    """The first version's revert page: its URL and its form as shown, as POST data."""
    model = type(obj)
    first = model.history.filter(id=obj.pk).order_by("history_date").first()
    name = model._meta.model_name
    url = reverse(f"admin:events_{name}_simple_history", args=[obj.pk, first.history_id])
    page = client.get(url)
    assert page.status_code == 200, name
    return url, form_data(page)


def _history_rows(obj) -> int:
    return type(obj).history.filter(id=obj.pk).count()


def _public_owner(obj):
    """The published row a revert of ``obj`` corrects: itself, or the public row a link row
    (alias, participation, claim source…) belongs to; None for records readers never see."""
    if isinstance(obj, m.PublishableModel):
        return obj
    parent_field = admin.site._registry[type(obj)].parent_field
    return getattr(obj, parent_field) if parent_field else None


@pytest.mark.parametrize("name", REVERTIBLE)
def test_a_publisher_reverts_a_published_row_with_a_correction_note(editorial_groups, name):
    publisher = _client("paul", "Publishers")
    obj = build_cast()[name]  # the factories publish what they make
    owner = _public_owner(obj)
    before = _history_rows(obj)
    url, data = _revert_page(publisher, obj)
    if owner is not None:
        assert owner.status == m.Status.PUBLISHED, name
        # Readers see the change, so the revert needs a note saying what changed and why.
        assert "correction_note" in data, name
        refused = publisher.post(url, data)
        assert refused.status_code == 200, (name, refused.status_code)
        assert "correction_note" in refused.context["adminform"].form.errors, name
        assert _history_rows(obj) == before, name
        data["correction_note"] = NOTE
    response = publisher.post(url, data)
    assert response.status_code == 302, (name, response.status_code, errors_of(response))
    assert _history_rows(obj) == before + 1, name  # one revert, one history row
    if owner is not None:
        owner.refresh_from_db()
        assert owner.status == m.Status.PUBLISHED, name
        corrections = m.Correction.objects.filter(object_id=owner.pk, note=NOTE)
        assert corrections.filter(content_type__model=owner._meta.model_name).count() == 1
    if isinstance(obj, m.PublishableModel):
        assert obj.history.filter(id=obj.pk).first().history_change_reason == (
            f"Corrected: {NOTE}"
        ), name
        assert owner.public_note == NOTE, name


@pytest.mark.parametrize("name", REVERTIBLE)
def test_an_editor_reverts_a_draft_row(editorial_groups, name):
    editor = _client("edna", "Editors")
    cast = build_cast()
    for row in cast.values():
        if isinstance(row, m.PublishableModel):
            row.status = m.Status.DRAFT
            row.save()
    obj = cast[name]
    before, corrections = _history_rows(obj), m.Correction.objects.count()
    url, data = _revert_page(editor, obj)
    response = editor.post(url, data)  # nothing public changes: no note is asked for
    if name in RECORDS:  # written by the workflow or decided by publishers: view only
        assert response.status_code == 403, name
        assert _history_rows(obj) == before, name
        return
    assert response.status_code == 302, (name, response.status_code, errors_of(response))
    assert _history_rows(obj) == before + 1, name
    assert m.Correction.objects.count() == corrections, name  # a draft's revert is no correction
    if isinstance(obj, m.PublishableModel):
        obj.refresh_from_db()
        assert obj.status == m.Status.DRAFT, name  # reverting content is not publishing
        assert obj.history.filter(id=obj.pk).first().history_change_reason == (
            "Reverted to an earlier version"
        ), name


def test_a_revert_restores_the_old_version_and_says_so(editorial_groups):
    editor = _client("edna", "Editors")
    publisher = _client("paul", "Publishers")
    draft = m.Actor.objects.create(name="Islamic State", kind="armed_group", description="First.")
    published = m.Actor.objects.create(
        name="Government of Russia",
        kind="government",
        description="First.",
        status=m.Status.PUBLISHED,
    )
    for actor in (draft, published):
        actor.description = "Second."
        actor.save()

    url, data = _revert_page(editor, draft)
    response = editor.post(url, data)
    assert response.status_code == 302, errors_of(response)
    draft.refresh_from_db()
    assert draft.description == "First."
    assert draft.history.first().history_change_reason == "Reverted to an earlier version"

    # An editor may not revert a published row; a publisher must write a note.
    first = published.history.order_by("history_date").first()
    url = reverse("admin:events_actor_simple_history", args=[published.pk, first.history_id])
    data = form_data(publisher.get(url))
    assert editor.post(url, data).status_code == 403
    refused = publisher.post(url, data)
    assert refused.status_code == 200
    assert "say what changed and why" in errors_of(refused)
    published.refresh_from_db()
    assert published.description == "Second."
    data["correction_note"] = NOTE
    assert publisher.post(url, data).status_code == 302
    published.refresh_from_db()
    assert published.description == "First."
    assert published.history.first().history_change_reason == f"Corrected: {NOTE}"
