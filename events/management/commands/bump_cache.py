"""Move the rendered-document cache's generation on, for writes made outside Django.

Every write through Django's connections is seen (events/cache/changes.py); one made with
psql, a raw COPY or another program is not. Run this after such a write: every cached
public body is rendered afresh on its next request, and the HTTP caches in front are purged.
"""

from django.core.management.base import BaseCommand

from events.cache.changes import announce_outside_write


class Command(BaseCommand):
    help = "Invalidate every cached public response (after a write made outside Django)."

    def handle(self, *args, **options):
        announce_outside_write()
        self.stdout.write("Cached public responses will be rendered afresh.")
