"""A claim that stops being public disappears from every public face at once.

The rule "a claim is public only when it, its event and its speaker are published" lives on
``ClaimQuerySet.public_q``; these tests change the event or the speaker *after* the claim was
published and look for the claim everywhere a reader or client could meet it: its own page,
the related claims of another claim's page and of the event page, search, the feeds, the
sitemap, and the API (list, detail, and the related claims of another claim). The same for a
participant unpublished later, and for the end of an ``as_of`` day, which the page once
computed at UTC midnight and the API in the event's time zone.
"""

import datetime as dt

import pytest
from django.urls import reverse

from events import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db

MARK = "Zanzibarquux"  # a word nothing else in the story contains


def drifting_claim(story):
    """A published claim about its own published event that contradicts the accusation."""
    other = f.EventFactory(
        title=f"{MARK} side event", start=dt.datetime(2024, 3, 23, tzinfo=dt.UTC)
    )
    speaker = f.ActorFactory(name=f"{MARK} spokesman")
    claim = f.ClaimFactory(
        event=other,
        speaker=speaker,
        kind=m.ClaimKind.DENIAL,
        text=f"{MARK} denies everything",
        made_at=dt.datetime(2024, 3, 23, 9, tzinfo=dt.UTC),
    )
    f.ClaimSourceFactory(claim=claim, article=story.report, passage="the world has been alerted.")
    m.ClaimRelation.objects.create(from_claim=claim, to_claim=story.accusation, kind="contradicts")
    return claim


def public_faces(client, story, claim) -> dict[str, tuple[int, str]]:
    """Every public response the claim could appear in: name → (status, body)."""
    faces = {
        "claim page": claim.get_absolute_url(),
        "related claims on a claim page": story.accusation.get_absolute_url(),
        "related claims on the event page": story.attack.get_absolute_url(),
        "search": reverse("events:search") + f"?q={MARK}",
        "atom feed": reverse("events:feed-atom"),
        "rss feed": reverse("events:feed-rss"),
        "sitemap": "/sitemap.xml",
        "API claim list": reverse("api:claim-list") + "?page_size=100",
        "API claim": reverse("api:claim-detail", kwargs={"pk": claim.pk}),
        "API related claims": reverse("api:claim-detail", kwargs={"pk": story.accusation.pk}),
        "API event": reverse("api:event-detail", kwargs={"slug": story.attack.slug}),
        "API search": reverse("api:claim-list") + f"?q={MARK}",
    }
    result = {}
    for name, url in faces.items():
        response = client.get(url)
        result[name] = (response.status_code, response.content.decode())
    return result


def assert_everywhere(faces, claim):
    """The claim shows on every face (the test's control: the faces can find it)."""
    for name, (status, body) in faces.items():
        assert status == 200, name
        if "feed" in name:  # feeds list events: the claim's event is there
            assert claim.event.title in body, name
        else:
            assert f"/claims/{claim.pk}/" in body, name


def assert_nowhere(faces, claim, *, event_public: bool):
    for name, (status, body) in faces.items():
        if "feed" in name:  # feeds list events: the withdrawn event is gone from them
            assert status == 200, name
            assert event_public or claim.event.title not in body, name
            continue
        if name in {"claim page", "API claim"}:
            assert status == 404, name
            continue
        assert status == 200, name
        # Its words and its address: the search page echoes the query, and the speaker or
        # event may still be public in their own right, so their names are no evidence.
        assert claim.text not in body, name
        assert f"/claims/{claim.pk}/" not in body, name


def test_control_a_public_claim_is_seen_everywhere(client, story):
    claim = drifting_claim(story)
    assert_everywhere(public_faces(client, story, claim), claim)


def test_claim_whose_event_is_withdrawn_appears_nowhere(client, story):
    claim = drifting_claim(story)
    claim.event.status = m.Status.WITHDRAWN
    claim.event.save()
    claim.refresh_from_db()
    assert claim.status == m.Status.PUBLISHED  # the claim itself was never touched
    assert_nowhere(public_faces(client, story, claim), claim, event_public=False)


def test_claim_whose_speaker_is_unpublished_later_appears_nowhere(client, story):
    claim = drifting_claim(story)
    assert claim.speaker.first_published_at is not None
    claim.speaker.status = m.Status.DRAFT
    claim.speaker.save()
    assert_nowhere(public_faces(client, story, claim), claim, event_public=True)


def test_staff_still_preview_the_hidden_claim(staff_client, story):
    claim = drifting_claim(story)
    claim.event.status = m.Status.WITHDRAWN
    claim.event.save()
    assert staff_client.get(claim.get_absolute_url()).status_code == 200
    html = staff_client.get(story.accusation.get_absolute_url()).content.decode()
    assert MARK in html


def test_withdrawn_related_claim_appears_nowhere(client, story):
    claim = drifting_claim(story)
    claim.status = m.Status.WITHDRAWN
    claim.public_note = "Misattributed."
    claim.save()
    assert_nowhere(public_faces(client, story, claim), claim, event_public=True)


def test_participant_unpublished_later_appears_nowhere(client, story):
    """A participation is public only when its actor is too: the page and the API agree."""
    actor = story.isis
    event_page = story.attack.get_absolute_url()
    api_event = reverse("api:event-detail", kwargs={"slug": story.attack.slug})
    actor_link = f"/actors/{actor.slug}/"

    def api_participants():
        return {p["actor"]["slug"] for p in client.get(api_event).json()["participants"]}

    assert actor_link in client.get(event_page).content.decode()  # control
    assert actor.slug in api_participants()
    actor.status = m.Status.DRAFT
    actor.save()
    assert actor_link not in client.get(event_page).content.decode()
    assert actor.slug not in api_participants()
    assert client.get(actor.get_absolute_url()).status_code == 404
    assert client.get(reverse("api:actor-detail", kwargs={"slug": actor.slug})).status_code == 404


def test_as_of_ends_the_day_in_the_events_time_zone_on_page_and_api(client, story):
    """The page once cut ``as_of`` at UTC midnight while the API used the event's zone.

    The attack happened in Moscow (UTC+3): a claim made at 23:30 Moscow time on 23 March was
    known "on 23 March"; one made at 00:30 on the 24th (still the 23rd in UTC) was not.
    """
    attack = story.attack
    late_evening = f.ClaimFactory(
        event=attack,
        text="Said late on the 23rd",
        made_at=dt.datetime(2024, 3, 23, 20, 30, tzinfo=dt.UTC),
    )
    after_midnight = f.ClaimFactory(
        event=attack,
        text="Said just after midnight",
        made_at=dt.datetime(2024, 3, 23, 21, 30, tzinfo=dt.UTC),
    )
    params = {"as_of": "2024-03-23"}
    page = client.get(attack.get_absolute_url(), params).context["page"]
    api = client.get(reverse("api:event-detail", kwargs={"slug": attack.slug}), params).json()
    on_page = {c.pk for c in page.claims}
    in_api = {c["id"] for c in api["claims"]}
    assert on_page == in_api
    assert late_evening.pk in on_page and after_midnight.pk not in on_page
