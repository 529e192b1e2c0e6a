"""Ingest reports (.txt, saved .html pages, or a URL) as draft articles, then suggest names.

Through the same services as the admin: the text is stored as received (for a page, the
text trafilatura extracts), the known names it mentions are counted and the names it gives
that the database does not know yet are listed, per article and in a closing summary.
"""

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from events.models import Actor
from events.services import article_find_mentions, article_ingest, article_read_upload
from events.services.pages import page_extract, page_read_upload, url_fetch
from events.services.suggestions import article_suggest_names


class Command(BaseCommand):
    help = (
        "Ingest one or more .txt reports as draft articles: the text is stored exactly as "
        "received and cleaned beside it. Files already ingested are reported and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="*", type=Path, help="UTF-8 .txt reports or saved .html pages."
        )
        parser.add_argument("--url", action="append", default=[], help="Fetch a page (repeat).")
        parser.add_argument("--headline", help="Headline (for a single report).")
        parser.add_argument("--publisher", help="Slug of the outlet (an actor) for every file.")
        parser.add_argument(
            "--published", "--published-on", dest="published_on", help="Date (YYYY-MM-DD)."
        )
        parser.add_argument("--language", default="en", help="BCP 47 language tag (en).")
        parser.add_argument("--user", help="Username the history records the ingestion under.")
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not draw the progress bar."
        )

    def handle(self, *args, files, **options):
        sources = [*files, *options["url"]]
        if not sources:
            raise CommandError("Give report files or --url.")
        if options["headline"] and len(sources) > 1:
            raise CommandError("--headline names one report; give one file or URL.")
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
            sources,
            desc="Ingesting",
            unit="report",
            disable=options["no_progress"],
            file=bar_stream,
        )

        def say(message: str, style=None) -> None:
            with tqdm.external_write_mode(file=bar_stream):
                (self.stderr if style else self.stdout).write(style(message) if style else message)

        known = suggested = 0
        for source in progress:
            try:
                article = self._ingest(source, options, publisher, published_on, user)
            except OSError as exc:
                failures += 1
                say(f"{source}: cannot read ({exc.strerror}).", self.style.ERROR)
                continue
            except ValidationError as exc:
                failures += 1
                say(f"{source}: {' '.join(exc.messages)}", self.style.ERROR)
                continue
            mentions = article_find_mentions(article=article)
            names = article_suggest_names(article=article)
            known += len(mentions)
            suggested += len(names)
            listed = ", ".join(f"{n.name} ({n.kind})" for n in names[:12])
            say(
                f"{source}: stored as “{article.headline}” (id {article.pk}); "
                f"{len(mentions)} known mention(s) to confirm; "
                f"{len(names)} name(s) not in the database yet" + (f": {listed}" if names else "")
            )
        stored = len(sources) - failures
        say(
            f"Summary: {stored} of {len(sources)} report(s) stored, {known} known mention(s) "
            f"and {suggested} new name(s) to review on their Mentions pages."
        )
        if failures:
            raise CommandError(f"{failures} of {len(sources)} report(s) were not ingested.")

    def _ingest(self, source, options, publisher, published_on, user):
        fields = {
            "headline": options["headline"] or "",
            "published_on": published_on,
            "publisher": publisher,
            "language": options["language"],
            "user": user,
        }
        if isinstance(source, Path) and source.suffix.lower() == ".txt":
            raw_text = article_read_upload(name=source.name, content=source.read_bytes())
            return article_ingest(
                raw_text=raw_text,
                provenance_note=f"Ingested from the file {source.name}.",
                **fields,
            )
        if isinstance(source, Path):
            page = page_extract(
                html=page_read_upload(name=source.name, content=source.read_bytes())
            )
            note = f"Extracted with trafilatura from the saved page {source.name}."
            retrieved = None
        else:
            html, final_url = url_fetch(source)
            page = page_extract(html=html, url=final_url)
            note = f"Fetched from {final_url} and extracted with trafilatura."
            retrieved = timezone.now()
        if page.site_name:
            note += f" Site name: {page.site_name}."
        return article_ingest(
            raw_text=page.text,
            headline=fields["headline"] or page.headline,
            published_on=published_on or page.published_on,
            publisher=publisher,
            url=page.canonical_url or None,
            byline=page.author,
            language=page.language or options["language"],
            provenance_note=note,
            retrieved_at=retrieved,
            user=user,
        )
