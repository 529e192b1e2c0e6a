from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from events.services.record import CROCUS_RECORD, RecordError, record_load


class Command(BaseCommand):
    help = (
        "Load the Crocus City Hall record (the 2024-03-23 report and the later reporting) "
        "shipped with newsbase. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        try:
            stats = record_load(path=CROCUS_RECORD)
        except (RecordError, ValidationError) as exc:
            raise CommandError(
                f"The Crocus record did not load (nothing was changed): {exc}"
            ) from exc
        if options["verbosity"] >= 2:
            self.stdout.write(stats.summary())
        if stats.changed:
            self.stdout.write(
                self.style.SUCCESS(f"Crocus record loaded: {stats.changed} rows written.")
            )
        else:
            self.stdout.write("Crocus record already up to date: nothing changed.")
