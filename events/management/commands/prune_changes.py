"""``manage.py prune_changes``: keep the change log from growing for ever.

Removes changes older than ``--days`` (default ``CHANGES_KEEP_DAYS``), never one after the
newest snapshot's cursor nor one a webhook has yet to be sent (:func:`events.sync.feed.prune`).
Run it daily, after ``manage.py export``.
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from events.sync.feed import format_cursor, prune


class Command(BaseCommand):
    help = (
        "Remove change-feed entries older than --days, keeping every change after the "
        "newest snapshot's cursor and every change a webhook has yet to be sent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.CHANGES_KEEP_DAYS,
            help=f"Keep changes younger than this (default {settings.CHANGES_KEEP_DAYS}).",
        )

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        older_than = timezone.now() - dt.timedelta(days=days)
        with tqdm(
            desc="changes",
            unit=" removed",
            disable=options["verbosity"] == 0,
            file=self.stderr._out,
        ) as bar:
            result = prune(older_than, progress=bar.update)
        if result.through is None:
            self.stdout.write(f"Nothing pruned: {result.held_by}.")
            return
        self.stdout.write(
            f"Removed {result.removed} changes; the feed now starts after "
            f"{format_cursor(result.through)} (held by {result.held_by})."
        )
