"""Ingest report files as draft articles, through the same service as the admin."""

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from events.models import Actor
from events.services import article_ingest, article_read_upload


class Command(BaseCommand):
    help = (
        "Ingest one or more .txt reports as draft articles: the text is stored exactly as "
        "received and cleaned beside it. Files already ingested are reported and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="UTF-8 .txt report files.")
        parser.add_argument("--publisher", help="Slug of the outlet (an actor) for every file.")
        parser.add_argument("--published-on", help="Publication date (YYYY-MM-DD) for all.")
        parser.add_argument("--language", default="en", help="BCP 47 language tag (en).")
        parser.add_argument("--user", help="Username the history records the ingestion under.")
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not draw the progress bar."
        )

    def handle(self, *args, files, **options):
        publisher = None
        if options["publisher"]:
            publisher = Actor.objects.filter(slug=options["publisher"]).first()
            if publisher is None:
                raise CommandError(f"No actor has the slug {options['publisher']!r}.")
        published_on = None
        if options["published_on"]:
            try:
                published_on = dt.date.fromisoformat(options["published_on"])
            except ValueError:
                raise CommandError("--published-on must be a date like 2024-03-23.") from None
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user is called {options['user']!r}.")

        failures = 0
        bar_stream = self.stderr._out
        progress = tqdm(
            files, desc="Ingesting", unit="file", disable=options["no_progress"], file=bar_stream
        )

        def say(message: str, style=None) -> None:
            with tqdm.external_write_mode(file=bar_stream):
                (self.stderr if style else self.stdout).write(style(message) if style else message)

        for path in progress:
            try:
                raw_text = article_read_upload(name=path.name, content=path.read_bytes())
                article = article_ingest(
                    raw_text=raw_text,
                    published_on=published_on,
                    publisher=publisher,
                    language=options["language"],
                    provenance_note=f"Ingested from the file {path.name}.",
                    user=user,
                )
            except OSError as exc:
                failures += 1
                say(f"{path}: cannot read ({exc.strerror}).", self.style.ERROR)
            except ValidationError as exc:
                failures += 1
                say(f"{path}: {' '.join(exc.messages)}", self.style.ERROR)
            else:
                say(f"{path}: stored as “{article.headline}” (id {article.pk}).")
        if failures:
            raise CommandError(f"{failures} of {len(files)} file(s) were not ingested.")
