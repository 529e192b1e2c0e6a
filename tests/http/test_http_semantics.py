"""Every public GET carries validators and caching rules, answers conditional requests with
304 and is compressed when asked; staff, token holders and secrets stay private.

Through a real HTTP server (live_server) and a real client (requests).
"""

import gzip

import brotli
import pytest
from django.urls import reverse
from django.utils.http import http_date, parse_http_date
from rest_framework.authtoken.models import Token

from events import models as m

pytestmark = pytest.mark.django_db(transaction=True)


def public_paths(story):
    claim = story.accusation
    return [
        "/",
        reverse("events:event-list"),
        story.attack.get_absolute_url(),
        story.attack.get_absolute_url() + "?as_of=2024-03-23",
        story.putin.get_absolute_url(),
        story.city.get_absolute_url(),
        story.report.get_absolute_url(),
        claim.get_absolute_url(),
        reverse("events:search") + "?q=hall",
        reverse("events:feed-atom"),
        reverse("events:feed-rss"),
        reverse("events:sitemap"),
        reverse("events:robots"),
        reverse("api:event-list"),
        reverse("api:event-list") + "?format=geojson",
        reverse("api:event-detail", kwargs={"slug": story.attack.slug}),
        reverse("api:claim-detail", kwargs={"pk": claim.pk}),
        reverse("api:location-list") + "?format=geojson",
        reverse("api:actor-list"),
        reverse("api:article-list"),
        reverse("api:deleted-list"),
    ]


def test_public_gets_carry_validators_and_answer_conditionals(http, story):
    for path in public_paths(story):
        response = http.get(http.url(path))
        assert response.status_code == 200, path
        etag = response.headers["ETag"]
        assert etag.startswith('"') and etag.endswith('"'), (path, etag)  # strong: no W/
        last_modified = response.headers["Last-Modified"]
        assert parse_http_date(last_modified)
        cache_control = response.headers["Cache-Control"]
        assert cache_control.startswith("public, max-age="), (path, cache_control)
        assert "stale-while-revalidate=" in cache_control
        vary = {v.strip() for v in response.headers["Vary"].split(",")}
        expected = {"Accept-Encoding", "Cookie"}
        if path.startswith("/api/"):
            expected |= {"Accept", "Authorization"}
        assert expected <= vary, (path, vary)

        again = http.get(http.url(path), headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.content == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == cache_control

        since = http.get(http.url(path), headers={"If-Modified-Since": last_modified})
        assert since.status_code == 304, path
        earlier = http_date(parse_http_date(last_modified) - 1)
        changed = http.get(http.url(path), headers={"If-Modified-Since": earlier})
        assert changed.status_code == 200 and changed.content == response.content, path
        # a tag the server never gave is a full response
        other = http.get(http.url(path), headers={"If-None-Match": '"not-this-one"'})
        assert other.status_code == 200 and other.content == response.content


def test_a_change_changes_the_validators(http, story):
    url = http.url(story.attack.get_absolute_url())
    before = http.get(url)
    m.Event.objects.filter(pk=story.attack.pk).update(title="Renamed hall attack")
    after = http.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert "Renamed hall attack" in after.text
    assert after.headers["ETag"] != before.headers["ETag"]
    # a later date, even within the same second, so If-Modified-Since sees the change
    assert parse_http_date(after.headers["Last-Modified"]) > parse_http_date(
        before.headers["Last-Modified"]
    )
    since = http.get(url, headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert since.status_code == 200


@pytest.mark.parametrize(
    ("accept", "coding", "decode"),
    [("br", "br", brotli.decompress), ("gzip, deflate", "gzip", gzip.decompress)],
)
def test_json_and_html_are_compressed_when_asked(http, story, accept, coding, decode):
    for path in (story.attack.get_absolute_url(), reverse("api:event-list")):
        plain = http.get(http.url(path))
        raw = http.get(http.url(path), headers={"Accept-Encoding": accept}, stream=True)
        assert raw.headers["Content-Encoding"] == coding
        body = raw.raw.read(decode_content=False)
        assert int(raw.headers["Content-Length"]) == len(body) < len(plain.content)
        assert decode(body) == plain.content
        # each coding is its own representation: its own strong tag, and its own 304
        etag = raw.headers["ETag"]
        assert etag != plain.headers["ETag"] and not etag.startswith("W/")
        again = http.get(
            http.url(path), headers={"Accept-Encoding": accept, "If-None-Match": etag}
        )
        assert again.status_code == 304


def test_brotli_is_preferred_and_q0_refuses(http, story):
    url = http.url(reverse("api:event-list"))
    both = http.get(url, headers={"Accept-Encoding": "gzip, br"}, stream=True)
    assert both.headers["Content-Encoding"] == "br"
    refused = http.get(url, headers={"Accept-Encoding": "br;q=0, gzip"}, stream=True)
    assert refused.headers["Content-Encoding"] == "gzip"
    none = http.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in none.headers


def test_staff_and_previews_are_private(staff_http, story):
    draft = story.draft_event
    for path in (story.attack.get_absolute_url(), draft.get_absolute_url()):
        response = staff_http.get(staff_http.url(path))
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
        assert "ETag" not in response.headers
        assert "Cookie" in response.headers["Vary"]


def test_token_holders_are_private(http, story):
    user = m.Event._meta.apps.get_model("auth", "User").objects.create_user(
        "api-editor", password="pw", is_staff=True
    )
    token = Token.objects.create(user=user)
    url = http.url(reverse("api:event-detail", kwargs={"slug": story.draft_event.slug}))
    response = http.get(url, headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 200  # the draft, for its editor
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Authorization" in response.headers["Vary"]
    # the same URL for the public: a 404, not the editor's draft
    assert http.get(url).status_code == 404


def test_a_response_with_a_csrf_token_is_never_compressed(http, story):
    """BREACH: the admin's login form holds a CSRF token; it goes out uncompressed."""
    response = http.get(
        http.url(reverse("admin:login")), headers={"Accept-Encoding": "br, gzip"}, stream=True
    )
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.raw.read(decode_content=False).decode()
    assert "Content-Encoding" not in response.headers
    assert "public" not in response.headers.get("Cache-Control", "")
