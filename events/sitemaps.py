"""/sitemap.xml: every published detail page (drafts and withdrawn rows never appear)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Actor, Article, Claim, Event, Location
from .reads.lists import sitemap_rows


class PublishedSitemap(Sitemap):
    model = None
    changefreq = "daily"

    def items(self):
        return sitemap_rows(self.model)

    def lastmod(self, obj):
        return obj.updated_at


class EventSitemap(PublishedSitemap):
    model = Event
    priority = 0.9
    changefreq = "hourly"


class ActorSitemap(PublishedSitemap):
    model = Actor
    priority = 0.6


class LocationSitemap(PublishedSitemap):
    model = Location
    priority = 0.5


class ArticleSitemap(PublishedSitemap):
    model = Article
    priority = 0.5


class ClaimSitemap(PublishedSitemap):
    model = Claim
    priority = 0.4


class StaticSitemap(Sitemap):
    priority = 0.8
    changefreq = "hourly"

    def items(self):
        return ["events:home", "events:event-list"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "static": StaticSitemap,
    "events": EventSitemap,
    "actors": ActorSitemap,
    "locations": LocationSitemap,
    "articles": ArticleSitemap,
    "claims": ClaimSitemap,
}
