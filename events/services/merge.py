"""Merging duplicates: every link to B moves to A, B's names become A's aliases, B goes.

The links are found from the model's reverse relations, so a foreign key added later is
moved too. A moved link that would duplicate one A already has (the same alias, the same
role in the same event) or become meaningless (A affiliated with itself) is dropped and
counted; history records every moved, dropped and deleted row. Merging away a published
record also writes a public correction note on the record kept.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from events.models import (
    Actor,
    ActorAlias,
    Correction,
    CorrectionKind,
    Location,
    LocationAlias,
    PublishableModel,
    SlugRedirect,
    Status,
)

from .history import rows_bulk_update
from .publication import correction_create, user_can_publish


@dataclass
class MergeResult:
    target: object
    moved: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    aliases_added: list[str] = field(default_factory=list)
    correction: Correction | None = None  # the public note left when a published one goes


def _as_user(obj, user):
    if user is not None and user.is_authenticated:
        obj._history_user = user
    return obj


def _check_pair(target, source, user) -> None:
    if target.pk == source.pk:
        raise ValidationError("Choose two different records to merge.")
    public = (Status.PUBLISHED, Status.WITHDRAWN)
    touches_public = source.status in public or target.status in public
    if user is not None and touches_public and not user_can_publish(user, type(target)):
        raise ValidationError(
            "Merging changes published records: only publishers may do it. Ask one, or "
            "merge only drafts."
        )
    if source.status == Status.PUBLISHED and target.status != Status.PUBLISHED:
        raise ValidationError(
            f"“{source}” is published but “{target}” is not: readers following the old link "
            "would find nothing. Publish the record you keep first, or keep the published one."
        )


def _move_links(*, target, source, user, reason: str, result: MergeResult) -> None:
    model = type(target)
    for rel in model._meta.related_objects:
        label = rel.related_model._meta.verbose_name_plural
        if rel.many_to_many:
            accessor = rel.get_accessor_name()
            for owner in list(getattr(source, accessor).all()):
                _as_user(owner, user)
                owner._change_reason = reason
                getattr(owner, rel.field.name).add(target)
                getattr(owner, rel.field.name).remove(source)
                result.moved[label] = result.moved.get(label, 0) + 1
            continue
        if not (rel.one_to_many or rel.one_to_one):
            continue
        fk = rel.field
        moved = []
        for row in rel.related_model._base_manager.filter(**{fk.name: source}):
            new_value = target
            if row.pk == target.pk and rel.related_model is model:
                # A lay inside B (a venue inside the city it duplicates): A takes B's place.
                new_value = getattr(source, fk.name)
            setattr(row, fk.name, new_value)
            try:
                row.validate_constraints()
            except ValidationError as exc:
                if isinstance(row, PublishableModel):
                    raise ValidationError(
                        f"Cannot move {rel.related_model._meta.verbose_name} “{row}”: "
                        + "; ".join(exc.messages)
                    ) from None
                _as_user(row, user)
                row._change_reason = f"{reason} (duplicate dropped)"
                row.delete()
                result.dropped[label] = result.dropped.get(label, 0) + 1
                continue
            moved.append(row)
        if moved:
            rows_bulk_update(objs=moved, fields=[fk.attname], user=user, reason=reason)
            result.moved[label] = result.moved.get(label, 0) + len(moved)


def _merge(*, target, source, user, alias_model, alias_fk: str, kind: str) -> MergeResult:
    _check_pair(target, source, user)
    reason = f"Merged “{source}” ({source.slug}) into “{target}” ({target.slug})"
    result = MergeResult(target=target)
    _move_links(target=target, source=source, user=user, reason=reason, result=result)

    # B's own name joins A's aliases (B's aliases moved with the links above).
    known = {target.name.casefold()} | {
        n.casefold()
        for n in alias_model.objects.filter(**{alias_fk: target}).values_list("name", flat=True)
    }
    if source.name.casefold() not in known:
        alias = _as_user(alias_model(**{alias_fk: target, "name": source.name}), user)
        alias._change_reason = reason
        alias.full_clean()
        alias.save()
        result.aliases_added.append(source.name)
    for alias in alias_model.objects.filter(**{alias_fk: target}):
        if alias.name.casefold() == target.name.casefold():
            _as_user(alias, user).delete()  # an alias equal to the name says nothing

    # B's old address sends readers to A (and so do older addresses that led to B).
    for redirect in SlugRedirect.objects.filter(kind=kind, new_slug=source.slug):
        _as_user(redirect, user)
        if redirect.old_slug == target.slug:
            redirect.delete()
        else:
            redirect.new_slug = target.slug
            redirect.save()
    for stale in SlugRedirect.objects.filter(kind=kind, old_slug=source.slug):
        _as_user(stale, user).delete()
    redirect = _as_user(SlugRedirect(kind=kind, old_slug=source.slug, new_slug=target.slug), user)
    redirect._change_reason = reason
    redirect.save()

    # Fill what A lacks from B.
    changed = False
    if not target.wikidata_qid and source.wikidata_qid:
        qid = source.wikidata_qid
        source.wikidata_qid = None
        source.save(update_fields=["wikidata_qid"])
        target.wikidata_qid = qid
        changed = True
    if not target.description and source.description:
        target.description = source.description
        changed = True
    if changed:
        _as_user(target, user)
        target._change_reason = reason
        target.save()

    # Readers who knew B see, on A's page and in the API, where it went and why.
    if source.status == Status.PUBLISHED:
        result.correction = correction_create(
            obj=target,
            kind=CorrectionKind.UPDATE,
            note=f"“{source}” was a duplicate of this record and has been merged into it; "
            f"its links and names are here now, and its old address leads here.",
            user=user,
        )

    _as_user(source, user)
    source._change_reason = reason
    source._merged_into = target  # the change feed and the tombstone say where it went
    source.delete()
    return result


@transaction.atomic
def actor_merge(*, target: Actor, source: Actor, user=None) -> MergeResult:
    """Merge actor ``source`` (B) into ``target`` (A); B is deleted, its slug redirects."""
    return _merge(
        target=target,
        source=source,
        user=user,
        alias_model=ActorAlias,
        alias_fk="actor",
        kind=SlugRedirect.Kind.ACTOR,
    )


@transaction.atomic
def location_merge(*, target: Location, source: Location, user=None) -> MergeResult:
    """Merge location ``source`` (B) into ``target`` (A); B is deleted, its slug redirects."""
    return _merge(
        target=target,
        source=source,
        user=user,
        alias_model=LocationAlias,
        alias_fk="location",
        kind=SlugRedirect.Kind.LOCATION,
    )
