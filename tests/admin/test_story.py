"""Publishing an event with its story: what it needs is listed first, then published at once."""

import pytest
from django.urls import reverse

from events.models import Location, LocationKind, Status
from tests import factories as f

DRAFT = Status.DRAFT


@pytest.fixture
def story(db):
    germany = f.LocationFactory(name="Germany", kind=LocationKind.COUNTRY, status=DRAFT)
    nrw = f.LocationFactory(
        name="North Rhine-Westphalia", kind=LocationKind.REGION, parent=germany, status=DRAFT
    )
    solingen = f.LocationFactory(name="Solingen", parent=nrw, status=DRAFT)
    fronhof = f.LocationFactory(
        name="Fronhof", kind=LocationKind.DISTRICT, parent=solingen, status=DRAFT
    )
    event = f.EventFactory(title="Solingen festival stabbing", location=fronhof, status=DRAFT)
    suspect = f.ActorFactory(name="Issa al H.", kind="person", status=DRAFT)
    police = f.ActorFactory(name="Düsseldorf police", status=Status.REVIEW)
    report = f.ArticleFactory(headline="Three killed in Solingen", status=DRAFT)
    f.ParticipationFactory(event=event, actor=suspect, source=report)
    claim = f.ClaimFactory(event=event, speaker=police, status=DRAFT)
    f.ClaimSourceFactory(claim=claim, article=report)
    return {
        "germany": germany,
        "nrw": nrw,
        "solingen": solingen,
        "fronhof": fronhof,
        "event": event,
        "suspect": suspect,
        "police": police,
        "report": report,
        "claim": claim,
    }


def keys_in_order(page) -> list[str]:
    return [item.key for item in page.context["items"]]


@pytest.mark.django_db
def test_the_story_is_listed_dependencies_first_and_published_at_once(
    publisher_client, client, story
):
    url = reverse("admin:events_event_publish_story", args=[story["event"].pk])
    page = publisher_client.get(url)
    assert page.status_code == 200
    order = keys_in_order(page)
    key = {name: f"{obj._meta.model_name}:{obj.pk}" for name, obj in story.items()}
    assert set(order) == set(key.values())
    places = [order.index(key[n]) for n in ("germany", "nrw", "solingen", "fronhof")]
    assert places == sorted(places)  # up the hierarchy first
    assert order.index(key["fronhof"]) < order.index(key["event"])
    assert order.index(key["police"]) < order.index(key["claim"])
    assert order.index(key["report"]) < order.index(key["claim"])
    body = page.content.decode()
    assert "the event&#x27;s location" in body

    response = publisher_client.post(url, {"publish": order})
    assert response.status_code == 302
    for obj in story.values():
        obj.refresh_from_db()
        assert obj.status == Status.PUBLISHED, obj
    assert client.get(story["event"].get_absolute_url()).status_code == 200
    assert "Published 9" in publisher_client.get(response["Location"]).content.decode()
    assert keys_in_order(publisher_client.get(url)) == []


@pytest.mark.django_db
def test_leaving_out_what_the_event_needs_publishes_nothing(publisher_client, story):
    url = reverse("admin:events_event_publish_story", args=[story["event"].pk])
    order = keys_in_order(publisher_client.get(url))
    without_germany = [k for k in order if k != f"location:{story['germany'].pk}"]
    response = publisher_client.post(url, {"publish": without_germany})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing was published" in body
    assert "Germany" in body
    assert not Location.objects.filter(
        pk__in=[story["nrw"].pk, story["solingen"].pk], status=Status.PUBLISHED
    ).exists()
    story["event"].refresh_from_db()
    assert story["event"].status == DRAFT


@pytest.mark.django_db
def test_a_claim_not_ready_can_wait(publisher_client, story):
    url = reverse("admin:events_event_publish_story", args=[story["event"].pk])
    order = keys_in_order(publisher_client.get(url))
    chosen = [k for k in order if k != f"claim:{story['claim'].pk}"]
    assert publisher_client.post(url, {"publish": chosen}).status_code == 302
    story["claim"].refresh_from_db()
    story["event"].refresh_from_db()
    assert (story["event"].status, story["claim"].status) == (Status.PUBLISHED, DRAFT)


@pytest.mark.django_db
def test_only_publishers(editor_client, story):
    url = reverse("admin:events_event_publish_story", args=[story["event"].pk])
    assert editor_client.get(url).status_code == 403
    assert editor_client.post(url, {"publish": ["event:1"]}).status_code == 403
    change = editor_client.get(reverse("admin:events_event_change", args=[story["event"].pk]))
    assert "publish-story-link" not in change.content.decode()
