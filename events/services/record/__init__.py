"""Load a record file (TOML) into the database without ever overwriting editorial work.

A record names everything by slug (or a claim's import key), so loading it again finds the
same rows. Two modes:

- **safe** (``record_load(path=…)``, what ``bin/start`` runs on every start): creates what
  is missing and fingerprints what it wrote; it changes no existing row, so a publisher's
  correction or withdrawal stands across restarts. It reports rows where the shipped record
  now differs, for review.
- **update** (``record_load(path=…, update=True, reason=…)``, ``load_<record> --update``):
  shows, and with ``apply=True`` writes, the changes of the shipped record to rows nobody
  touched since they were loaded, in history as the ``record-loader``'s with the reason; a
  row an editor changed is a conflict, written only when forced by its key. Without
  ``apply`` it is a dry run: the same work in a transaction that is rolled back.

Before anything is written the record is checked (``checks``): every cited report names its
outlet, date and URL (or why it has none), the newsroom's own text is never a source, and
every claim's speaker is named by a quoted passage or attributed by a cited report. Every
row goes through ``full_clean()``; one transaction, so a record that breaks a rule changes
nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .loader import RecordLoader, read_record, resolve_key
from .sync import LOADER_USERNAME, FieldChange, RecordError, RowChange, RowSync

CROCUS_RECORD = Path(__file__).resolve().parents[2] / "data" / "crocus" / "record.toml"


@dataclass
class LoadStats:
    """What a load did: counts per (table, outcome) and the rows that differ."""

    counts: Counter = field(default_factory=Counter)
    changes: list[RowChange] = field(default_factory=list)
    applied: bool = True

    def _total(self, *outcomes: str) -> int:
        return sum(n for (_, outcome), n in self.counts.items() if outcome in outcomes)

    @property
    def changed(self) -> int:
        """Rows written (created, updated or removed)."""
        return self._total("created", "updated", "removed") if self.applied else 0

    @property
    def pending(self) -> int:
        """Rows where the record differs and nobody touched them: ``--update`` would write
        them (a dry run counts what it wrote before rolling back)."""
        if self.applied:
            return self._total("pending")
        return self._total("pending", "created", "updated", "removed")

    @property
    def conflicts(self) -> int:
        """Rows where the record differs and an editor changed them too."""
        return self._total("conflict")

    def summary(self) -> str:
        names = sorted({name for name, _ in self.counts})
        outcomes = ("created", "updated", "removed", "pending", "conflict", "skipped", "unchanged")
        return "\n".join(
            f"{name}: "
            + ", ".join(
                f"{self.counts[(name, o)]} {o}" for o in outcomes if self.counts[(name, o)]
            )
            for name in names
        )


def record_load(
    *,
    path: Path = CROCUS_RECORD,
    update: bool = False,
    apply: bool = True,
    reason: str = "",
    force=(),
) -> LoadStats:
    """Load a record file safely, or (``update``) review and apply its changes."""
    if update and apply and not reason.strip():
        raise RecordError("Say why the record's changes are applied (a reason for history).")
    data = read_record(path)
    with transaction.atomic():
        sync = RowSync(path.parent.name, update=update, reason=reason.strip(), force=force)
        RecordLoader(path, data, sync).run()
        sync.remove_stale(retired=data.get("retired", []), resolve=resolve_key)
        unknown = set(force) - {change.key for change in sync.changes if change.conflict}
        if unknown:
            raise RecordError(f"Nothing to force for {', '.join(sorted(unknown))}: no conflict.")
        if not apply:
            transaction.set_rollback(True)
    return LoadStats(counts=sync.counts, changes=sync.changes, applied=apply)


__all__ = [
    "CROCUS_RECORD",
    "LOADER_USERNAME",
    "FieldChange",
    "LoadStats",
    "RecordError",
    "RowChange",
    "record_load",
]
