"""``load_crocus``: load the Crocus record safely; ``--update`` reviews and applies its changes."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from events.services.record import CROCUS_RECORD, RecordError, RowChange, record_load

SHOWN = 70


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…'"


def describe(change: RowChange, *, applied: bool) -> list[str]:
    """A row's differences, as a reviewer reads them (``applied`` False: a dry run)."""
    if change.action == "create" and change.edited:
        return [f"! {change.key} (CONFLICT: deleted since loaded, not recreated)"]
    if change.action == "create":
        return [f"+ {change.key} ({'created' if applied else 'would be created'})"]
    mark = "!" if change.conflict else ("-" if change.action == "remove" else "~")
    if change.conflict and not change.applied:
        state = "CONFLICT: edited since loaded, left as it is"
    elif change.action == "remove":
        state = "withdrawn or deleted" if applied else "would be withdrawn or deleted"
    else:
        state = "updated" if applied else "would be updated"
    lines = [f"{mark} {change.key} ({state})"]
    for item in change.fields:
        if change.action == "remove":
            if item.loaded != item.current:
                lines.append(f"    {item.name}: changed since loaded, now {_shown(item.current)}")
            continue
        lines.append(f"    {item.name}: {_shown(item.current)} → {_shown(item.wanted)}")
        if item.loaded != item.current:
            lines.append(f"      (changed since loaded, which wrote {_shown(item.loaded)})")
    return lines


class Command(BaseCommand):
    help = (
        "Load the Crocus City Hall record shipped with newsbase: creates what is missing and "
        "never changes a row that exists (safe at every start). --update shows how the "
        "shipped record differs from the database; --update --apply --reason … writes those "
        "changes to rows nobody edited since they were loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Review the shipped record's changes to existing rows (a dry run unless "
            "--apply is given).",
        )
        parser.add_argument(
            "--apply", action="store_true", help="With --update: write the changes shown."
        )
        parser.add_argument(
            "--reason", default="", help="With --apply: why, for the rows' history (required)."
        )
        parser.add_argument(
            "--force",
            action="append",
            default=[],
            metavar="KEY",
            help="With --apply: overwrite this conflicting row (its key as listed, such as "
            "event:crocus-city-hall-attack) although an editor changed it. Repeatable.",
        )

    def handle(self, *args, update, apply, reason, force, **options):
        if (apply or force or reason) and not update:
            raise CommandError("--apply, --reason and --force go with --update.")
        if force and not apply:
            raise CommandError("--force only makes sense with --apply.")
        try:
            stats = record_load(
                path=CROCUS_RECORD,
                update=update,
                apply=apply or not update,
                reason=reason,
                force=force,
            )
        except (RecordError, ValidationError) as exc:
            raise CommandError(
                f"The Crocus record did not load (nothing was changed): {exc}"
            ) from exc
        if options["verbosity"] >= 2:
            self.stdout.write(stats.summary())
        if update:
            self._report_update(stats, apply)
        elif stats.changed:
            self.stdout.write(
                self.style.SUCCESS(f"Crocus record loaded: {stats.changed} rows created.")
            )
        else:
            self.stdout.write("Crocus record already loaded: nothing changed.")
        if not update and (stats.pending or stats.conflicts):
            self.stdout.write(
                f"{stats.pending + stats.conflicts} existing rows differ from the shipped "
                f"record ({stats.conflicts} also changed by editors); left as they are. "
                "Review with: manage.py load_crocus --update"
            )

    def _report_update(self, stats, apply):
        for change in stats.changes:
            for line in describe(change, applied=apply):
                self.stdout.write(line)
        if not apply:
            self.stdout.write(
                f"Dry run: {stats.pending} rows would be written, {stats.conflicts} conflict with "
                'editors\' changes; nothing was written. Apply with --apply --reason "…" '
                "(and --force KEY for a conflicting row you mean to overwrite)."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Applied: {stats.changed} rows written; {stats.conflicts} conflicts left "
                    "as the editors made them."
                )
            )
