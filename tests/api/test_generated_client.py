"""A typed client generated from the schema (openapi-python-client) reads the live API.

The client is generated here, offline, from the document ``manage.py spectacular`` writes
(what CI validates and /api/v1/schema/ serves), imported, and used over real HTTP against
live_server the way an integrator would: list events, follow ``next_cursor`` to the second
page, fetch one event (whole and pruned by ``fields=``) and one claim. A schema change that
breaks generated clients (a field they make optional, a type they cannot parse, an operation
they cannot call) fails here.
"""

import importlib
import subprocess
import sys

import pytest
from django.core.management import call_command

from tests.conftest import CROCUS_ATTACK_SLUG

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "newsbase_client"
# No post-generation hooks: the default ones run ruff on the output, which is formatting
# only; the client is used as generated.
CONFIG = f"package_name_override: {PACKAGE}\npost_hooks: []\n"


@pytest.fixture
def generated_client(tmp_path, monkeypatch):
    schema = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(schema))
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    out = tmp_path / "client"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(out / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # The generator says "Warning(s) encountered" when it had to skip part of the schema.
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    monkeypatch.syspath_prepend(str(out))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _api(module: str):
    return importlib.import_module(f"{PACKAGE}.api.{module}")


def test_generated_client_lists_pages_and_fetches(generated_client, crocus, live_server):
    models = importlib.import_module(f"{PACKAGE}.models")
    types = importlib.import_module(f"{PACKAGE}.types")
    events_list = _api("events.events_list")
    events_retrieve = _api("events.events_retrieve")
    claims_retrieve = _api("claims.claims_retrieve")

    with generated_client.Client(
        base_url=live_server.url, raise_on_unexpected_status=True
    ) as client:
        first = events_list.sync(client=client, page_size=2)
        assert isinstance(first, models.PaginatedEventListList), first
        assert len(first.results) == 2
        assert isinstance(first.next_cursor, str) and first.next_cursor
        assert first.previous_cursor is None

        second = events_list.sync(
            client=client,
            page_size=2,
            cursor=first.next_cursor,
        )
        assert isinstance(second, models.PaginatedEventListList), second
        assert second.results
        assert isinstance(second.previous_cursor, str)
        slugs = [event.slug for event in first.results + second.results]
        assert all(isinstance(slug, str) and slug for slug in slugs)
        assert len(set(slugs)) == len(slugs)  # the second page starts after the first

        detail = events_retrieve.sync(CROCUS_ATTACK_SLUG, client=client)
        assert isinstance(detail, models.EventDetail), detail
        assert detail.slug == CROCUS_ATTACK_SLUG
        assert detail.title == crocus.title
        assert isinstance(detail.type_, models.EventTypeEnum)
        assert detail.claims
        claim_ids = [claim.id for claim in detail.claims]
        assert all(isinstance(claim_id, int) for claim_id in claim_ids)

        # A pruned read (docs/api.md): the client sends fields= once per name (it ignores
        # explode: false), which the API refuses; the comma-separated form, sent through its
        # httpx client, gives a document the typed model parses.
        two = [models.EventDetailField("title"), models.EventDetailField("location.name")]
        repeated = events_retrieve.sync_detailed(CROCUS_ATTACK_SLUG, client=client, fields=two)
        assert repeated.status_code == 400
        assert repeated.parsed.errors.additional_properties["fields"] == [
            "Give this parameter once."
        ]
        response = client.get_httpx_client().get(
            f"/api/v1/events/{CROCUS_ATTACK_SLUG}/", params={"fields": "title,location.name"}
        )
        assert response.status_code == 200
        pruned = models.EventDetail.from_dict(response.json())
        assert pruned.title == crocus.title
        assert pruned.location.name == crocus.location.name
        assert isinstance(pruned.claims, types.Unset)

        claim = claims_retrieve.sync(str(claim_ids[0]), client=client)
        assert isinstance(claim, models.ClaimDetail), claim
        assert claim.id == claim_ids[0]
        assert claim.event.slug == CROCUS_ATTACK_SLUG
