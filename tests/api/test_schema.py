"""The OpenAPI document: valid, complete about errors, and its docs pages work offline."""

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
