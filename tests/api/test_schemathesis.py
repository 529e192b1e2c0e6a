"""Property-based run of the whole API against its own OpenAPI schema (schemathesis).

Every operation in /api/v1/schema/ is called with generated parameters through the WSGI
app (real Django stack, the test database with the Crocus record). Checks: no server
error, and every status code, content type, header and body is the one documented.
Bounded: a few examples per operation, so the run stays well under two minutes.
"""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    # Requests the schema calls invalid are refused (4xx): the schema says what the API
    # refuses, as far as OpenAPI can (events.api.schema._query_constraints).
    negative_data_rejection,
]


def _load_schema():
    """The schema /api/v1/schema/ serves (tests/api/test_schema.py checks they are equal).

    Generated in-process at import time (no database needed), because schemathesis'
    lazy ``from_fixture`` loader does not work with pytest 9.
    """
    from django.core.wsgi import get_wsgi_application
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)))
    loaded.app = get_wsgi_application()
    return loaded


schema = _load_schema()


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Calls go straight to the WSGI app, not through Django's test client, so do what the
    test client does: keep request signals from closing the test's database connection
    (on PostgreSQL that would end the test transaction)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# One pytest test per operation, with ids of their own: schemathesis' ``parametrize()`` gives
# every operation the same node id, which pytest-xdist (make test) folds into a single test.
OPERATIONS = {op.label: op for op in (result.ok() for result in schema.get_all_operations())}


def _can_be_invalid(operation) -> bool:
    """Whether some input of ``operation`` can be made invalid: a body, a query parameter
    or a constrained path parameter (any string is a valid plain path segment)."""
    raw = operation.definition.raw
    return bool(raw.get("requestBody")) or any(
        p.get("in") != "path" or p.get("schema") != {"type": "string"}
        for p in raw.get("parameters", [])
    )


# Valid requests for every operation; invalid ones for each operation with an input that can
# be invalid.
RUNS = [
    (label, mode)
    for label in sorted(OPERATIONS)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or _can_be_invalid(OPERATIONS[label])
]


@pytest.mark.parametrize("label, mode", RUNS)
@settings(
    max_examples=12,
    deadline=5000,  # ms per example; the whole run is bounded by max_examples × operations
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@given(data=st.data())
@pytest.mark.django_db
def test_api_matches_its_schema(label, mode, data, crocus):
    case = data.draw(OPERATIONS[label].as_strategy(generation_mode=mode))
    # Called straight through WSGI, nothing decodes a compressed body: ask for none
    # (compression has its own tests, tests/http/).
    case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})
