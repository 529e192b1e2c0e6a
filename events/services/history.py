"""Bulk writes that still leave a history row per object and a change-log entry.

``QuerySet.update()`` and plain ``bulk_create``/``bulk_update`` send no signals, so the
history (django-simple-history), the change feed (events.sync) and the stored reading
order of events (events.chronology) would silently miss them; every bulk write in newsbase
goes through these two.
"""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from events.chronology import events_touched, refresh_reading_order
from events.sync.recorder import rows_changed, stored_keys


@transaction.atomic
def rows_bulk_create(*, objs: Sequence[Model], user=None, reason: str = "") -> list[Model]:
    """Insert ``objs`` (all of one model) and one "created" history row each."""
    if not objs:
        return []
    model = type(objs[0])
    created = bulk_create_with_history(
        list(objs), model, default_user=user, default_change_reason=reason or None
    )
    rows_changed(created)
    refresh_reading_order(events_touched(model, [obj.pk for obj in created]))
    return created


@transaction.atomic
def rows_bulk_update(
    *, objs: Sequence[Model], fields: Sequence[str], user=None, reason: str = ""
) -> int:
    """Update ``fields`` of ``objs`` (all of one model), bump ``updated_at``, record history."""
    if not objs:
        return 0
    model = type(objs[0])
    fields = list(fields)
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        now = timezone.now()
        for obj in objs:
            obj.updated_at = now
        if "updated_at" not in fields:
            fields.append("updated_at")
    pks = [obj.pk for obj in objs]
    before = stored_keys(model, pks)
    placed = events_touched(model, pks)
    updated = bulk_update_with_history(
        list(objs), model, fields, default_user=user, default_change_reason=reason or None
    )
    rows_changed(objs, before=before)
    refresh_reading_order(placed | events_touched(model, pks))
    return updated
