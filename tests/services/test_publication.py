"""The workflow services: permissions, public notes, corrections, history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from events.models import Correction, CorrectionKind, Event, Status
from events.services import (
    publishable_correct,
    publishable_publish,
    publishable_submit,
    publishable_withdraw,
    rows_bulk_create,
    rows_bulk_update,
)
from tests import factories as f
from tests.admin.conftest import make_user


@pytest.mark.django_db
def test_editor_cannot_publish_through_the_service_either():
    editor = make_user("edna", "Editors")
    event = f.EventFactory(status=Status.DRAFT)
    publishable_submit(obj=event, user=editor)
    assert event.status == Status.REVIEW
    with pytest.raises(PermissionDenied):
        publishable_publish(obj=event, user=editor)
    event.refresh_from_db()
    assert event.status == Status.REVIEW


@pytest.mark.django_db
def test_publish_withdraw_republish_cycle_keeps_public_notes():
    publisher = make_user("paul", "Publishers")
    event = f.EventFactory(status=Status.REVIEW, location=f.LocationFactory())
    publishable_publish(obj=event, user=publisher)
    assert event.status == Status.PUBLISHED and event.first_published_at
    with pytest.raises(ValidationError):
        publishable_withdraw(obj=event, user=publisher, note="  ")
    publishable_withdraw(obj=event, user=publisher, note="Based on a hoax.")
    with pytest.raises(ValidationError):
        publishable_publish(obj=event, user=publisher)  # again: needs a note
    publishable_publish(obj=event, user=publisher, note="Confirmed after all.")
    kinds = list(
        Correction.objects.filter(object_id=event.pk)
        .order_by("created_at")
        .values_list("kind", "note")
    )
    assert kinds == [
        (CorrectionKind.WITHDRAWAL, "Based on a hoax."),
        (CorrectionKind.UPDATE, "Confirmed after all."),
    ]
    reasons = [h.history_change_reason for h in event.history.order_by("history_date")]
    assert reasons[-3:] == ["Published", "Withdrawn: Based on a hoax.", "Confirmed after all."]
    assert all(h.history_user == publisher for h in event.history.all()[:3])


@pytest.mark.django_db
def test_an_event_at_a_draft_place_is_not_published():
    publisher = make_user("paul", "Publishers")
    event = f.EventFactory(status=Status.REVIEW, location=f.LocationFactory(status="draft"))
    with pytest.raises(ValidationError, match="Publish these first"):
        publishable_publish(obj=event, user=publisher)
    assert Event.objects.get(pk=event.pk).status == Status.REVIEW


@pytest.mark.django_db
def test_correction_needs_a_note():
    publisher = make_user("paul", "Publishers")
    event = f.EventFactory(status=Status.PUBLISHED)
    with pytest.raises(ValidationError):
        publishable_correct(obj=event, user=publisher, note="")
    assert not Correction.objects.filter(object_id=event.pk).exists()


@pytest.mark.django_db
def test_bulk_writes_record_history():
    user = make_user("edna", "Editors")
    actors = rows_bulk_create(
        objs=[f.ActorFactory.build(name=f"Bulk {i}", slug=f"bulk-{i}") for i in range(3)],
        user=user,
        reason="Imported",
    )
    for actor in actors:
        actor.description = "Updated in bulk."
    rows_bulk_update(objs=actors, fields=["description"], user=user, reason="Described")
    for actor in actors:
        versions = list(actor.history.order_by("history_date"))
        assert [v.history_change_reason for v in versions] == ["Imported", "Described"]
        assert versions[-1].description == "Updated in bulk."
        assert versions[-1].history_user == user
