"""Only published actors and places lend their names to other rows' search documents."""

import pytest

from events.models import Event, Status
from events.search import search_queryset, search_site
from tests.factories import ActorFactory, EventFactory, LocationFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def found(query):
    return set(search_queryset(Event.objects.public(), query).values_list("slug", flat=True))


def test_a_draft_participant_does_not_make_a_published_event_findable(crocus):
    secret = ActorFactory(name="Quillonby Syndicate", status=Status.DRAFT)
    ParticipationFactory(event=crocus, actor=secret)
    assert crocus.slug not in found("Quillonby")
    assert search_site("Quillonby").total == 0

    secret.status = Status.PUBLISHED
    secret.save()
    assert crocus.slug in found("Quillonby")  # publishing refreshes what borrows the name

    secret.status = Status.WITHDRAWN
    secret.save()
    assert crocus.slug not in found("Quillonby")


def test_a_draft_place_does_not_make_a_published_event_findable():
    region = LocationFactory(name="Vexmoor Province", status=Status.DRAFT)
    town = LocationFactory(name="Ashgrove", parent=region)
    event = EventFactory(title="Bridge collapse", location=town)
    assert event.slug in found("Ashgrove")
    assert event.slug not in found("Vexmoor")
    region.status = Status.PUBLISHED
    region.save()
    assert event.slug in found("Vexmoor")
