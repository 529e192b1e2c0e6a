"""Anonymous clients see published objects only, everywhere; editors with a token see drafts."""

import pytest
from django.urls import reverse

from events.models import Actor, Claim, Event, Location, Status
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    ClaimFactory,
    ClaimSourceFactory,
    EventFactory,
    LocationFactory,
    ParticipationFactory,
)

from .conftest import api_url, assert_error

pytestmark = pytest.mark.django_db
ATTACK = "crocus-city-hall-attack"


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def drafts(crocus):
    """A draft of each kind, hung on the published Crocus attack."""
    actor = ActorFactory(name="Secret Source Zyx", status=Status.DRAFT)
    place = LocationFactory(
        name="Hidden Annex Zyx",
        parent=Location.objects.get(slug="crocus-city-hall"),
        status=Status.DRAFT,
    )
    event = EventFactory(
        title="Unconfirmed Zyx raid", parent=crocus, location=place, status=Status.DRAFT
    )
    article = ArticleFactory(headline="Draft Zyx report", status=Status.DRAFT)
    ParticipationFactory(event=crocus, actor=actor, role="commentator", source=article)
    draft_claim = ClaimFactory(
        event=crocus,
        speaker=Actor.objects.get(slug="fsb"),
        text="Zyx draft claim",
        status=Status.DRAFT,
    )
    hidden_speaker_claim = ClaimFactory(
        event=crocus, speaker=actor, text="Zyx claim by a draft speaker"
    )
    public_claim = Claim.objects.filter(event=crocus, status=Status.PUBLISHED).first()
    ClaimSourceFactory(claim=public_claim, article=article, passage="")
    withdrawn = EventFactory(title="Withdrawn Zyx story", status=Status.WITHDRAWN)
    return {
        "actor": actor,
        "place": place,
        "event": event,
        "article": article,
        "claim": draft_claim,
        "speaker_claim": hidden_speaker_claim,
        "withdrawn": withdrawn,
        "public_claim": public_claim,
    }


def test_drafts_are_404_on_detail(api, drafts):
    for name, kwargs in [
        ("actor-detail", {"slug": drafts["actor"].slug}),
        ("location-detail", {"slug": drafts["place"].slug}),
        ("event-detail", {"slug": drafts["event"].slug}),
        ("event-detail", {"slug": drafts["withdrawn"].slug}),
        ("article-detail", {"slug": drafts["article"].slug}),
        ("claim-detail", {"pk": drafts["claim"].pk}),
        ("claim-detail", {"pk": drafts["speaker_claim"].pk}),
    ]:
        assert_error(api.get(api_url(name, **kwargs)), 404)


def test_drafts_are_absent_from_lists_search_and_filters(api, drafts):
    for name, word in (
        ("event-list", "Unconfirmed"),
        ("actor-list", "Zyx"),
        ("location-list", "Zyx"),
        ("claim-list", "Zyx"),
        ("article-list", "Zyx"),
    ):
        found = api.get(api_url(name, params={"q": word, "page_size": 100}))
        assert results(found) == [], name
        everything = api.get(api_url(name, params={"page_size": 100, "ordering": "-updated_at"}))
        assert "Zyx" not in everything.content.decode(), name
    # a draft slug is as unknown as a missing one
    body = assert_error(
        api.get(api_url("event-list", params={"location": drafts["place"].slug})), 400, "location"
    )
    assert drafts["place"].slug in body["errors"]["location"][0]
    assert_error(
        api.get(api_url("event-list", params={"actor": drafts["actor"].slug})), 400, "actor"
    )
    assert_error(
        api.get(api_url("claim-list", params={"speaker": drafts["actor"].slug})), 400, "speaker"
    )
    assert_error(
        api.get(api_url("location-list", params={"within": drafts["place"].slug})), 400, "within"
    )
    # a role filter does not find an event through a draft participant
    lonely = EventFactory(title="Lonely event")
    ParticipationFactory(event=lonely, actor=drafts["actor"], role="warner")
    events = results(api.get(api_url("event-list", params={"role": "warner", "page_size": 100})))
    assert lonely.slug not in [e["slug"] for e in events]


def test_search_does_not_find_published_events_through_draft_participants(api, drafts):
    found = results(api.get(api_url("event-list", params={"q": "Secret Source Zyx"})))
    assert found == []


def test_drafts_are_absent_from_nested_data(api, drafts):
    text = api.get(api_url("event-detail", slug=ATTACK)).content.decode()
    assert "Zyx" not in text
    data = api.get(api_url("event-detail", slug=ATTACK)).json()
    assert drafts["event"].slug not in [e["slug"] for e in data["sub_events"]]
    claim = api.get(api_url("claim-detail", pk=drafts["public_claim"].pk)).json()
    assert drafts["article"].slug not in [s["article"]["slug"] for s in claim["sources"]]
    place = api.get(api_url("location-detail", slug="crocus-city-hall")).json()
    assert drafts["place"].slug not in [c["slug"] for c in place["children"]]


def test_a_draft_parent_location_is_null_not_leaked(api, crocus):
    hidden = LocationFactory(name="Zyx District", status=Status.DRAFT)
    visible = LocationFactory(name="Zyx Village", parent=hidden)
    data = api.get(api_url("location-detail", slug=visible.slug)).json()
    assert data["parent"] is None
    assert data["ancestors"] == []
    event = EventFactory(location=hidden)
    data = api.get(api_url("event-detail", slug=event.slug)).json()
    assert data["location"] is None


def test_editor_with_token_sees_drafts(editor_api, drafts):
    assert editor_api.get(api_url("event-detail", slug=drafts["event"].slug)).status_code == 200
    assert editor_api.get(api_url("claim-detail", pk=drafts["claim"].pk)).status_code == 200
    found = results(editor_api.get(api_url("event-list", params={"q": "Zyx", "page_size": 100})))
    # the two drafts, and the attack through its (draft, but visible to editors) participant
    assert {e["slug"] for e in found} >= {drafts["event"].slug, drafts["withdrawn"].slug}
    data = editor_api.get(api_url("event-detail", slug=ATTACK)).json()
    assert drafts["event"].slug in [e["slug"] for e in data["sub_events"]]
    assert drafts["actor"].slug in [p["actor"]["slug"] for p in data["participants"]]
    in_filter = editor_api.get(api_url("event-list", params={"location": drafts["place"].slug}))
    assert [e["slug"] for e in results(in_filter)] == [drafts["event"].slug]


def test_bad_token_is_401_and_writes_are_refused(api, crocus):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    body = assert_error(api.get(api_url("event-list")), 401)
    assert body["code"] == "authentication_failed"
    api.credentials()
    response = api.post(api_url("event-list"), {"title": "x"}, format="json")
    assert_error(response, 405)
    assert Event.objects.filter(title="x").count() == 0
    assert_error(api.delete(api_url("event-detail", slug=ATTACK)), 405)
    assert Event.objects.filter(slug=ATTACK).exists()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "trace"])
def test_unsupported_method_is_405_before_the_query_is_checked(api, crocus, method):
    """A method the endpoint does not answer is a 405 naming the allowed ones, even when
    the query string would be refused (schemathesis' ST204 sent TRACE with a full query)."""
    url = api_url("event-list", params={"ordering": "start", "unknown": "1", "format": "nope"})
    response = api.generic(method.upper(), url)
    body = assert_error(response, 405)
    assert "GET" in response["Allow"]
    assert body["code"] == "method_not_allowed"
    detail_url = reverse("api:export-file", kwargs={"name": "0", "file": "0"}) + "?format=gz"
    assert_error(api.generic(method.upper(), detail_url), 405)
