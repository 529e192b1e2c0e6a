"""The OpenAPI document: valid, complete about errors, and its docs pages work offline."""

import json
import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from .conftest import api_url

pytestmark = pytest.mark.django_db


def test_spectacular_validates_without_warnings(tmp_path):
    # The CI step: manage.py spectacular --validate --fail-on-warn
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    document = yaml.safe_load(out.read_text())
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) >= {
        "/api/v1/",
        "/api/v1/events/",
        "/api/v1/events/{slug}/",
        "/api/v1/actors/",
        "/api/v1/actors/{slug}/",
        "/api/v1/locations/",
        "/api/v1/locations/{slug}/",
        "/api/v1/claims/",
        "/api/v1/claims/{id}/",
        "/api/v1/articles/",
        "/api/v1/articles/{slug}/",
        "/api/v1/deleted/",
    }


def test_served_schema_is_the_generated_one(api):
    response = api.get(api_url("schema"), {"format": "json"})
    assert response.status_code == 200
    served = response.json()
    generated = SchemaGenerator().get_schema(request=None, public=True)
    assert set(served["paths"]) == set(generated["paths"])
    assert set(served["components"]["schemas"]) == set(generated["components"]["schemas"])


def test_no_implementation_notes_leak_into_component_descriptions(api):
    """A base class's or mixin's docstring becomes every subclass's public description."""
    document = api.get(api_url("schema"), {"format": "json"}).json()
    internal = re.compile(r"to_representation|representation\.py|field walk|module doc")
    leaked = {
        name: component["description"]
        for name, component in document["components"]["schemas"].items()
        if internal.search(component.get("description", ""))
    }
    assert leaked == {}
    # The check reads real descriptions: serializers that document themselves have one.
    assert any(c.get("description") for c in document["components"]["schemas"].values())


def test_every_operation_documents_its_errors(api):
    document = api.get(api_url("schema"), {"format": "json"}).json()
    error_ref = "#/components/schemas/Error"
    for path, operations in document["paths"].items():
        if not path.startswith("/api/v1/") or path == "/api/v1/schema/":
            continue
        for method, operation in operations.items():
            responses = operation["responses"]
            for code in ("400", "401", "406", "429"):
                assert code in responses, (method, path, code)
                schema = responses[code]["content"]["application/json"]["schema"]
                assert schema == {"$ref": error_ref}
            assert "Retry-After" in responses["429"]["headers"]
            if "{" in path:
                assert "404" in responses, (method, path)
    params = {p["name"] for p in document["paths"]["/api/v1/events/"]["get"]["parameters"]}
    assert params >= {
        "type",
        "after",
        "before",
        "location",
        "actor",
        "role",
        "parent",
        "q",
        "modified_since",
        "cursor",
        "page_size",
        "ordering",
        "fields",
        "omit",
        "format",
    }
    geo = document["paths"]["/api/v1/locations/"]["get"]["responses"]["200"]["content"]
    assert geo["application/geo+json"]["schema"]["properties"]["type"]["enum"] == [
        "FeatureCollection"
    ]


@pytest.mark.parametrize("name", ["docs", "redoc"])
def test_docs_pages_load_only_our_own_static_files(api, name):
    response = api.get(api_url(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert assets, html
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    # under a Content Security Policy: scripts only from our origin
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    if name == "docs":
        # Swagger UI's start-up script is a separate file (no inline script)
        assert "<script>" not in html
        init = re.search(r'<script src="([^"]+swagger-ui[^"]*\.js[^"]*)"', html)
        assert init


def _nodes(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def test_nullable_stands_only_beside_a_type(api):
    """OpenAPI 3.0 reads ``nullable`` only next to ``type``: beside ``allOf``/``oneOf`` alone a
    strict validator ignores it and rejects every null (openapi-core did, issue 15)."""
    document = api.get(api_url("schema"), {"format": "json"}).json()
    nullable = [n for n in _nodes(document) if n.get("nullable")]
    assert nullable  # the document does have nullable values (figure, location, url…)
    assert all("type" in n for n in nullable), [n for n in nullable if "type" not in n]
    figure = document["components"]["schemas"]["ClaimDetail"]["properties"]["figure"]
    assert figure["oneOf"][0] == {"$ref": "#/components/schemas/Figure"}
    assert figure["oneOf"][1]["enum"] == [None]


@pytest.mark.parametrize(
    "component, field",
    [("ActorDetail", "website"), ("ArticleDetail", "url"), ("EventDetail", "end_precision")],
)
def test_an_absent_value_is_null_in_the_schema(api, component, field):
    """Absent is null, never "" (issue 15): the schema takes a value or null, and no
    blank-or-value branches remain."""
    from openapi_schema_validator import OAS30Validator, oas30_format_checker

    document = api.get(api_url("schema"), {"format": "json"}).json()
    schema = document["components"]["schemas"][component]["properties"][field]
    assert "BlankEnum" not in json.dumps(schema)
    # The field's schema as the root, with the components its references point into.
    schema = {**schema, "components": document["components"]}
    validator = OAS30Validator(schema, format_checker=oas30_format_checker)
    value = "day" if field == "end_precision" else "https://example.org/report"
    for accepted in [value, None]:
        assert list(validator.iter_errors(accepted)) == [], accepted
    assert list(validator.iter_errors(5))  # and it does reject what is neither


def test_identity_is_required_and_pages_say_what_they_always_have(api):
    schemas = api.get(api_url("schema"), {"format": "json"}).json()["components"]["schemas"]
    assert schemas["EventDetail"]["required"] == ["slug"]
    assert schemas["ClaimDetail"]["required"] == ["id"]
    assert schemas["ActorRef"]["required"] == ["slug"]
    assert set(schemas["PaginatedEventListList"]["required"]) == {
        "next",
        "previous",
        "next_cursor",
        "previous_cursor",
        "results",
    }
    assert {"cursor", "has_more", "next", "results"} <= set(schemas["ChangeFeed"]["required"])
    assert set(schemas["Error"]["required"]) == {"status", "code", "detail", "errors"}


def test_the_contract_check_rejects_a_response_the_document_does_not_allow(crocus):
    """tests/api/contract.py fails a test on a response that breaks the schema: here a real
    claim whose figure is made a string, and an actor without its slug."""
    import json

    from rest_framework.test import APIClient

    from .contract import check

    claim = APIClient().get(api_url("claim-list", params={"page_size": 1}))
    check(claim)  # as served: valid
    body = claim.json()
    body["results"][0]["figure"] = "forty"
    claim.content = json.dumps(body).encode()
    with pytest.raises(AssertionError, match="does not match the OpenAPI document"):
        check(claim)
    actor = APIClient().get(api_url("actor-detail", slug="islamic-state"))
    check(actor)
    body = actor.json()
    del body["slug"]
    actor.content = json.dumps(body).encode()
    with pytest.raises(AssertionError, match="slug"):
        check(actor)
