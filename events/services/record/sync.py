"""Three-way sync of a record's rows: the record now, what the loader last wrote, the row now.

Every row a record loader writes gets a :class:`~events.models.LoadedRow` holding the values
it wrote. Comparing, field by field, what the record says now (*wanted*), what the loader
last wrote (*loaded*) and what the row holds now (*current*):

- current == wanted: nothing to do;
- loaded == wanted, current differs: an editor changed it and the record did not: kept;
- loaded == current, wanted differs: the shipped record changed and nobody touched the
  field since: a *pending* change, written only by ``--update`` (with a reason);
- all three differ: a *conflict*: never written unless that row is forced by key.

Rows created before the loader kept fingerprints are adopted: as the loader's own when
their history shows no editor, otherwise every differing field is a conflict. The safe
mode (start-up) only creates what is missing and records fingerprints; it never changes a
row an editor may own. Writes are ordinary ``full_clean()`` + ``save()`` calls, attributed in
history to the ``record-loader`` account with a reason.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models

from events.models import CorrectionKind, LoadedRow, PublishableModel, Status
from events.services.publication import correction_create

LOADER_USERNAME = "record-loader"
MISSING = "<not loaded>"


class RecordError(Exception):
    """The record file is inconsistent (an unknown slug, a passage not in its article…)."""


def jsonable(value):
    """A value as a fingerprint stores it: comparable whichever way it was written."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _normalise(values: dict) -> dict:
    """Model instances become ``<field>_id`` values, so comparing costs no query."""
    return {
        (f"{key}_id" if isinstance(value, models.Model) else key): (
            value.pk if isinstance(value, models.Model) else value
        )
        for key, value in values.items()
    }


@dataclass
class FieldChange:
    name: str
    loaded: object
    current: object
    wanted: object

    @property
    def conflict(self) -> bool:
        return self.loaded != self.current


@dataclass
class RowChange:
    """One row where the database and the record differ, and what the loader did about it."""

    key: str
    action: str  # "create", "update", "remove"
    fields: list[FieldChange] = field(default_factory=list)
    applied: bool = False
    edited: bool = False  # a row to remove that someone changed since it was loaded

    @property
    def conflict(self) -> bool:
        if self.action in ("remove", "create"):
            return self.edited
        return any(f.conflict for f in self.fields)


