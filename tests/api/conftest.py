"""Fixtures for the API tests: a real DRF client, an editor with a token, URL helpers.

Both clients check every response against the OpenAPI document (tests/api/contract.py).
"""

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.authtoken.models import Token

from .contract import ContractClient


def api_url(name: str, *, params: dict | None = None, **kwargs) -> str:
    url = reverse(f"api:{name}", kwargs=kwargs or None)
    return f"{url}?{urlencode(params)}" if params else url


@pytest.fixture
def api():
    return ContractClient()


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        "editor", "editor@example.org", "pw-not-used", is_staff=True
    )


@pytest.fixture
def editor_api(editor):
    client = ContractClient()
    token = Token.objects.create(user=editor)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def assert_error(response, status: int, *fields: str):
    """The shared error shape, naming each of ``fields``."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"status", "code", "detail", "errors"}
    assert body["status"] == status
    for field in fields:
        assert field in body["errors"], body
        assert all(isinstance(m, str) and m for m in body["errors"][field])
    return body
