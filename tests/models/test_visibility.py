"""The visibility rules, whole and beneath a parent the reader already sees (``under=``).

A fetch plan reads nested rows beneath a parent that came from ``visible_to(user)`` (an
event's claims, a claim's sources) and leaves that parent's condition out of the nested
query. These tests pin what ``under`` leaves out: exactly the named parent's condition,
never another one, and nothing for a name the rule does not check.
"""

import pytest

from events.models import Claim, ClaimRelation, ClaimSource, EventRelation, Participation, Status
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimSourceFactory,
    EventFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = Status.DRAFT


def shown(queryset, *rows) -> set[int]:
    """Which of ``rows`` (made by the test; the database holds others) ``queryset`` has."""
    return set(queryset.filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True))


def test_a_claim_beneath_its_event_is_still_held_to_its_own_and_its_speakers_status():
    draft_event = EventFactory(status=DRAFT)
    fine = ClaimFactory(event=draft_event)
    own_draft = ClaimFactory(event=draft_event, status=DRAFT)
    draft_speaker = ClaimFactory(event=draft_event, speaker=ActorFactory(status=DRAFT))
    rows = (fine, own_draft, draft_speaker)

    assert shown(Claim.objects.public(), *rows) == set()  # the whole rule: a draft event
    assert shown(Claim.objects.public(under="event"), *rows) == {fine.pk}
    assert shown(Claim.objects.public(under="speaker"), *rows) == set()


def test_a_source_beneath_its_claim_is_still_held_to_its_articles_status():
    hidden_claim = ClaimFactory(event=EventFactory(status=DRAFT))
    fine = ClaimSourceFactory(claim=hidden_claim)
    draft_article = ClaimSourceFactory(claim=hidden_claim, article=ArticleFactory(status=DRAFT))
    rows = (fine, draft_article)

    assert shown(ClaimSource.objects.public(), *rows) == set()
    assert shown(ClaimSource.objects.public(under="claim"), *rows) == {fine.pk}
    assert shown(ClaimSource.objects.public(under="article"), *rows) == set()


def test_a_relation_beneath_one_claim_still_needs_the_other_claim_public():
    public = ClaimFactory()
    withdrawn_event = ClaimFactory(event=EventFactory(status=Status.WITHDRAWN))
    to_hidden = ClaimRelation.objects.create(
        from_claim=public, to_claim=withdrawn_event, kind="contradicts"
    )
    from_hidden = ClaimRelation.objects.create(
        from_claim=withdrawn_event, to_claim=public, kind="supports"
    )
    rows = (to_hidden, from_hidden)

    assert shown(ClaimRelation.objects.public(), *rows) == set()
    assert shown(ClaimRelation.objects.public(under="from_claim"), *rows) == {from_hidden.pk}
    assert shown(ClaimRelation.objects.public(under="to_claim"), *rows) == {to_hidden.pk}


def test_a_role_and_a_link_beneath_their_event_keep_their_other_conditions():
    draft_event = EventFactory(status=DRAFT)
    role = ParticipationFactory(event=draft_event)
    roles = (
        role,
        ParticipationFactory(event=draft_event, actor=ActorFactory(status=DRAFT)),
        ParticipationFactory(event=draft_event, source=ArticleFactory(status=DRAFT)),
    )
    link = EventRelation.objects.create(source=draft_event, target=EventFactory(), kind="led_to")
    links = (
        link,
        EventRelation.objects.create(
            source=draft_event, target=EventFactory(status=DRAFT), kind="led_to"
        ),
    )

    assert shown(Participation.objects.public(), *roles) == set()
    assert shown(Participation.objects.public(under="event"), *roles) == {role.pk}
    assert shown(EventRelation.objects.public(), *links) == set()
    assert shown(EventRelation.objects.public(under="source"), *links) == {link.pk}


def test_staff_see_every_row_beneath_a_parent_too(django_user_model):
    draft = ClaimFactory(status=DRAFT, event=EventFactory(status=DRAFT))
    staff = django_user_model(username="ed", is_staff=True)
    assert shown(Claim.objects.visible_to(staff, under="event"), draft) == {draft.pk}
    assert shown(Claim.objects.visible_to(None, under="event"), draft) == set()


def test_a_parent_the_rule_does_not_check_is_an_error_not_a_silent_no_op():
    with pytest.raises(
        ValueError, match="ClaimQuerySet's rule checks no relation named 'article'"
    ):
        Claim.objects.public(under="article")
    with pytest.raises(ValueError, match="no relation named 'claim__event'"):
        ClaimSource.objects.public(under="claim__event")
