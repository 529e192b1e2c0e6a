"""``q`` orders by relevance (``ordering=relevance``, the default with q), on both databases."""

import pytest

from .conftest import api_url, assert_error

pytestmark = pytest.mark.django_db


def slugs(api, params):
    return [e["slug"] for e in api.get(api_url("event-list", params=params)).json()["results"]]


def test_q_lists_the_attack_before_the_verdict(api, crocus):
    found = slugs(api, {"q": "Crocus", "page_size": 100})
    assert found[0] == "crocus-city-hall-attack"
    assert found == slugs(api, {"q": "Crocus", "ordering": "relevance", "page_size": 100})
    # Asking for dates still gives dates.
    by_date = slugs(api, {"q": "Crocus", "ordering": "-start", "page_size": 100})
    assert by_date[0] == "crocus-verdict-2026-03-12" and set(by_date) == set(found)
    # -relevance reads worst first.
    assert slugs(api, {"q": "Crocus", "ordering": "-relevance", "page_size": 100})[-1] == found[0]


def test_relevance_pages_with_cursors_without_gaps_or_repeats(api, crocus):
    whole = slugs(api, {"q": "Crocus", "page_size": 100})
    seen, url = [], api_url("event-list", params={"q": "Crocus", "page_size": 2})
    while url:
        data = api.get(url).json()
        seen += [e["slug"] for e in data["results"]]
        url = data["next"]
    assert seen == whole and len(whole) > 4


def test_misspelt_query_finds_the_actor_first(api, crocus):
    data = api.get(api_url("actor-list", params={"q": "Zelenski"})).json()
    assert data["results"][0]["slug"] == "volodymyr-zelensky"


def test_relevance_without_q_is_a_clear_400(api, crocus):
    body = assert_error(
        api.get(api_url("event-list", params={"ordering": "relevance"})), 400, "ordering"
    )
    assert "give q" in body["errors"]["ordering"][0]
