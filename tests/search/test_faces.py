"""The API's ``q=`` and the admin's search box go through the search service, as the
/search/ page does: tested through the real endpoints, not through adapters."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from events.models import Event, Status
from events.search import search_site
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def api_slugs(query: str | None) -> list[str]:
    params = {"page_size": 100} if query is None else {"q": query, "page_size": 100}
    response = APIClient().get(reverse("api:event-list"), params)
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_api_q_finds_what_the_search_page_finds(client, record):
    EventFactory(title="Unrelated parade")
    page = client.get(reverse("events:search"), {"q": "Krasnogorsk"})
    assert page.status_code == 200
    found = [h.obj.slug for h in search_site("Krasnogorsk", limit=100).hits["event"]]
    assert record.attack.slug in found
    for slug in found:
        assert Event.objects.get(slug=slug).get_absolute_url() in page.content.decode()
    assert sorted(api_slugs("Krasnogorsk")) == sorted(found)
    assert "unrelated-parade" not in api_slugs("Krasnogorsk")


@pytest.mark.parametrize("query", ["!!!", '"', "x" * 200, "Zelensky Зеленський"])
def test_api_q_odd_input_gives_a_list_not_an_error(record, query):
    assert isinstance(api_slugs(query), list)


def test_api_q_never_finds_drafts(record):
    EventFactory(title="Crocus draft", status=Status.DRAFT)
    assert record.attack.slug in api_slugs("Crocus")
    assert "crocus-draft" not in api_slugs("Crocus")
    assert "crocus-draft" not in api_slugs(None)


def test_admin_search_box_finds_through_the_service(admin_client, record):
    url = reverse("admin:events_event_changelist")
    found = admin_client.get(url, {"q": "ISKP"}).context["cl"].result_list
    assert record.attack in found
    everything = admin_client.get(url, {"q": "  "}).context["cl"].result_count
    assert everything == Event.objects.count()
