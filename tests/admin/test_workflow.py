"""Draft → review → published, and withdrawn: who may do what, and the public notes."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from events.models import Claim, Correction, CorrectionKind, Status
from tests import factories as f
from tests.admin.conftest import errors_of, form_data


def change(client, obj, **changes):
    url = reverse(f"admin:events_{obj._meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    data = form_data(page)
    data.update(changes)
    return client.post(url, data)


def corrections_of(obj):
    return Correction.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    )


@pytest.fixture
def draft_claim(db):
    return f.ClaimFactory(status=Status.DRAFT, text="The hall was attacked.")


@pytest.mark.django_db
def test_editor_moves_a_draft_to_review_but_cannot_publish(editor_client, draft_claim):
    assert change(editor_client, draft_claim, status="review").status_code == 302
    draft_claim.refresh_from_db()
    assert draft_claim.status == Status.REVIEW

    response = change(editor_client, draft_claim, status="published")
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    draft_claim.refresh_from_db()
    assert draft_claim.status == Status.REVIEW


@pytest.mark.django_db
def test_editor_has_no_publish_action(editor_client, draft_claim):
    page = editor_client.get(reverse("admin:events_claim_changelist"))
    actions = [name for name, _ in page.context["action_form"].fields["action"].choices]
    assert "submit_for_review" in actions
    assert "publish_selected" not in actions
    editor_client.post(
        reverse("admin:events_claim_changelist"),
        {"action": "publish_selected", "_selected_action": [draft_claim.pk]},
    )
    draft_claim.refresh_from_db()
    assert draft_claim.status == Status.DRAFT


@pytest.mark.django_db
def test_publisher_publishes_from_the_form_and_with_the_action(publisher_client, draft_claim):
    assert change(publisher_client, draft_claim, status="published").status_code == 302
    draft_claim.refresh_from_db()
    assert draft_claim.status == Status.PUBLISHED
    assert draft_claim.first_published_at is not None

    other = f.ClaimFactory(status=Status.REVIEW)
    response = publisher_client.post(
        reverse("admin:events_claim_changelist"),
        {"action": "publish_selected", "_selected_action": [other.pk]},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == Status.PUBLISHED
    assert other.history.first().history_change_reason == "Published"


@pytest.mark.django_db
def test_a_claim_whose_speaker_is_a_draft_cannot_be_published(publisher_client):
    claim = f.ClaimFactory(status=Status.REVIEW, speaker=f.ActorFactory(status=Status.DRAFT))
    response = change(publisher_client, claim, status="published")
    assert response.status_code == 200
    assert "Publish these first" in errors_of(response)
    claim.refresh_from_db()
    assert claim.status == Status.REVIEW


@pytest.mark.django_db
def test_a_claim_about_a_draft_actor_cannot_be_published(publisher_client):
    claim = f.ClaimFactory(status=Status.REVIEW)
    claim.about_actors.add(f.ActorFactory(status=Status.DRAFT, name="Secret suspect"))
    response = change(publisher_client, claim, status="published")
    assert "Secret suspect" in errors_of(response)
    claim.refresh_from_db()
    assert claim.status == Status.REVIEW


@pytest.mark.django_db
def test_withdrawal_needs_a_public_note_and_writes_a_correction(publisher_client, publisher):
    claim = f.ClaimFactory(status=Status.PUBLISHED)
    response = change(publisher_client, claim, status="withdrawn")
    assert response.status_code == 200
    assert "Tell readers why" in errors_of(response)
    claim.refresh_from_db()
    assert claim.status == Status.PUBLISHED
    assert not corrections_of(claim).exists()

    note = "Withdrawn: the quote was misattributed."
    response = change(publisher_client, claim, status="withdrawn", correction_note=note)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.public_note) == (Status.WITHDRAWN, note)
    correction = corrections_of(claim).get()
    assert (correction.kind, correction.note, correction.author) == (
        CorrectionKind.WITHDRAWAL,
        note,
        publisher,
    )
    # Readers no longer see it.
    assert not Claim.objects.public().filter(pk=claim.pk).exists()


@pytest.mark.django_db
def test_changing_published_content_needs_a_note_and_is_logged_as_a_correction(
    publisher_client,
):
    claim = f.ClaimFactory(status=Status.PUBLISHED, text="Killed: 130.")
    response = change(publisher_client, claim, text="Killed: 133.")
    assert response.status_code == 200
    assert "readers will see a correction note" in errors_of(response)
    claim.refresh_from_db()
    assert claim.text == "Killed: 130."

    note = "We misquoted the figure: it was 133."
    rows = claim.history.count()
    response = change(publisher_client, claim, text="Killed: 133.", correction_note=note)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.text, claim.public_note) == ("Killed: 133.", note)
    assert corrections_of(claim).get().kind == CorrectionKind.CORRECTION
    # One correction, one history row (it was two: the save, then the note), and it says why.
    assert claim.history.count() == rows + 1
    last, before = claim.history.all()[:2]
    assert last.history_change_reason == f"Corrected: {note}"
    assert before.text == "Killed: 130."


@pytest.mark.django_db
def test_history_shows_a_change_without_a_reason_as_blank_not_none(publisher_client):
    claim = f.ClaimFactory(status=Status.PUBLISHED, text="Killed: 130.")  # saved with no reason
    change(publisher_client, claim, text="Killed: 133.", correction_note="It was 133.")
    reasons = [h.history_change_reason for h in claim.history.all()]
    assert reasons == ["Corrected: It was 133.", None]
    page = publisher_client.get(reverse("admin:events_claim_history", args=[claim.pk]))
    cells = [
        " ".join(cell.split())
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", page.content.decode(), re.S)
    ]
    assert "Corrected: It was 133." in cells
    assert "None" not in cells  # a missing reason or user showed as "None"


@pytest.mark.django_db
def test_editors_see_published_content_read_only(editor_client):
    claim = f.ClaimFactory(status=Status.PUBLISHED, text="Original.")
    url = reverse("admin:events_claim_change", args=[claim.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    response = editor_client.post(url, {"text": "Changed.", "status": "draft"})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert (claim.text, claim.status) == ("Original.", Status.PUBLISHED)


@pytest.mark.django_db
def test_inline_change_to_published_event_needs_a_note(publisher_client):
    event = f.EventFactory(status=Status.PUBLISHED)
    participation = f.ParticipationFactory(event=event)
    url = reverse("admin:events_event_change", args=[event.pk])
    page = publisher_client.get(url)
    data = form_data(page)
    prefix = next(
        i.formset.prefix
        for i in page.context["inline_admin_formsets"]
        if i.formset.model._meta.model_name == "participation"
    )
    data[f"{prefix}-0-note"] = "According to the FSB."
    response = publisher_client.post(url, data)
    assert response.status_code == 200
    assert "add a public note" in errors_of(response)
    participation.refresh_from_db()
    assert participation.note == ""

    data["correction_note"] = "Added who said so."
    assert publisher_client.post(url, data).status_code == 302
    participation.refresh_from_db()
    assert participation.note == "According to the FSB."
    assert corrections_of(event).get().note == "Added who said so."
    assert [h.history_change_reason for h in event.history.all()[:2]] == [
        "Corrected: Added who said so.",
        None,  # the factory's creation
    ]


@pytest.mark.django_db
def test_a_link_row_of_published_content_changes_with_a_note(publisher_client):
    event = f.EventFactory(status=Status.PUBLISHED)
    participation = f.ParticipationFactory(event=event, note="")
    url = reverse("admin:events_participation_change", args=[participation.pk])
    data = form_data(publisher_client.get(url))
    data["note"] = "According to the FSB."
    response = publisher_client.post(url, data)
    assert response.status_code == 200
    assert "readers will see a correction note" in errors_of(response)
    data["correction_note"] = "Added who said so."
    assert publisher_client.post(url, data).status_code == 302
    participation.refresh_from_db()
    assert participation.note == "According to the FSB."
    assert corrections_of(event).get().note == "Added who said so."


@pytest.mark.django_db
def test_withdraw_action_asks_for_a_note_then_withdraws(publisher_client, editor_client):
    claims = [f.ClaimFactory(status=Status.PUBLISHED) for _ in range(2)]
    url = reverse("admin:events_claim_changelist")
    selection = {"action": "withdraw_selected", "_selected_action": [c.pk for c in claims]}
    page = editor_client.get(url)
    assert "withdraw_selected" not in dict(page.context["action_form"].fields["action"].choices)

    assert publisher_client.post(url, selection).status_code == 200
    refused = publisher_client.post(url, {**selection, "confirm_withdraw": "1"})
    assert "Tell readers why" in refused.content.decode()
    assert all(Claim.objects.get(pk=c.pk).status == Status.PUBLISHED for c in claims)

    note = "Both came from a hoax account."
    response = publisher_client.post(
        url, {**selection, "confirm_withdraw": "1", "public_note": note}
    )
    assert response.status_code == 302
    for claim in claims:
        claim.refresh_from_db()
        assert (claim.status, claim.public_note) == (Status.WITHDRAWN, note)
        assert corrections_of(claim).get().kind == CorrectionKind.WITHDRAWAL


@pytest.mark.django_db
def test_an_inline_cannot_publish_around_the_workflow(editor_client):
    event = f.EventFactory(status=Status.DRAFT)
    claim = f.ClaimFactory(event=event, status=Status.DRAFT)
    url = reverse("admin:events_event_change", args=[event.pk])
    page = editor_client.get(url)
    claims = next(
        i.formset
        for i in page.context["inline_admin_formsets"]
        if i.opts.verbose_name_plural == "claims"
    )
    assert "status" not in claims.forms[0].fields
    data = form_data(page)
    data[f"{claims.prefix}-0-status"] = "published"
    assert editor_client.post(url, data).status_code == 302
    claim.refresh_from_db()
    assert claim.status == Status.DRAFT


@pytest.mark.django_db
def test_editors_cannot_change_the_links_of_published_content(editor_client, publisher_client):
    claim = f.ClaimFactory(status=Status.PUBLISHED)
    article = f.ArticleFactory()
    source = f.ClaimSourceFactory(claim=claim, article=article)
    change_url = reverse("admin:events_claimsource_change", args=[source.pk])
    assert editor_client.get(change_url).context["has_change_permission"] is False
    assert publisher_client.get(change_url).context["has_change_permission"] is True

    add_url = reverse("admin:events_claimsource_add")
    data = {
        "claim": claim.pk,
        "article": f.ArticleFactory().pk,
        "passage": "Something happened and officials spoke.",
        "start_offset": "",
        "end_offset": "",
        "version": "",
    }
    response = editor_client.post(add_url, data)
    assert response.status_code == 200
    assert "only publishers change what it says" in errors_of(response)
    assert claim.sources.count() == 1


@pytest.mark.django_db
def test_an_editor_deletes_their_own_never_published_draft_only(editor_client, editor):
    url = reverse("admin:events_actor_add")
    page = editor_client.get(url)
    data = form_data(page)
    data.update(name="Mistaken actor", kind="person", status="draft")
    for prefix in ("aliases", "affiliations"):
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = "0"
    assert editor_client.post(url, data).status_code == 302
    from events.models import Actor

    mine = Actor.objects.get(name="Mistaken actor")
    someone_elses = f.ActorFactory(status=Status.DRAFT)
    once_published = f.ActorFactory(status=Status.PUBLISHED)
    once_published.status = Status.DRAFT
    once_published.save()  # taken back to draft: it was public once

    delete = reverse("admin:events_actor_delete", args=[mine.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Actor.objects.filter(pk=mine.pk).exists()
    for other in (someone_elses, once_published):
        url = reverse("admin:events_actor_delete", args=[other.pk])
        assert editor_client.post(url, {"post": "yes"}).status_code == 403
        assert Actor.objects.filter(pk=other.pk).exists()
