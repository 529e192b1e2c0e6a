"""The API contract points strict clients rely on (issue 15): an empty parameter value is
a 400 (and the schema says so), an invalid choice names the valid ones, an unknown nested
field lists the fields at its level, and OPTIONS on a list names its filters with their
types and choices."""

import re

import pytest
from django.urls import reverse

from events.models import ClaimKind, EventType

from .conftest import assert_error

pytestmark = pytest.mark.django_db

LISTS = ["event", "actor", "location", "claim", "article"]


@pytest.mark.parametrize("resource", LISTS)
def test_an_empty_modified_since_is_a_400_naming_it(api, resource):
    response = api.get(reverse(f"api:{resource}-list"), {"modified_since": ""})
    assert_error(response, 400, "modified_since")
    assert "leave the parameter out" in response.json()["errors"]["modified_since"][0]


# Each kind of query parameter, given empty: a 400 naming it, never read as absent.
EMPTY = [
    ("event-list", {}, "type"),
    ("event-list", {}, "after"),
    ("event-list", {}, "location"),
    ("event-list", {}, "q"),
    ("event-list", {}, "ordering"),
    ("event-list", {}, "page_size"),
    ("event-list", {}, "count"),
    ("event-detail", {"slug": "crocus-city-hall-attack"}, "fields"),
    ("event-detail", {"slug": "crocus-city-hall-attack"}, "omit"),
    ("event-detail", {"slug": "crocus-city-hall-attack"}, "as_of"),
    ("claim-list", {}, "assessment"),
    ("claim-list", {}, "as_of"),
    ("location-list", {}, "bbox"),
    ("deleted-list", {}, "since"),
    ("changes", {}, "after"),
]


@pytest.mark.parametrize("name, kwargs, param", EMPTY)
def test_every_empty_parameter_is_a_400_naming_it(api, crocus, name, kwargs, param):
    response = api.get(reverse(f"api:{name}", kwargs=kwargs or None), {param: ""})
    body = assert_error(response, 400, param)
    assert body["errors"][param] == ["Give a value, or leave the parameter out."]


def test_an_empty_cursor_is_the_first_page(api, crocus):
    """The one exception: ``cursor=`` is the first page, as no cursor is."""
    first = api.get(reverse("api:event-list"), {"page_size": 2}).json()
    again = api.get(reverse("api:event-list"), {"page_size": 2, "cursor": ""}).json()
    assert again["results"] == first["results"]
    assert first["results"]


def test_the_schema_refuses_empty_values_and_years_outside_the_range(api):
    document = api.get(reverse("api:schema"), {"format": "json"}).json()
    params = {
        p["name"]: p["schema"] for p in document["paths"]["/api/v1/claims/"]["get"]["parameters"]
    }
    assert params["q"]["minLength"] == 1
    assert params["speaker"]["minLength"] == 1
    assert "minLength" not in params["cursor"]
    assert params["as_of"]["format"] == "date"
    assert params["modified_since"]["format"] == "date-time"
    for name in ("as_of", "modified_since"):
        year = re.compile(params[name]["pattern"])
        assert year.match("1900-01-01") and year.match("2100-12-31T23:59:59Z")
        assert not year.match("1899-12-31") and not year.match("2101-01-01")
        assert not year.match("0229-04-08")


def test_an_absent_modified_since_filters_nothing(api, crocus):
    assert api.get(reverse("api:event-list")).status_code == 200


def test_an_invalid_choice_names_the_valid_ones(api):
    response = api.get(reverse("api:event-list"), {"type": "rumour"})
    assert_error(response, 400, "type")
    assert response.json()["errors"]["type"] == [
        f"“rumour” is not one of: {', '.join(EventType.values)}."
    ]
    claims = api.get(reverse("api:claim-list"), {"kind": "gossip"})
    assert_error(claims, 400, "kind")
    assert ", ".join(ClaimKind.values) in claims.json()["errors"]["kind"][0]


def test_an_unknown_nested_field_lists_the_fields_at_its_level(api, crocus):
    url = reverse("api:event-detail", kwargs={"slug": crocus.slug})
    response = api.get(url, {"fields": "slug,location.altitude"})
    assert_error(response, 400, "fields")
    [message] = response.json()["errors"]["fields"]
    assert message.startswith("Unknown field “location.altitude”. Fields of location: ")
    assert "latitude" in message and "title" not in message  # location's, not the event's
    top = api.get(url, {"fields": "headline"}).json()["errors"]["fields"]
    assert top[0].startswith("Unknown field “headline”. Fields here: ") and "title" in top[0]
    leaf = api.get(url, {"fields": "title.text"}).json()["errors"]["fields"]
    assert leaf == ["Unknown field “title.text”: “title” has no fields."]


def test_options_on_a_list_names_its_filters_with_types_and_choices(api):
    response = api.options(reverse("api:event-list"))
    assert response.status_code == 200
    params = response.json()["query_parameters"]
    assert params["type"]["type"] == "choice"
    assert [c["value"] for c in params["type"]["choices"]] == EventType.values
    assert params["modified_since"]["type"] == "datetime"
    assert params["after"]["type"] == "date"
    assert params["location"]["type"] == "slug"
    assert params["q"]["type"] == "string"
    assert params["page_size"]["type"] == "integer"
    assert all(p["help_text"] for p in params.values())
    claims = api.options(reverse("api:claim-list")).json()["query_parameters"]
    assert [c["value"] for c in claims["kind"]["choices"]] == ClaimKind.values


def test_options_on_a_detail_has_no_filters(api, crocus):
    response = api.options(reverse("api:event-detail", kwargs={"slug": crocus.slug}))
    assert response.status_code == 200
    assert "query_parameters" not in response.json()
