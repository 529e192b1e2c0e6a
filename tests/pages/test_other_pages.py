"""Actor, location, article and claim pages; search, feeds, sitemap, robots, health."""

import json

import pytest
from django.urls import reverse

from events import models as m
from tests import factories as f

from .helpers import assert_heading_order, canonical, json_ld, parse

pytestmark = pytest.mark.django_db


def test_actor_page(client, story):
    response = client.get(story.putin.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Тест Президент" in html and 'lang="ru"' in html
    assert story.accusation.text[:30] in html  # claims made
    assert "Draft" not in html
    about = client.get(story.zelensky.get_absolute_url()).content.decode()
    assert "Claims about" in about and story.putin.name in about  # the accusation is about him
    isis = client.get(story.isis.get_absolute_url()).content.decode()
    assert "is a branch of" in isis and "Claimed responsibility" in isis
    assert story.attack.title in isis
    (data,) = json_ld(response)
    assert data["@type"] == "Person" and data["alternateName"] == ["Тест Президент"]
    fsb = json_ld(client.get(story.fsb.get_absolute_url()))[0]
    assert fsb["@type"] == "GovernmentOrganization"
    assert canonical(response) == f"http://testserver{story.putin.get_absolute_url()}"
    assert parse(response).meta["og:title"] == story.putin.name
    assert_heading_order(response)
    assert client.get(story.draft_actor.get_absolute_url()).status_code == 404


def test_location_page_breadcrumb_map_and_events_inside(client, story):
    response = client.get(story.country.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    # Every event in the country or in a place inside it.
    for event in (story.attack, story.warning, story.detention, story.mourning):
        assert event.title in html
    assert story.draft_event.title not in html
    assert story.venue.name in html  # places inside
    venue = client.get(story.venue.get_absolute_url())
    crumb = venue.content.decode()
    crumb = crumb[
        crumb.index('aria-label="Breadcrumb"') : crumb.index("</nav>", crumb.index("Breadcrumb"))
    ]
    names = [story.country.name, story.region.name, story.city.name, story.venue.name]
    assert [crumb.index(n) for n in names] == sorted(crumb.index(n) for n in names)
    (data,) = json_ld(venue)
    assert data["@type"] == "Place" and data["geo"]["latitude"] == 55.82583
    assert data["containedInPlace"]["name"] == story.city.name
    assert data["containedInPlace"]["containedInPlace"]["name"] == story.region.name
    page = venue.content.decode()
    start = page.index('id="location-map-data"')
    points = json.loads(page[page.index(">", start) + 1 : page.index("</script>", start)])
    assert points[0]["lat"] == 55.82583 and points[0]["lon"] == 37.39028
    assert_heading_order(venue)


def test_article_page_links_confirmed_mentions_and_escapes_text(client, story):
    response = client.get(story.report.get_absolute_url())
    html = response.content.decode()
    link = f'<a class="mention mention-actor" href="{story.putin.get_absolute_url()}">'
    assert f"{link}Vladimir Putin</a>" in html
    assert f'href="{story.venue.get_absolute_url()}">Crocus City Hall</a>' in html
    assert "Advertisment" not in html.split('class="article-text"')[1].split("</section>")[0]
    assert story.accusation.text[:20] in html  # claims sourced from it
    (data,) = json_ld(response)
    # Our page about the report is ours; the report is the outlet's, at its own address.
    assert data["@type"] == "WebPage" and data["publisher"]["name"] == "newsbase"
    assert data["mainEntity"]["datePublished"] == "2024-03-23"
    assert data["mainEntity"]["headline"] == story.report.headline
    assert_heading_order(response)
    # Text is escaped; an unconfirmed mention is not linked.
    nasty = f.ArticleFactory(raw_text="<b>Bold</b> & <script>alert(1)</script> Krasnotest here.")
    start = nasty.clean_text.index("Krasnotest")
    m.Mention.objects.create(
        article=nasty,
        location=story.city,
        start_offset=start,
        end_offset=start + 10,
        surface="Krasnotest",
        confirmed=False,
    )
    body = client.get(nasty.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<b>Bold</b>" not in body
    assert f'href="{story.city.get_absolute_url()}">Krasnotest</a>' not in body


def test_claim_page_sources_and_contradictions(client, story):
    response = client.get(story.accusation.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Russian President Vladimir Putin has declared a day of mourning." in html
    assert "Contradicts, or is contradicted by" in html and story.denial.text[:20] in html
    assert story.zelensky.name in html  # about
    (data,) = json_ld(response)
    assert data["@type"] == "Claim" and data["author"]["name"] == story.putin.name
    assert data["appearance"][0]["@type"] in {"NewsArticle", "CreativeWork"}
    assert data["mainEntityOfPage"]["publisher"]["name"] == "newsbase"
    assert_heading_order(response)
    draft = m.Claim.objects.get(text="Draft claim words")
    assert client.get(draft.get_absolute_url()).status_code == 404
    by_draft_speaker = m.Claim.objects.get(text="Draft speaker's words")
    assert client.get(by_draft_speaker.get_absolute_url()).status_code == 404


def test_home_and_search(client, story):
    home = client.get(reverse("events:home")).content.decode()
    assert "Featured" in home and story.attack.title in home
    assert story.draft_event.title not in home
    response = client.get(reverse("events:search"), {"q": "hall attack"})
    assert response.status_code == 200
    html = response.content.decode()
    assert story.attack.title in html
    draft = client.get(reverse("events:search"), {"q": "Draft sub-event"}).content.decode()
    assert "0 results" in draft
    empty = client.get(reverse("events:search")).content.decode()
    assert 'id="search-q"' in empty and "<label" in empty


def test_feeds_list_published_events_only(client, story):
    atom = client.get(reverse("events:feed-atom"))
    assert atom.status_code == 200 and atom["Content-Type"].startswith("application/atom+xml")
    rss = client.get(reverse("events:feed-rss"))
    assert rss["Content-Type"].startswith("application/rss+xml")
    for body in (atom.content.decode(), rss.content.decode()):
        assert story.attack.title in body and story.mourning.title in body
        assert story.draft_event.title not in body


def test_sitemap_and_robots(client, story):
    xml = client.get("/sitemap.xml").content.decode()
    assert story.attack.get_absolute_url() in xml and story.putin.get_absolute_url() in xml
    assert story.report.get_absolute_url() in xml and story.accusation.get_absolute_url() in xml
    assert story.draft_event.get_absolute_url() not in xml
    assert story.draft_actor.get_absolute_url() not in xml
    draft_claim = m.Claim.objects.get(text="Draft speaker's words")
    assert f"{draft_claim.get_absolute_url()}<" not in xml
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()


def test_healthz_checks_the_database_and_the_cache(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_404_is_a_page_with_one_heading(client, db):
    response = client.get("/actors/nobody/")
    assert response.status_code == 404
    assert_heading_order(response)


@pytest.mark.parametrize("status", [m.Status.DRAFT, m.Status.REVIEW, m.Status.WITHDRAWN])
def test_unpublished_objects_are_404_everywhere_for_the_public(
    client, staff_client, story, status
):
    objects = [story.attack, story.putin, story.city, story.report, story.accusation]
    urls = [obj.get_absolute_url() for obj in objects]
    for obj in objects:
        type(obj).objects.filter(pk=obj.pk).update(status=status)
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert staff_client.get(url).status_code == 200, url
    sitemap = client.get("/sitemap.xml").content.decode()
    feeds = client.get(reverse("events:feed-atom")).content.decode()
    feeds += client.get(reverse("events:feed-rss")).content.decode()
    for url in urls:
        assert f"{url}<" not in sitemap, url
        assert f"{url}<" not in feeds and f'{url}"' not in feeds, url
    home = client.get(reverse("events:home")).content.decode()
    listing = client.get(reverse("events:event-list")).content.decode()
    search = client.get(reverse("events:search"), {"q": story.attack.title}).content.decode()
    for page in (home, listing, search):
        assert f'href="{story.attack.get_absolute_url()}"' not in page
    # Pages of published objects no longer link to or name the hidden ones.
    mourning = client.get(story.mourning.get_absolute_url()).content.decode()
    assert story.attack.title not in mourning
    isis = client.get(story.isis.get_absolute_url()).content.decode()
    assert story.attack.title not in isis
