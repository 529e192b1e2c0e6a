"""The admin's merge action: pick the record to keep, the others merge into it."""

import pytest
from django.urls import reverse

from events.models import Actor, SlugRedirect
from tests import factories as f


@pytest.mark.django_db
def test_merge_action_asks_which_to_keep_then_merges(editor_client):
    keep = f.ActorFactory(name="Volodymyr Zelensky", status="draft")
    dup = f.ActorFactory(name="Zelenskyy", status="draft")
    dup_id, dup_slug = dup.pk, dup.slug
    claim = f.ClaimFactory(speaker=dup)
    url = reverse("admin:events_actor_changelist")
    selection = {"action": "merge_action", "_selected_action": [keep.pk, dup.pk]}

    confirm = editor_client.post(url, selection)
    assert confirm.status_code == 200
    assert "Choose the actor to keep" in confirm.content.decode()
    assert Actor.objects.filter(pk=dup.pk).exists()

    response = editor_client.post(url, {**selection, "confirm_merge": "1", "keep": keep.pk})
    assert response.status_code == 302
    assert not Actor.objects.filter(pk=dup_id).exists()
    claim.refresh_from_db()
    assert claim.speaker == keep
    assert keep.aliases.filter(name="Zelenskyy").exists()
    assert SlugRedirect.objects.filter(kind="actor", old_slug=dup_slug, new_slug=keep.slug)


@pytest.mark.django_db
def test_merge_needs_two_records(editor_client):
    actor = f.ActorFactory()
    response = editor_client.post(
        reverse("admin:events_location_changelist"),
        {"action": "merge_action", "_selected_action": [f.LocationFactory().pk]},
        follow=True,
    )
    assert "Select at least two records to merge." in response.content.decode()
    assert Actor.objects.filter(pk=actor.pk).exists()


@pytest.mark.django_db
def test_merging_published_records_is_for_publishers(editor_client, publisher_client):
    keep, dup = f.ActorFactory(name="Islamic State"), f.ActorFactory(name="ISIS")
    url = reverse("admin:events_actor_changelist")
    data = {
        "action": "merge_action",
        "_selected_action": [keep.pk, dup.pk],
        "confirm_merge": "1",
        "keep": keep.pk,
    }
    refused = editor_client.post(url, data, follow=True)
    assert "only publishers may do it" in refused.content.decode()
    assert Actor.objects.filter(pk=dup.pk).exists()
    dup_url = reverse("events:actor-detail", kwargs={"slug": dup.slug})
    assert publisher_client.post(url, data).status_code == 302
    assert not Actor.objects.filter(name="ISIS").exists()
    # Readers following B's old address land on A.
    from django.test import Client

    response = Client().get(dup_url)
    assert response.status_code in (301, 302)
    assert response["Location"].endswith(keep.get_absolute_url())
