"""/sitemap.xml: every published detail page (drafts and withdrawn rows never appear)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Actor, Article, Claim, Event, Location


class PublishedSitemap(Sitemap):
    model = None
    changefreq = "daily"

    def items(self):
        return self.model.objects.published().order_by("pk")

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

    def items(self):
        return super().items().defer("raw_text", "clean_text")


class ClaimSitemap(PublishedSitemap):
    model = Claim
    priority = 0.4

    def items(self):
        # A claim page 404s when its event or speaker is not public: leave those out here too.
        return (
            super()
            .items()
            .filter(event__status="published", speaker__status="published")
            .only("pk", "updated_at")
        )


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
