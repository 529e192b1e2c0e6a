"""The event page: infobox, figures, timeline, claims, contradictions, as_of, visibility."""

import pytest
from django.urls import reverse

from events import models as m

from .helpers import assert_heading_order, canonical, json_ld, parse

pytestmark = pytest.mark.django_db


def section(html: str, ident: str) -> str:
    """The HTML of <section id=ident> up to the next top-level section of the event body."""
    start = html.index(f'<section id="{ident}"')
    end = html.find('\n      <section id="', start + 10)
    return html[start : end if end > 0 else None]


def test_infobox_shows_local_time_place_roles_and_best_figure(client, story):
    response = client.get(story.attack.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    infobox = html[html.index('<aside class="infobox"') : html.index("</aside>")]
    # 16:58 UTC is 19:58 in Moscow; the zone is named.
    assert "22 March 2024, 19:58 MSK (Europe/Moscow, UTC+03:00)" in infobox
    for place in (story.venue, story.city, story.region, story.country):
        assert f'href="{place.get_absolute_url()}"' in infobox
    assert "20 Mezhdunarodnaya Street" in infobox
    assert (
        "Perpetrator" in infobox
        and story.attack.participations.get(role="perpetrator").actor.name in infobox
    )
    assert "Claimed responsibility" in infobox and story.isis.name in infobox
    # Best killed figure: latest confirmed (144), with its as-of time, speaker and source.
    assert '<span class="figure-value">144 killed</span>' in infobox
    assert "29 March 2024, 13:00" in infobox
    assert story.fsb.name in infobox and "Later count" in infobox
    assert 'id="event-map"' in infobox and 'id="event-map-data"' in infobox


def test_figure_chart_is_server_rendered_svg_with_every_point(client, story):
    html = client.get(story.attack.get_absolute_url()).content.decode()
    figures = section(html, "figures")
    svg = figures[figures.index('<svg class="figure-chart"') :]
    svg = svg[: svg.index("</svg>")]
    assert 'role="img"' in svg and "Killed over time" in svg
    assert svg.count('<g class="datum">') == len(story.figures) == 6
    # The false "150" is a cross off the line; the best (144) is ringed.
    assert 'class="point point-false"' in svg
    assert svg.count('class="best-ring"') == 1
    assert "150 killed" in svg and "newsroom assessment: false" in svg
    # The table repeats every figure with attribution, for screen readers and no-SVG readers.
    assert figures.count("<tr") == 1 + 6
    assert "current best" in figures


def test_timeline_orders_warning_detention_mourning_trial(client, story):
    html = client.get(story.attack.get_absolute_url()).content.decode()
    timeline = section(html, "timeline")
    order = [
        story.warning.title,
        story.attack.title,
        story.detention.title,
        story.mourning.title,
        story.trial.title,
    ]
    positions = [timeline.index(title) for title in order]
    assert positions == sorted(positions)
    assert "warned of this event" in timeline
    assert 'aria-current="page"' in timeline
    assert story.draft_event.title not in html


def test_claims_grouped_by_kind_with_speaker_quote_sources_assessment(client, story):
    html = client.get(story.attack.get_absolute_url()).content.decode()
    claims = section(html, "contradictions") + section(html, "claims")
    assert 'Claim of responsibility <span class="count">(1)</span></h3>' in claims
    # The accusation and the denial stand side by side, and are not repeated below them.
    assert 'Accusation <span class="count">' not in claims
    assert claims.count(story.accusation.text) == 1 and claims.count(story.denial.text) == 1
    assert "“a window was prepared for them on the other side”" in claims
    assert "Disputed" in claims and "Corroborated" in claims
    assert "Russian President Vladimir Putin has declared a day of mourning." in claims
    assert story.report.get_absolute_url() in claims


def test_contradicting_claims_side_by_side(client, story):
    html = client.get(story.attack.get_absolute_url()).content.decode()
    standoffs = section(html, "contradictions")
    left = standoffs[: standoffs.index('class="side" aria-labelledby="standoff-1-right"')]
    right = standoffs[standoffs.index('class="side" aria-labelledby="standoff-1-right"') :]
    assert "Accusations" in left and story.accusation.text in left
    assert "Denials" in right and story.denial.text in right
    assert story.denial.text not in left


def test_actors_articles_and_corrections(client, story):
    html = client.get(story.attack.get_absolute_url()).content.decode()
    actors = section(html, "actors")
    assert "Claimed responsibility" in actors and story.isis.name in actors
    articles = section(html, "articles")
    assert story.report.headline in articles and "Later count" in articles
    assert "An earlier version gave the wrong start time." in html


def test_drafts_never_reach_the_public_but_staff_preview_them(client, staff_client, story):
    public = client.get(story.attack.get_absolute_url()).content.decode()
    for secret in ("Draft claim words", story.draft_actor.name, "Draft speaker's words"):
        assert secret not in public
    staff = staff_client.get(story.attack.get_absolute_url()).content.decode()
    assert "Draft claim words" in staff and story.draft_event.title in staff
    # A draft event: 404 for the public, a marked preview for staff.
    draft = story.draft_event
    assert client.get(draft.get_absolute_url()).status_code == 404
    preview = staff_client.get(draft.get_absolute_url())
    assert preview.status_code == 200
    assert "Staff preview." in preview.content.decode()
    assert preview["Cache-Control"] == "private, no-store"
    story.attack.status = m.Status.WITHDRAWN
    story.attack.save()
    assert client.get(story.attack.get_absolute_url()).status_code == 404


def test_as_of_shows_what_was_known_that_day(client, story):
    url = story.attack.get_absolute_url()
    response = client.get(url, {"as_of": "2024-03-23"})
    assert response.status_code == 200
    html = response.content.decode()
    infobox = html[html.index('<aside class="infobox"') : html.index("</aside>")]
    assert '<span class="figure-value">133 killed</span>' in infobox
    assert "139 killed" not in html and "144 killed" not in html
    assert "as it stood on 23 March 2024" in html
    timeline = section(html, "timeline")
    assert story.detention.title in timeline
    assert story.mourning.title not in timeline and story.trial.title not in timeline
    assert "Later count" not in section(html, "articles")  # published 30 March
    assert 'name="robots" content="noindex"' in html
    assert canonical(response).endswith(url)
    # The day before: only the first count.
    earlier = client.get(url, {"as_of": "2024-03-22"}).content.decode()
    assert '<span class="figure-value">40 killed</span>' in earlier


@pytest.mark.parametrize(
    "value", ["yesterday", "2024-13-01", "2024-3-23", "9999-01-01", "x" * 500]
)
def test_invalid_as_of_is_a_clear_400(client, story, value):
    response = client.get(story.attack.get_absolute_url(), {"as_of": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "as_of" in html and ("YYYY-MM-DD" in html or "future" in html)


def test_json_ld_opengraph_canonical(client, story):
    response = client.get(story.attack.get_absolute_url())
    (data,) = json_ld(response)
    assert data["@type"] == "Event" and data["name"] == story.attack.title
    assert data["startDate"] == "2024-03-22T19:58:00+03:00"
    place = data["location"]
    assert place["@type"] == "Place" and place["name"] == story.venue.name
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 55.82583, "longitude": 37.39028}
    assert place["containedInPlace"]["name"] == story.city.name
    assert {a["@type"] for a in data["subjectOf"]} <= {"NewsArticle", "CreativeWork"}
    ours = data["mainEntityOfPage"]
    assert ours["@type"] == "WebPage" and ours["publisher"]["name"] == "newsbase"
    assert ours["url"] == f"http://testserver{story.attack.get_absolute_url()}"
    meta = parse(response).meta
    assert meta["og:title"] == story.attack.title and meta["og:type"] == "article"
    assert (
        meta["og:url"]
        == canonical(response)
        == f"http://testserver{story.attack.get_absolute_url()}"
    )
    assert_heading_order(response)


def test_json_ld_cannot_break_out_of_its_script(client, story):
    story.attack.summary = 'Bad </script><script>alert("x")</script> & more'
    story.attack.save()
    response = client.get(story.attack.get_absolute_url())
    html = response.content.decode()
    block = html[html.index('<script type="application/ld+json">') :]
    block = block[: block.index("</script>")]
    assert "<script>" not in block and "\\u003C/script\\u003E" in block
    assert json_ld(response)[0]["description"] == story.attack.summary
    assert '<script>alert("x")' not in html


def test_merged_slug_redirects_permanently(client, story):
    m.SlugRedirect.objects.create(kind="event", old_slug="old-attack", new_slug=story.attack.slug)
    response = client.get("/events/old-attack/?as_of=2024-03-23")
    assert response.status_code == 301
    assert response["Location"] == f"{story.attack.get_absolute_url()}?as_of=2024-03-23"
    assert client.get("/events/never-existed/").status_code == 404


def test_csp_header_forbids_inline_script(client, story):
    response = client.get(story.attack.get_absolute_url())
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "default-src 'self'" in policy
    html = response.content.decode()
    # Every <script> is external or a data block (JSON-LD, json_script); no inline code.
    import re

    for tag in re.findall(r"<script\b[^>]*>", html):
        assert (
            "src=" in tag
            or 'type="application/ld+json"' in tag
            or 'type="application/json"' in tag
        ), tag
    assert " style=" not in html


def test_event_list_filters_and_bad_filters(client, story):
    url = reverse("events:event-list")
    html = client.get(url, {"type": "mourning"}).content.decode()
    assert story.mourning.title in html and story.attack.title not in html
    html = client.get(url, {"place": story.country.slug}).content.decode()
    assert story.attack.title in html and story.detention.title in html  # places inside
    html = client.get(url, {"actor": story.isis.slug}).content.decode()
    assert story.attack.title in html and story.mourning.title not in html
    html = client.get(url, {"start_from": "2024-03-23", "start_to": "2024-03-24"}).content.decode()
    assert story.detention.title in html and story.attack.title not in html
    bad = client.get(url, {"type": "picnic", "start_from": "soon"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "type" in body and "start_from" in body and "Enter a valid date" in body
    assert client.get(url, {"page": "99"}).status_code == 400
    assert story.draft_event.title not in client.get(url).content.decode()
