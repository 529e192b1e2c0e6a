"""Atom and RSS feeds of published events (never drafts: feeds are public and cached).

Each entry is dated by the event itself: published when it began, updated when it last moved
(its end or the latest published claim about it); its author is the newsroom.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .reads.lists import feed_events


class LatestEventsRss(Feed):
    title = "newsbase: latest events"
    link = reverse_lazy("events:event-list")
    description = "Events newly published in newsbase, each with attributed, sourced claims."
    description_template = "events/feed_item.html"

    author_name = "newsbase newsroom"

    def items(self):
        return feed_events()

    def item_title(self, item):
        return item.title

    def item_author_name(self, item):
        return self.author_name

    def item_pubdate(self, item):
        """The event's own date (when it began), not the day its row was loaded."""
        return item.start

    def item_updateddate(self, item):
        """When the event last moved: its end, or the latest claim made about it."""
        return max(d for d in (item.start, item.end, item.latest_claim) if d is not None)

    def item_categories(self, item):
        return [item.get_event_type_display()]


class LatestEventsAtom(LatestEventsRss):
    feed_type = Atom1Feed
    subtitle = LatestEventsRss.description
