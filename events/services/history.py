"""Bulk writes that still leave a history row per object (django-simple-history).

``QuerySet.update()`` and plain ``bulk_create``/``bulk_update`` send no signals, so the
history would silently miss them; every bulk write in newsbase goes through these two.
"""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history


@transaction.atomic
def rows_bulk_create(*, objs: Sequence[Model], user=None, reason: str = "") -> list[Model]:
    """Insert ``objs`` (all of one model) and one "created" history row each."""
    if not objs:
        return []
    model = type(objs[0])
    return bulk_create_with_history(
        list(objs), model, default_user=user, default_change_reason=reason or None
    )


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
    return bulk_update_with_history(
        list(objs), model, fields, default_user=user, default_change_reason=reason or None
    )
