"""Conventions clients expect: CORS for reads from any origin, and a bad Authorization
header is a 401, never a silent anonymous read."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

# One throttle window for every request of a test (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_throttle_window")]
ORIGIN = "https://reader.example.net"


def test_a_read_from_any_origin_is_allowed_without_credentials(api):
    response = api.get(reverse("api:event-list"), HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "RateLimit-Remaining" in response["Access-Control-Expose-Headers"]


def test_a_preflight_allows_reads_only(api):
    response = api.options(
        reverse("api:event-list"),
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert response.status_code == 200
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "authorization" in response["Access-Control-Allow-Headers"]


def test_pages_are_not_opened_to_other_origins(client):
    response = client.get("/", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize(
    "header",
    ["Bearer garbage", "Token", "Token not-a-key", "Token a b", "Basic dXNlcjpwYXNz", "garbage"],
)
def test_a_malformed_or_unknown_authorization_header_is_a_401(api, header):
    response = api.get(reverse("api:event-list"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["status"] == 401


def test_a_valid_token_and_no_header_both_read(api, editor):
    assert api.get(reverse("api:event-list")).status_code == 200
    token = Token.objects.create(user=editor)
    response = api.get(reverse("api:event-list"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def rate_limit(response) -> tuple[int, int, int]:
    return tuple(int(response[f"RateLimit-{n}"]) for n in ("Limit", "Remaining", "Reset"))


def test_every_api_answer_says_where_the_client_stands(api, editor):
    from tests.api.test_errors_and_throttling import rates

    token = Token.objects.create(user=editor)
    with rates("3/minute", "10/minute"):
        first = rate_limit(api.get(reverse("api:event-list")))
        assert first[:2] == (3, 2) and 0 < first[2] <= 60
        assert rate_limit(api.get(reverse("api:changes")))[:2] == (3, 1)
        not_found = api.get("/api/v1/nothing-here/")
        assert not_found.status_code == 404 and rate_limit(not_found)[:2] == (3, 1)
        bad_token = api.get(reverse("api:event-list"), HTTP_AUTHORIZATION="Bearer x")
        assert bad_token.status_code == 401 and rate_limit(bad_token)[:2] == (3, 1)
        assert rate_limit(api.get(reverse("api:root")))[:2] == (3, 0)
        throttled = api.get(reverse("api:event-list"))
        assert throttled.status_code == 429
        assert rate_limit(throttled)[:2] == (3, 0)
        assert rate_limit(throttled)[2] == int(throttled["Retry-After"])
        own = api.get(reverse("api:event-list"), HTTP_AUTHORIZATION=f"Token {token.key}")
        assert own.status_code == 200 and rate_limit(own)[:2] == (10, 9)
