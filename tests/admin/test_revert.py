"""Reverting from History works for every model, on PostgreSQL outside a wrapping transaction.

The history plugin's revert view saves outside the request's transaction while the stale-form
check locks the row (``SELECT … FOR UPDATE``), which PostgreSQL refuses outside a transaction:
reverting always failed there with a 500 while the suite, run inside a transaction, passed.
These tests are transactional (``transaction=True``), so each request runs as in production.
"""

import pytest
from django.apps import apps
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


def _revert(client: Client, obj) -> tuple:
    """GET the first version's revert page and POST it as shown (with a note if asked)."""
    model = type(obj)
    first = model.history.filter(id=obj.pk).order_by("history_date").first()
    name = model._meta.model_name
    url = reverse(f"admin:events_{name}_simple_history", args=[obj.pk, first.history_id])
    page = client.get(url)
    assert page.status_code == 200, name
    data = form_data(page)
    if "correction_note" in data:
        data["correction_note"] = NOTE
    return page, client.post(url, data)


def _history_rows(obj) -> int:
    return type(obj).history.filter(id=obj.pk).count()


def test_a_publisher_reverts_published_rows_of_every_model(editorial_groups):
    publisher = _client("paul", "Publishers")
    cast = build_cast()  # the factories publish what they make
    for name in REVERTIBLE:
        obj = cast[name]
        before = _history_rows(obj)
        page, response = _revert(publisher, obj)
        assert response.status_code == 302, (name, response.status_code, errors_of(response))
        assert _history_rows(obj) == before + 1, name
        if isinstance(obj, m.PublishableModel):
            obj.refresh_from_db()
            assert obj.public_note == NOTE, name
            assert m.Correction.objects.filter(object_id=obj.pk, note=NOTE).exists(), name


def test_an_editor_reverts_drafts_of_every_model(editorial_groups):
    editor = _client("edna", "Editors")
    cast = build_cast()
    for obj in cast.values():
        if isinstance(obj, m.PublishableModel):
            obj.status = m.Status.DRAFT
            obj.save()
    for name in REVERTIBLE:
        obj = cast[name]
        before = _history_rows(obj)
        page, response = _revert(editor, obj)
        if name in RECORDS:  # written by the workflow or decided by publishers: view only
            assert response.status_code == 403, name
            assert _history_rows(obj) == before, name
            continue
        assert response.status_code == 302, (name, response.status_code, errors_of(response))
        assert _history_rows(obj) == before + 1, name
        if isinstance(obj, m.PublishableModel):
            obj.refresh_from_db()
            assert obj.status == m.Status.DRAFT, name  # reverting content is not publishing


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

    page, response = _revert(editor, draft)
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
    history = publisher.get(reverse("admin:events_actor_history", args=[published.pk]))
    assert ">None<" not in history.content.decode().replace(" ", "").replace("\n", "")
