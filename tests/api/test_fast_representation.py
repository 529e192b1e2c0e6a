"""The API's fast serializing path answers exactly what DRF's own would.

events/api/representation.py plans each serializer's field walk once and events/links.py
builds repeated URLs from a template; both exist only for speed. Here every list page and
every object of the Crocus record (plus drafts, to exercise the ``null`` paths) is fetched
twice over HTTP, once as served and once with DRF's generic ``to_representation`` /
``get_fields`` and Django's ``reverse()`` put back, and the two JSON bodies must be equal.
"""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework import serializers as drf

from events import models as m
from events.api import serializers as s
from events.api.representation import FastRepresentationMixin
from tests import factories as f

from .conftest import api_url

pytestmark = pytest.mark.django_db


def _drf_get_fields(self):
    return super(FastRepresentationMixin, self).get_fields()


def _drf_to_representation(self, instance):
    return drf.Serializer.to_representation(self, instance)


def _drf_link(self, obj, view_name, request, format):
    url = reverse(view_name, kwargs={self.lookup_url_kwarg: getattr(obj, self.lookup_field)})
    return request.build_absolute_uri(url) if request else url


def _drf_html_url(self, value):
    return self.context["request"].build_absolute_uri(value.get_absolute_url())


@pytest.fixture
def drf_path(monkeypatch):
    """Switch the API back to DRF's generic serializing, for as long as the test runs."""

    def switch():
        monkeypatch.setattr(FastRepresentationMixin, "get_fields", _drf_get_fields)
        monkeypatch.setattr(FastRepresentationMixin, "to_representation", _drf_to_representation)
        monkeypatch.setattr(
            s.ApiLink, "to_representation", drf.HyperlinkedIdentityField.to_representation
        )
        monkeypatch.setattr(s.ApiLink, "get_url", _drf_link)
        monkeypatch.setattr(s.HtmlUrlField, "to_representation", _drf_html_url)

    return switch


@pytest.fixture
def with_drafts(crocus):
    """Drafts hanging on published rows: a draft speaker, source, place and sub-event."""
    event = m.Event.objects.get(slug="crocus-city-hall-attack")
    draft_actor = f.ActorFactory(name="Unconfirmed channel", status=m.Status.DRAFT)
    claim = f.ClaimFactory(event=event, speaker=draft_actor, text="A draft speaker's claim.")
    published_claim = event.claims.filter(status=m.Status.PUBLISHED).first()
    f.ClaimSourceFactory(claim=published_claim, article=f.ArticleFactory(status=m.Status.DRAFT))
    f.EventFactory(
        title="A draft sub-event",
        parent=event,
        status=m.Status.DRAFT,
        location=f.LocationFactory(status=m.Status.DRAFT),
    )
    f.EventFactory(
        title="A published event in a draft place",
        location=f.LocationFactory(status=m.Status.DRAFT),
        start=dt.datetime(2024, 3, 25, tzinfo=dt.UTC),
    )
    return claim


def _all_pages(client, name, params=None) -> list[dict]:
    url, rows = api_url(name, params={"page_size": 100, **(params or {})}), []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        url = body["next"]
    return rows


def _fetch_everything(client) -> dict:
    """Every list page and every object's detail, keyed by URL."""
    seen = {}
    for name in ("event", "actor", "location", "claim", "article"):
        rows = _all_pages(client, f"{name}-list")
        seen[f"{name}-list"] = rows
        for row in rows:
            # an article's "url" is where the outlet published it; its API link is api_url
            detail = row["api_url"] if "api_url" in row else row["url"]
            seen[detail] = client.get(detail).json()
    crocus = api_url("event-detail", slug="crocus-city-hall-attack")
    for extra in (
        f"{crocus}?as_of=2024-03-23",
        f"{crocus}?fields=slug,claims.speaker.name,figures.best&omit=claims.sources",
        api_url("claim-list", params={"as_of": "2024-03-24", "page_size": 100}),
        api_url("event-list", params={"format": "geojson", "page_size": 100}),
    ):
        seen[extra] = client.get(extra).json()
    return seen


@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_every_response_equals_drfs_own(who, request, with_drafts, drf_path):
    client = request.getfixturevalue("api" if who == "anonymous" else "editor_api")
    fast = _fetch_everything(client)
    drf_path()
    slow = _fetch_everything(client)

    assert fast.keys() == slow.keys()
    differing = [url for url in fast if fast[url] != slow[url]]
    assert differing == []
    # What was compared is the real record, drafts included for the editor only.
    assert len(fast["event-list"]) >= 11
    assert len(fast["claim-list"]) >= 42
    texts = {row["text"] for row in fast["claim-list"]}
    assert ("A draft speaker's claim." in texts) is (who == "editor")


def test_link_templates_equal_reverse(crocus):
    """fast_reverse() (behind get_absolute_url) gives reverse()'s string for every object."""
    checked = 0
    for model, kwarg, name in [
        (m.Event, "slug", "events:event-detail"),
        (m.Actor, "slug", "events:actor-detail"),
        (m.Location, "slug", "events:location-detail"),
        (m.Article, "slug", "events:article-detail"),
        (m.Claim, "pk", "events:claim-detail"),
    ]:
        for obj in model.objects.all():
            assert obj.get_absolute_url() == reverse(name, kwargs={kwarg: getattr(obj, kwarg)})
            checked += 1
    assert checked > 150
