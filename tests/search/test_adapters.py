"""The API's q= and the admin's search box go through the same search service."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from rest_framework import generics, serializers
from rest_framework.test import APIRequestFactory

from events.models import Event, Status
from events.search import SearchAdminMixin, SearchFilterBackend, search_site
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


class EventSlugSerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = ["slug"]


class EventList(generics.ListAPIView):
    queryset = Event.objects.published()
    serializer_class = EventSlugSerializer
    filter_backends = [SearchFilterBackend]
    authentication_classes = []
    permission_classes = []


def api_slugs(query):
    params = {} if query is None else {"q": query}
    response = EventList.as_view()(APIRequestFactory().get("/events/", params))
    assert response.status_code == 200
    return [row["slug"] for row in response.data]


def test_api_q_agrees_with_the_search_page(record):
    EventFactory(title="Unrelated parade")
    page = [h.obj.slug for h in search_site("Krasnogorsk", limit=100).hits["event"]]
    assert api_slugs("Krasnogorsk") == page
    assert record.attack.slug in page


@pytest.mark.parametrize("query", ["!!!", '"', "x" * 1000, "Zelensky Зеленський"])
def test_api_q_bad_input_gives_a_list_not_an_error(record, query):
    assert isinstance(api_slugs(query), list)


def test_api_without_q_is_unfiltered_and_hides_drafts(record):
    EventFactory(title="Crocus draft", status=Status.DRAFT)
    slugs = api_slugs(None)
    assert record.attack.slug in slugs
    assert "crocus-draft" not in slugs
    assert "crocus-draft" not in api_slugs("Crocus")


def test_admin_search_box_uses_the_service(record):
    event_admin = type("EventAdmin", (SearchAdminMixin, admin.ModelAdmin), {})(Event, admin.site)
    request = RequestFactory().get("/admin/events/event/", {"q": "ISKP"})
    found, may_have_duplicates = event_admin.get_search_results(
        request, Event.objects.all(), "ISKP"
    )
    assert record.attack in found
    assert may_have_duplicates is False
    everything, _ = event_admin.get_search_results(request, Event.objects.all(), "  ")
    assert everything.count() == Event.objects.count()
