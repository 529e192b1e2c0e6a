"""Editors propose changes to published records; publishers accept or reject them."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from events.models import (
    ActorAlias,
    Correction,
    Participation,
    Proposal,
    ProposalStatus,
    Role,
    Status,
)
from tests import factories as f


def corrections_of(obj):
    return Correction.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    )


@pytest.mark.django_db
def test_an_editor_proposes_an_alias_and_a_publisher_accepts_it(
    editor_client, publisher_client, editor
):
    actor = f.ActorFactory(name="Islamic State", status=Status.PUBLISHED)
    change = editor_client.get(reverse("admin:events_actor_change", args=[actor.pk]))
    assert "propose-link" in change.content.decode()
    url = reverse("admin:events_actor_propose", args=[actor.pk])
    response = editor_client.post(
        url,
        {
            "kind": "alias",
            "alias_name": "ISIS",
            "alias_language": "en",
            "reason": "Used by the AP report of 24 August.",
        },
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.proposed_by) == (ProposalStatus.OPEN, editor)
    assert not ActorAlias.objects.filter(actor=actor, name="ISIS").exists()  # not yet

    # Editors cannot decide; publishers can.
    decide = reverse("admin:events_proposal_decide", args=[proposal.pk])
    assert editor_client.post(decide, {"_accept": "1"}).status_code == 403
    page = publisher_client.get(reverse("admin:events_proposal_change", args=[proposal.pk]))
    assert 'id="decide-form"' in page.content.decode()
    assert publisher_client.post(decide, {"_accept": "1", "decision_note": ""}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    alias = ActorAlias.objects.get(actor=actor, name="ISIS")
    assert alias.history.get().history_change_reason.startswith("Proposed by edna, accepted")
    actor.refresh_from_db()
    assert actor.public_note == "Used by the AP report of 24 August."
    assert corrections_of(actor).get().note == actor.public_note


@pytest.mark.django_db
def test_a_proposed_correction_and_participation_go_through_the_same_services(
    editor_client, publisher_client, publisher
):
    event = f.EventFactory(title="Solingen stabbing", status=Status.PUBLISHED)
    actor = f.ActorFactory(status=Status.PUBLISHED)
    report = f.ArticleFactory(status=Status.PUBLISHED)
    url = reverse("admin:events_event_propose", args=[event.pk])
    assert (
        editor_client.post(
            url,
            {
                "kind": "correction",
                "fix_title": "Solingen festival stabbing",
                "fix_summary": event.summary,
                "reason": "The attack was at the city festival.",
            },
        ).status_code
        == 302
    )
    assert (
        editor_client.post(
            url,
            {
                "kind": "participation",
                "actor": actor.pk,
                "role": Role.INVESTIGATOR,
                "source": report.pk,
                "passage": "Something happened and officials spoke.",
                "reason": "The report says they investigate.",
                "fix_title": event.title,
            },
        ).status_code
        == 302
    )
    correction, participation = Proposal.objects.order_by("created_at")
    assert correction.changes == {"title": "Solingen festival stabbing"}
    before = event.history.count()
    for proposal in (correction, participation):
        decide = reverse("admin:events_proposal_decide", args=[proposal.pk])
        publisher_client.post(decide, {"_accept": "1", "decision_note": ""})
    event.refresh_from_db()
    assert event.title == "Solingen festival stabbing"
    assert event.history.count() == before + 2  # one row per accepted change
    assert Participation.objects.filter(event=event, actor=actor, source=report).exists()
    assert corrections_of(event).count() == 2


@pytest.mark.django_db
def test_bad_proposals_are_refused_and_rejections_need_a_reason(editor_client, publisher_client):
    actor = f.ActorFactory(status=Status.PUBLISHED)
    url = reverse("admin:events_actor_propose", args=[actor.pk])
    response = editor_client.post(url, {"kind": "alias", "alias_name": "", "reason": "x"})
    assert response.status_code == 200
    assert not Proposal.objects.exists()
    draft = f.ActorFactory(status=Status.DRAFT)
    response = editor_client.post(
        reverse("admin:events_actor_propose", args=[draft.pk]),
        {"kind": "alias", "alias_name": "Y", "alias_language": "en", "reason": "x"},
    )
    assert "proposals are for published records" in response.content.decode()

    editor_client.post(
        url, {"kind": "alias", "alias_name": "Z", "alias_language": "en", "reason": "Seen."}
    )
    proposal = Proposal.objects.get()
    decide = reverse("admin:events_proposal_decide", args=[proposal.pk])
    publisher_client.post(decide, {"_reject": "1", "decision_note": ""})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN
    publisher_client.post(decide, {"_reject": "1", "decision_note": "Not an alias."})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_note) == (ProposalStatus.REJECTED, "Not an alias.")
    assert not ActorAlias.objects.filter(name="Z").exists()
