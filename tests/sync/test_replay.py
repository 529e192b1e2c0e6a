"""A copy kept by following the feed ends equal to a fresh full pull.

The mirror pulls everything, then a scripted series of edits runs through the services
and the models (as the admin and the loaders write): renames, a new claim with a source,
a reassessment, a withdrawal, a merge, a place renamed, a deletion and a bulk move. The
mirror re-fetches only what the feed names; its copy must equal a fresh pull, versions
and updated_at included.
"""

import pytest

from events.models import Actor, Article, Claim, ClaimSource, Event, Location, Participation
from events.services import (
    actor_merge,
    publishable_correct,
    publishable_withdraw,
    rows_bulk_update,
)
from tests import factories as f

from .mirror import feed_cursor, follow, full_pull

pytestmark = pytest.mark.django_db


def scripted_edits(crocus, publisher):
    speaker = Claim.objects.filter(event=crocus).first().speaker
    speaker.name = f"{speaker.name} (renamed)"
    publishable_correct(obj=speaker, user=publisher, note="Name spelt as they spell it.")

    claim = f.ClaimFactory(event=crocus, speaker=speaker, text="A new statement.")
    f.ClaimSourceFactory(claim=claim, article=Article.objects.public().first())

    reassessed = Claim.objects.filter(event=crocus, kind="figure").first()
    reassessed.assessment = "disputed"
    reassessed.save()

    withdrawn = Claim.objects.filter(event=crocus).exclude(pk=claim.pk).last()
    publishable_withdraw(obj=withdrawn, user=publisher, note="Misattributed.")

    keep, duplicate = Actor.objects.public().filter(participations__isnull=False)[:2]
    actor_merge(target=keep, source=duplicate, user=publisher)

    place = crocus.location.parent
    place.name = f"{place.name} (renamed)"
    place.save()

    ClaimSource.objects.filter(claim__event=crocus).exclude(claim=claim).first().delete()
    f.ClaimFactory(event=crocus).delete()  # published, then gone
    child = Event.objects.filter(parent=crocus).first()
    publishable_withdraw(obj=child, user=publisher, note="Merged into the main story.")

    moved = list(Participation.objects.filter(event=crocus)[:1])
    other = Event.objects.public().exclude(pk=crocus.pk).exclude(pk=child.pk).first()
    for row in moved:
        row.event = other
    rows_bulk_update(objs=moved, fields=["event"], user=publisher)
    Location.objects.filter(pk=place.pk).get()  # the renamed place is still there


def test_following_the_feed_ends_equal_to_a_fresh_full_pull(api, crocus, django_user_model):
    publisher = django_user_model.objects.create_superuser("pub", "p@example.org", "x")
    copy = full_pull(api)
    cursor = feed_cursor(api)

    scripted_edits(crocus, publisher)

    cursor, seen = follow(api, copy, cursor)
    fresh = full_pull(api)
    assert sorted(copy) == sorted(fresh)
    stale = [path for path in fresh if copy[path] != fresh[path]]
    assert stale == []
    assert {c["action"] for c in seen} >= {"changed", "merged", "deleted"}
    assert follow(api, copy, cursor)[1] == []  # nothing left to read
