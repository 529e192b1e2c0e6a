"""Every API response a test receives, checked against the OpenAPI document (openapi-core).

The document is generated once per session, exactly as /api/v1/schema/ serves it
(tests/api/test_schema.py checks they are equal). :class:`ContractClient` is DRF's test
client that hands each response to :func:`check` before the test sees it, so a response
that a strict client would reject fails the test that received it.

What is checked: the status code is documented for the operation, the content type is one
the operation declares, and the body (JSON or GeoJSON) and documented headers match their
schemas, with OpenAPI 3.0's reading of ``nullable``, ``required`` and ``oneOf``. What is
not: requests that are not an operation of the document (a method the path does not
answer, the schema and docs pages, paths outside /api/v1/) and HEAD (no body); their
behaviour has its own tests.
"""

import gzip
import json
from functools import cache

import brotli
from drf_spectacular.generators import SchemaGenerator
from openapi_core import Config, OpenAPI
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_core.testing import MockRequest, MockResponse
from rest_framework.test import APIClient

from events.api import geojson

UNDOCUMENTED = ("/api/v1/schema/", "/api/v1/docs/", "/api/v1/redoc/")


@cache
def document() -> dict:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(generated, default=str))


@cache
def openapi() -> OpenAPI:
    # GeoJSON is JSON (RFC 7946): read its bodies as JSON, as a generated client would.
    config = Config(extra_media_type_deserializers={geojson.MEDIA_TYPE: json.loads})
    return OpenAPI.from_dict(document(), config=config)


def _body(response) -> bytes:
    if getattr(response, "streaming", False):  # a file download: read it, keep it readable
        content = b"".join(response.streaming_content)
        response.streaming_content = [content]
    else:
        content = response.content
    coding = response.get("Content-Encoding", "")
    if coding == "gzip":
        return gzip.decompress(content)
    if coding == "br":
        return brotli.decompress(content)
    return content


def in_contract(request) -> bool:
    path = request.path
    return (
        path.startswith("/api/v1/")
        and not path.startswith(UNDOCUMENTED)
        and request.method not in ("HEAD", "OPTIONS")
    )


def check(response) -> None:
    """Fail (AssertionError naming the request) when ``response`` breaks the document."""
    request = response.wsgi_request
    if not in_contract(request):
        return
    oa_request = MockRequest(
        "http://testserver",
        request.method,
        request.path,
        args=request.GET,
        headers=dict(request.headers),
    )
    headers = dict(response.items())
    content_type = headers.get("Content-Type", "")
    if response.status_code in (204, 304):
        content_type = ""
    oa_response = MockResponse(
        _body(response), response.status_code, headers=headers, content_type=content_type
    )
    try:
        openapi().validate_response(oa_request, oa_response)
    except (PathNotFound, OperationNotFound):
        return  # not an operation of the document (e.g. a method the path does not answer)
    except Exception as exc:  # openapi-core's validation errors, with their causes
        causes = []
        error = exc
        while error is not None:
            causes.append(f"{type(error).__name__}: {str(error)[:300]}")
            nested = getattr(error, "schema_errors", None) or []
            causes += [f"  {e.message[:200]} at {list(e.absolute_path)}" for e in nested[:8]]
            error = error.__cause__
        raise AssertionError(
            f"{request.method} {request.get_full_path()} → {response.status_code} does not "
            "match the OpenAPI document:\n" + "\n".join(causes)
        ) from None


class ContractClient(APIClient):
    """DRF's test client; every response is checked against the OpenAPI document."""

    def request(self, **kwargs):
        response = super().request(**kwargs)
        check(response)
        return response
