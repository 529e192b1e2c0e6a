"""Write the change log in the transaction of every public change, and say so on commit.

Signal receivers see every ``save()`` and ``delete()`` (the admin's, the services', the
loaders', ``QuerySet.delete()``) and the claim–actor many-to-many; the two bulk helpers in
``events.services.history`` call :func:`rows_changed` themselves, because bulk writes send
no signals. Like the search index and the history, this is bookkeeping every write must
get, so it lives in receivers rather than in each service. ``QuerySet.update()`` on a
tracked model bypasses it: write through ``rows_bulk_update`` instead.

For each changed row, :func:`events.sync.graph.shown_in` names the public resources that
show it; their ``revision`` (the API's ``version``) goes up by one, their ``updated_at``
moves, and each that was ever public gets a :class:`~events.models.Change` row (drafts
never published stay out of the feed, so their existence does not leak).

Hooking in (the cache lane): once the transaction commits, :data:`changes_committed` is
sent with ``sender=Change`` and ``changes``, a list of :class:`ChangeRef` (kind, id,
slug, action), one per resource named in the log by that write. Receivers run after the
commit, outside it; nothing is sent for a rolled-back write. Example::

    from events.sync.recorder import changes_committed

    @receiver(changes_committed)
    def purge(sender, changes, **kwargs):
        for ref in changes:
            cache.delete(f"{ref.kind}:{ref.id}")
"""

import copy
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import Signal
from django.utils import timezone

from events.models import Change, ChangeAction, Claim

from .graph import KIND_MODELS, PUBLIC_KINDS, TRACKED_MODELS, Refs, shown_in

changes_committed = Signal()


@dataclass(frozen=True)
class ChangeRef:
    kind: str
    id: int
    slug: str
    action: str
    merged_into_id: int | None = None


def _merge_refs(into: Refs, more: Refs) -> None:
    for kind, ids in more.items():
        into[kind] |= ids


def _announce(refs: list[ChangeRef]) -> None:
    if refs:
        transaction.on_commit(
            lambda: changes_committed.send(sender=Change, changes=refs), robust=True
        )


def record(refs: Refs, gone: Iterable[ChangeRef] = ()) -> list[ChangeRef]:
    """Bump and log the resources ``refs``; ``gone`` are public rows this write deleted."""
    now = timezone.now()
    logged = list(gone)
    skip = {(ref.kind, ref.id) for ref in logged}
    for kind, ids in refs.items():
        ids = {pk for pk in ids if pk is not None and (kind, pk) not in skip}
        if not ids:
            continue
        model = KIND_MODELS[kind]
        rows = model._base_manager.filter(pk__in=ids)
        rows.update(revision=F("revision") + 1, updated_at=now)
        slug = "slug" if kind != "claim" else "pk"
        for pk, value in rows.filter(first_published_at__isnull=False).values_list("pk", slug):
            logged.append(ChangeRef(kind, pk, value if kind != "claim" else "", "changed"))
    Change.objects.bulk_create(
        Change(
            kind=ref.kind,
            object_id=ref.id,
            slug=ref.slug,
            action=ref.action,
            merged_into_id=ref.merged_into_id,
            created_at=now,
            updated_at=now,
        )
        for ref in logged
    )
    _announce(logged)
    return logged


def _as_before(obj, before: dict):
    old = copy.copy(obj)
    for attname, value in before.items():
        setattr(old, attname, value)
    return old


def rows_changed(objs, *, before: dict[int, dict] | None = None) -> None:
    """Log rows written without signals (bulk); ``before``: pk → foreign keys as stored."""
    refs: Refs = defaultdict(set)
    for obj in objs:
        _merge_refs(refs, shown_in(obj))
        stored = (before or {}).get(obj.pk)
        if stored and any(getattr(obj, k) != v for k, v in stored.items()):
            _merge_refs(refs, shown_in(_as_before(obj, stored)))
    record(refs)


def stored_keys(model, pks) -> dict[int, dict]:
    """The tracked foreign keys of rows ``pks`` as the database holds them now."""
    keys = TRACKED_MODELS.get(model, ())
    if not keys:
        return {}
    rows = model._base_manager.filter(pk__in=list(pks)).values("pk", *keys)
    return {row.pop("pk"): row for row in rows}


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    instance._sync_before = stored_keys(sender, [instance.pk]).get(instance.pk)


def _after_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    rows_changed([instance], before={instance.pk: getattr(instance, "_sync_before", None)})
    instance._sync_before = None


def _after_delete(sender, instance, **kwargs):
    refs = shown_in(instance)
    gone = []
    kind = PUBLIC_KINDS.get(sender)
    if kind is not None:
        refs[kind].discard(instance.pk)
        if instance.first_published_at is not None:
            merged_into = getattr(instance, "_merged_into", None)
            gone.append(
                ChangeRef(
                    kind,
                    instance.pk,
                    getattr(instance, "slug", ""),
                    ChangeAction.MERGED if merged_into else ChangeAction.DELETED,
                    merged_into.pk if merged_into else None,
                )
            )
    record(refs, gone)


def _about_actors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear":
        instance._sync_cleared = (
            set(instance.about_actors.values_list("pk", flat=True))
            if not reverse
            else set(instance.claims_about.values_list("pk", flat=True))
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        claims = set(pk_set or ()) or getattr(instance, "_sync_cleared", set())
    else:
        claims = {instance.pk}
    refs: Refs = defaultdict(set)
    for claim in Claim._base_manager.filter(pk__in=claims):
        _merge_refs(refs, shown_in(claim))
    record(refs)


def connect() -> None:
    for model in TRACKED_MODELS:
        uid = f"sync-{model._meta.label_lower}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}-post")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        _about_actors_changed, sender=Claim.about_actors.through, dispatch_uid="sync-about"
    )
