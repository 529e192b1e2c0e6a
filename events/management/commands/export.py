"""``manage.py export``: a snapshot of every public resource for bulk download.

See :mod:`events.sync.export` for what is written and why it is consistent with the change
feed; ``/api/v1/exports/`` lists the snapshots and serves their files.
"""

from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from events.sync.export import export


class Command(BaseCommand):
    help = (
        "Write a snapshot of every public resource (gzipped JSON Lines and CSV per "
        "resource) with a manifest holding the change-feed cursor it is consistent with."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", type=Path, default=None, help="Where to write (default: EXPORT_DIR)."
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=3,
            help="Snapshots to keep, the newest (default 3); older ones are removed.",
        )

    def handle(self, *args, dir: Path | None, keep: int, **options):
        bars = []
        quiet = options["verbosity"] == 0

        def progress(resource):
            bar = tqdm(desc=resource, unit=" objects", disable=quiet, file=self.stderr._out)
            bars.append(bar)
            return bar.update

        try:
            result = export(directory=dir, keep=max(keep, 1), progress=progress)
        finally:
            for bar in bars:
                bar.close()
        counts = ", ".join(
            f"{f['count']} {f['resource']}"
            for f in result.manifest["files"]
            if f["format"] == "jsonl"  # the CSV file holds the same objects
        )
        self.stdout.write(
            f"Exported {counts} to {result.path} at cursor {result.manifest['cursor']}."
        )
