"""Sources a reader can follow, on the Crocus record: links, attribution, JSON-LD, as_of."""

import datetime as dt
import re
from html import unescape

import pytest

from events import models as m

from .helpers import json_ld
from .test_event_page import section

pytestmark = pytest.mark.django_db


def cited_articles(event):
    return m.Article.objects.filter(
        claim_sources__claim__event=event, status="published"
    ).distinct()


def test_event_page_links_every_cited_report_at_its_own_url(client, crocus):
    html = client.get(crocus.get_absolute_url()).content.decode()
    reporting = unescape(section(html, "articles"))
    articles = list(cited_articles(crocus).select_related("publisher"))
    assert len(articles) > 20
    for article in articles:
        if article.url:
            assert f'href="{article.url}"' in reporting, article.url
        else:
            assert "No URL could be established" in reporting
        if article.publisher_id:
            assert article.publisher.name in reporting
        if article.original_headline:
            assert article.original_headline in reporting
        assert article.get_absolute_url() in reporting  # our record, one click away
        if article.carried_by:  # wire copy on a subscriber's site says where it is carried
            assert f"as carried by {article.carried_by}" in reporting
    assert any(a.carried_by for a in articles)
    assert "retrieved <time" in reporting


def test_claims_cite_their_reports_with_the_quoted_passage(client, crocus):
    html = client.get(crocus.get_absolute_url()).content.decode()
    claims = section(html, "claims")
    source = m.ClaimSource.objects.filter(
        claim__event=crocus, article__url__isnull=False, passage__gt=""
    ).first()
    assert f'href="{source.article.url}"' in claims or f'href="{source.article.url}"' in html
    assert "References and quoted passages" in claims
    assert f'<blockquote class="passage" lang="{source.article.language}">' in html


def test_attribution_from_the_report_reads_according_to_the_outlet(client, crocus):
    backed = (
        m.ClaimSource.objects.filter(claim__event=crocus, attributes_speaker=True)
        .select_related("claim__speaker", "article__publisher")
        .first()
    )
    assert backed is not None
    html = unescape(client.get(backed.claim.get_absolute_url()).content.decode())
    said_by = html[html.index("<dt>Said by</dt>") :]
    said_by = said_by[: said_by.index("</dd>")]
    assert f"according to {backed.article.publisher.name}" in said_by
    event_html = unescape(client.get(crocus.get_absolute_url()).content.decode())
    assert f"according to {backed.article.publisher.name}" in event_html
    # A claim whose passages name its speaker reads without "according to".
    plain = (
        m.Claim.objects.filter(event=crocus, status="published")
        .exclude(sources__attributes_speaker=True)
        .first()
    )
    plain_html = client.get(plain.get_absolute_url()).content.decode()
    assert "according to" not in plain_html.split("<dt>Said by</dt>")[1].split("</dd>")[0]


def _all_reports(data):
    """Every object in the JSON-LD that describes a report (NewsArticle / Article / work)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("@type") in {"NewsArticle", "Article", "CreativeWork"}:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return found


def test_json_ld_describes_our_page_as_ours_and_reports_at_their_own_urls(client, crocus):
    (data,) = json_ld(client.get(crocus.get_absolute_url()))
    ours = data["mainEntityOfPage"]
    assert ours["@type"] == "WebPage" and ours["publisher"]["name"] == "newsbase"
    assert ours["url"].startswith("http://testserver/")
    reports = _all_reports(data)
    assert len(ours["citation"]) > 20
    urls = {a.url for a in cited_articles(crocus) if a.url}
    for report in reports:
        # Never one of our own addresses presented as the outlet's report.
        assert "testserver" not in report.get("url", ""), report
        if report["@type"] == "NewsArticle":
            assert report.get("publisher") or report.get("author"), report
            assert report["headline"] and report["datePublished"]
    assert urls <= {r.get("url") for r in ours["citation"]}
    ap = next(r for r in reports if r.get("publisher", {}).get("name") == "Associated Press")
    assert ap["@type"] == "NewsArticle" and ap["url"].startswith("https://")


def test_as_of_shows_the_summary_and_nothing_from_after_the_day(client, crocus):
    response = client.get(crocus.get_absolute_url(), {"as_of": "2024-03-23"})
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    expected = crocus.summary_as_of(dt.date(2024, 3, 23))
    assert expected and expected != crocus.summary
    assert unescape(main).count(expected) == 1
    text = re.sub(r"<[^>]+>", " ", main)  # what a reader reads (and <title>s), no markup
    assert "2025 indictment" not in text and not re.search(r"\b149\b", text)
    for year in ("2025", "2026"):
        assert not re.search(rf"\b{year}\b", text), year
        assert f'datetime="{year}' not in main, year
    (data,) = json_ld(response)
    assert data["description"] == expected
