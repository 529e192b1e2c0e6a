"""Atom and RSS feeds of published events (never drafts: feeds are public and cached)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Event

FEED_SIZE = 50


class LatestEventsRss(Feed):
    title = "newsbase: latest events"
    link = reverse_lazy("events:event-list")
    description = "Events newly published in newsbase, each with attributed, sourced claims."
    description_template = "events/feed_item.html"

    def items(self):
        return (
            Event.objects.published().for_list().order_by("-first_published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.title

    def item_pubdate(self, item):
        return item.first_published_at or item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.get_event_type_display()]


class LatestEventsAtom(LatestEventsRss):
    feed_type = Atom1Feed
    subtitle = LatestEventsRss.description