class RowSync:
    """Writes one record's rows; ``update`` False is the safe mode start-up runs."""

    def __init__(self, record: str, *, update: bool, reason: str = "", force=()):
        self.record = record
        self.update = update
        self.reason = reason
        self.force = set(force)
        self.stamps = {s.key: s for s in LoadedRow.objects.filter(record=record)}
        self.seen: set[str] = set()
        self.changes: list[RowChange] = []
        self.counts: Counter = Counter()
        self._user = None
        self._loaded_rows: dict = {}  # model → {lookup values: row}, the loader's own rows

    # --- who writes, and why ---------------------------------------------------------------
    @property
    def user(self):
        """The account history names for the loader's writes (inactive, cannot log in)."""
        if self._user is None:
            user_model = get_user_model()
            self._user, created = user_model._default_manager.get_or_create(
                **{user_model.USERNAME_FIELD: LOADER_USERNAME}, defaults={"is_active": False}
            )
            if created:
                self._user.set_unusable_password()
                self._user.save()
        return self._user

    def _why(self, action: str) -> str:
        if action == "create":
            return f"record loader: created from the {self.record} record"
        return f"record loader (load_{self.record} --update): {self.reason}"

    def _save(self, obj, action: str) -> None:
        obj._history_user = self.user
        obj._change_reason = self._why(action)
        obj.full_clean()
        obj.save()

    # --- reading rows ----------------------------------------------------------------------
    @staticmethod
    def _current(obj, names) -> dict:
        many = {f.name for f in obj._meta.many_to_many}
        out = {}
        for name in names:
            if name in many:
                out[name] = sorted(row.pk for row in getattr(obj, name).all())
            else:
                out[name] = jsonable(getattr(obj, name))
        return out

    def _find(self, model, lookup: dict):
        """The row a lookup names: from the rows this record loaded before (fetched once per
        model, so a start-up costs a query per table, not per row), else by a query."""
        names = tuple(sorted(lookup))
        rows = self._loaded_rows.get((model, names))
        if rows is None:
            content_type = ContentType.objects.get_for_model(model)
            ids = [
                s.object_id for s in self.stamps.values() if s.content_type_id == content_type.pk
            ]
            many = [f.name for f in model._meta.many_to_many]
            found = model._base_manager.filter(pk__in=ids).prefetch_related(*many)
            rows = {tuple(getattr(row, n) for n in names): row for row in found}
            self._loaded_rows[(model, names)] = rows
        values = tuple(lookup[n] for n in names)
        if values in rows:
            return rows[values]
        return model._base_manager.filter(**lookup).first()

    def _loaded(self, key: str, obj, current: dict, wanted: dict) -> dict:
        stamp = self.stamps.get(key)
        content_type = ContentType.objects.get_for_model(type(obj))
        if stamp and stamp.content_type_id == content_type.pk and stamp.object_id == obj.pk:
            return stamp.values
        # Untracked: made before fingerprints were kept, or by an editor.
        if current == wanted or self._only_loader_wrote(obj):
            return dict(current)
        return {}

    @staticmethod
    def _only_loader_wrote(obj) -> bool:
        history = getattr(obj, "history", None)
        if history is None:
            return False
        editors = history.filter(history_user__isnull=False).exclude(
            history_user__username=LOADER_USERNAME
        )
        return not editors.exists()

    def _stamp(self, key: str, obj, values: dict) -> None:
        stamp = self.stamps.get(key)
        content_type = ContentType.objects.get_for_model(type(obj))
        if stamp is None:
            stamp = LoadedRow(record=self.record, key=key)
        elif (stamp.content_type_id, stamp.object_id, stamp.values) == (
            content_type.pk,
            obj.pk,
            values,
        ):
            return
        stamp.content_type, stamp.object_id, stamp.values = content_type, obj.pk, values
        stamp.save()
        self.stamps[key] = stamp

    # --- writing rows ----------------------------------------------------------------------
    def upsert(self, model, key: str, lookup: dict, values: dict, *, m2m: dict | None = None):
        """Create the row if missing; otherwise compare, and write only what is safe."""
        if key in self.seen:
            raise RecordError(f"{self.record}: the record states “{key}” twice.")
        self.seen.add(key)
        if any(value is None for value in lookup.values()):
            # It hangs on a row an editor deleted (and the loader did not recreate).
            self.counts[(model._meta.verbose_name_plural, "skipped")] += 1
            return None
        lookup, values, m2m = _normalise(lookup), _normalise(values), m2m or {}
        wanted = {name: jsonable(value) for name, value in values.items()}
        wanted |= {name: sorted(jsonable(v) for v in related) for name, related in m2m.items()}
        obj = self._find(model, lookup)
        if obj is None and key in self.stamps and not (self.update and key in self.force):
            # The loader wrote it and someone deleted it since: that is editorial work too.
            self.changes.append(RowChange(key, "create", edited=True))
            self.counts[(model._meta.verbose_name_plural, "conflict")] += 1
            return None
        if obj is None:
            obj = model(**lookup, **values)
            self._save(obj, "create")
            for name, related in m2m.items():
                getattr(obj, name).set(related)
            recreated = key in self.stamps  # forced back after an editor deleted it
            self._stamp(key, obj, wanted)
            self.changes.append(RowChange(key, "create", applied=True, edited=recreated))
            self.counts[(model._meta.verbose_name_plural, "created")] += 1
            return obj

        current = self._current(obj, wanted)
        loaded = self._loaded(key, obj, current, wanted)
        stamped = dict(loaded)
        changes = []
        for name, want in wanted.items():
            if current[name] == want:
                stamped[name] = want
            elif loaded.get(name, MISSING) != want:  # the record changed it (or never tracked)
                changes.append(FieldChange(name, loaded.get(name, MISSING), current[name], want))
        if not changes:
            self._stamp(key, obj, stamped)
            self.counts[(model._meta.verbose_name_plural, "unchanged")] += 1
            return obj

        change = RowChange(key, "update", changes)
        self.changes.append(change)
        if self.update and (not change.conflict or key in self.force):
            for item in changes:
                if item.name not in m2m:
                    setattr(obj, item.name, values[item.name])
            self._save(obj, "update")
            for item in changes:
                if item.name in m2m:
                    getattr(obj, item.name).set(m2m[item.name])
                stamped[item.name] = item.wanted
            change.applied = True
        outcome = "updated" if change.applied else ("conflict" if change.conflict else "pending")
        self.counts[(model._meta.verbose_name_plural, outcome)] += 1
        self._stamp(key, obj, stamped)
        return obj

    def remove_stale(self, *, retired=(), resolve=None) -> None:
        """Rows the loader wrote that the record no longer states: withdrawn (or, for rows
        that hang on others, deleted) by ``--update`` when nobody edited them since, and
        reported otherwise. ``retired`` names rows an earlier loader wrote before
        fingerprints were kept; ``resolve(key)`` finds such a row."""
        for key, stamp in sorted(self.stamps.items()):
            if key in self.seen:
                continue
            model = stamp.content_type.model_class()
            obj = model._base_manager.filter(pk=stamp.object_id).first()
            current = self._current(obj, stamp.values) if obj is not None else {}
            fields = [
                FieldChange(name, value, current.get(name), MISSING)
                for name, value in stamp.values.items()
            ]
            self._remove(key, obj, fields, edited=current != stamp.values, stamp=stamp)
        if not self.update:
            return  # resolving them costs a query each: only a review looks them up
        for key in sorted(set(retired) - self.seen - set(self.stamps)):
            obj = resolve(key) if resolve else None
            if obj is not None:
                self._remove(key, obj, [], edited=not self._only_loader_wrote(obj))

    def _remove(self, key: str, obj, fields, *, edited: bool, stamp=None) -> None:
        gone = obj is None or (
            isinstance(obj, PublishableModel) and obj.status == Status.WITHDRAWN
        )
        if gone:
            if self.update and stamp is not None:
                stamp.delete()
            return
        change = RowChange(key, "remove", fields, edited=edited)
        self.changes.append(change)
        name = obj._meta.verbose_name_plural
        if not self.update or (edited and key not in self.force):
            self.counts[(name, "conflict" if edited else "pending")] += 1
            return
        note = f"No longer part of the {self.record} record: {self.reason}"
        if isinstance(obj, PublishableModel):
            obj.status, obj.public_note = Status.WITHDRAWN, note
            self._save(obj, "remove")
            correction_create(obj=obj, kind=CorrectionKind.WITHDRAWAL, note=note, user=self.user)
        else:
            obj._history_user, obj._change_reason = self.user, self._why("remove")
            obj.delete()
        if stamp is not None:
            stamp.delete()
        change.applied = True
        self.counts[(name, "removed")] += 1
