"""The API contract points strict clients rely on (issue 15): an empty parameter value is
a 400 (and the schema says so), an invalid choice names the valid ones, an unknown nested
field lists the fields at its level, and OPTIONS on a list names its filters with their
types and choices."""

import re

import pytest
from django.urls import reverse
from openapi_core.testing import MockRequest

from events.api.schema import IDENTITY
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


def _selection_operations(document) -> list[tuple[str, dict]]:
    """Every operation taking ``fields=`` / ``omit=``, with its parameters by name."""
    found = []
    for path, operations in document["paths"].items():
        params = {p["name"]: p for p in operations.get("get", {}).get("parameters", [])}
        if "fields" in params:
            found.append((path, params))
    return found


def _names(document, parameter) -> list[str]:
    ref = parameter["schema"]["items"]["$ref"].rsplit("/", 1)[1]
    return document["components"]["schemas"][ref]["enum"]


def _real_url(api, path: str) -> str:
    """``path`` with its slug or id taken from the first row of its resource's list."""
    if "{" not in path:
        return path
    listing = path.split("{", 1)[0]
    row = api.get(listing, {"page_size": 1}).json()["results"][0]
    key = "slug" if "{slug}" in path else "id"
    return path.replace(f"{{{key}}}", str(row[key]))


def test_fields_and_omit_are_arrays_of_the_names_each_operation_takes(api, crocus):
    """The schema lists every name fields= and omit= accept, per operation (list and detail
    differ), written comma-separated; all of them at once are a 200, and omit= of every name
    it lists leaves the object's identity alone."""
    from .contract import openapi

    document = api.get(reverse("api:schema"), {"format": "json"}).json()
    operations = _selection_operations(document)
    assert len(operations) == 14  # five resources' list and detail, and GeoJSON's four
    for path, params in operations:
        url = _real_url(api, path)
        for name in ("fields", "omit"):
            param = params[name]
            assert param["style"] == "form" and param["explode"] is False, (path, name)
            assert param["schema"]["type"] == "array" and param["schema"]["minItems"] == 1
            names = _names(document, param)
            assert len(names) == len(set(names)) > 1
            assert any("." in n for n in names), (path, name)  # nested ones as parent.child
            everything = ",".join(names)
            # A strict client's request validator reads the comma-separated form as the array.
            openapi().validate_request(
                MockRequest("http://testserver", "get", url, args={name: everything})
            )
            response = api.get(url, {name: everything})
            assert response.status_code == 200, (url, name, response.content[:300])
            if name == "omit":
                assert all(set(obj) <= set(IDENTITY) for obj in _objects(response.json())), url
        fields, omittable = _names(document, params["fields"]), _names(document, params["omit"])
        identity = {n for n in fields if n.rsplit(".", 1)[-1] in IDENTITY}
        assert set(fields) - set(omittable) == identity and identity, path


def _objects(body: dict) -> list[dict]:
    """The resource objects of a JSON or GeoJSON page or detail (their properties)."""
    if body.get("type") == "FeatureCollection":
        return [feature["properties"] for feature in body["features"]]
    if body.get("type") == "Feature":
        return [body["properties"]]
    return body.get("results", [body])


@pytest.mark.parametrize(
    "path, param, value",
    [
        ("/api/v1/events/{slug}/", "fields", "headline"),
        ("/api/v1/events/{slug}/", "fields", "location.altitude"),
        ("/api/v1/events/{slug}/", "fields", "title.text"),
        ("/api/v1/events/{slug}/", "omit", "slug"),
        ("/api/v1/events/{slug}/", "omit", "claims.id"),
        ("/api/v1/events/", "fields", "claims"),  # the detail's, not the list's
        ("/api/v1/claims/{id}/", "omit", "id"),
        # Names separated by single commas, nothing else: an empty or padded name is none.
        ("/api/v1/events/{slug}/", "fields", "slug,"),
        ("/api/v1/events/{slug}/", "fields", ","),
        ("/api/v1/events/", "fields", "  "),
        ("/api/v1/events/", "omit", "title, summary"),
    ],
)
def test_a_name_the_schema_does_not_list_is_refused(api, crocus, path, param, value):
    document = api.get(reverse("api:schema"), {"format": "json"}).json()
    params = dict(_selection_operations(document))[path]
    assert value not in _names(document, params[param])
    assert_error(api.get(_real_url(api, path), {param: value}), 400, param)


@pytest.mark.parametrize(
    "bbox, valid",
    [
        ("37.0,55.5,38.0,56.0", True),
        ("-180,-90,180,90", True),
        ("180.000,-90.0,-0,090", True),
        ("170,10,-170,20", True),  # across the antimeridian
        ("180.5,0,0,0", False),
        ("-181,0,0,0", False),
        ("0,91,0,0", False),
        ("0,-90.01,0,0", False),
        ("0,0,360,0", False),
        # Plain decimals only, as the pattern says (the API once took these too).
        ("1e1,0,20,1", False),
        ("+1,0,2,1", False),
        (" 1,0,2,1", False),
        ("1, 0,2,1", False),
        ("1,0,2,1 ", False),
    ],
)
def test_the_schema_states_the_range_of_bbox(api, bbox, valid):
    """bbox's pattern says which coordinates are in range, as the API reads them; only the
    order of the latitudes (south not north of north) is left unsaid (docs/api.md)."""
    document = api.get(reverse("api:schema"), {"format": "json"}).json()
    params = document["paths"]["/api/v1/locations/"]["get"]["parameters"]
    [schema] = [p["schema"] for p in params if p["name"] == "bbox"]
    assert bool(re.match(schema["pattern"], bbox)) is valid
    response = api.get(reverse("api:location-list"), {"bbox": bbox})
    assert response.status_code == (200 if valid else 400), response.content


def test_the_schema_states_what_q_refuses(api):
    """q: at most 200 characters and no NUL, as the schema says (schemathesis sent a NUL the
    schema allowed)."""
    document = api.get(reverse("api:schema"), {"format": "json"}).json()
    params = document["paths"]["/api/v1/events/"]["get"]["parameters"]
    [schema] = [p["schema"] for p in params if p["name"] == "q"]
    assert schema["maxLength"] == 200
    for q, valid in [("crocus", True), ("x" * 200, True), ("x" * 201, False), ("a\x00b", False)]:
        assert (len(q) <= schema["maxLength"] and bool(re.match(schema["pattern"], q))) is valid
        response = api.get(reverse("api:event-list"), {"q": q})
        assert response.status_code == (200 if valid else 400), (q, response.content)
