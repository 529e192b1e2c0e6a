"""The publication workflow: draft → in review → published, and withdrawn.

Only users with ``events.publish_<model>`` (the Publishers group) may publish, withdraw or
change published content; a withdrawal or correction carries a public note, stored on the
object and as a :class:`~events.models.Correction` row that readers see.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from events.models import Correction, CorrectionKind, PublishableModel, Status


def user_can_publish(user, model) -> bool:
    opts = model._meta
    return bool(user and user.has_perm(f"{opts.app_label}.publish_{opts.model_name}"))


def _require_publisher(user, obj) -> None:
    if not user_can_publish(user, type(obj)):
        raise PermissionDenied(
            f"Only publishers may publish, withdraw or correct {obj._meta.verbose_name_plural}."
        )


def _note_required(note: str, what: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"public_note": f"{what} needs a public note for readers."})
    return note


def _save(obj, *, user, reason: str) -> None:
    if user is not None and user.is_authenticated:
        obj._history_user = user
    obj._change_reason = reason
    obj.full_clean()
    obj.save()


def correction_create(*, obj, kind: str, note: str, user) -> Correction:
    """A public note on ``obj`` (validated, attributed to ``user``, recorded in history)."""
    correction = Correction(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        kind=kind,
        note=note,
        author=user if user is not None and user.is_authenticated else None,
    )
    if user is not None and user.is_authenticated:
        correction._history_user = user
    correction.full_clean()
    correction.save()
    return correction


def publishable_check_publishable(*, obj: PublishableModel) -> None:
    """Refuse to publish something that points at an unpublished row (it would leak it).

    A published claim whose speaker is a draft would show the draft's name to readers.
    """
    problems = []
    for field in obj._meta.concrete_fields:
        if not field.is_relation or not issubclass(field.related_model, PublishableModel):
            continue
        target = getattr(obj, field.name)
        if target is not None and target.status != Status.PUBLISHED:
            problems.append(f"{field.verbose_name} “{target}” is {target.get_status_display()}")
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            if issubclass(field.related_model, PublishableModel):
                problems += [
                    f"{field.verbose_name} “{row}” is {row.get_status_display()}"
                    for row in getattr(obj, field.name).exclude(status=Status.PUBLISHED)
                ]
    if problems:
        raise ValidationError(
            "Publish these first (readers would otherwise see them): " + "; ".join(problems) + "."
        )


@transaction.atomic
def publishable_submit(*, obj: PublishableModel, user) -> PublishableModel:
    """An editor hands a draft to the publishers."""
    if obj.status not in (Status.DRAFT, Status.REVIEW):
        raise ValidationError("Only a draft can be submitted for review.")
    obj.status = Status.REVIEW
    _save(obj, user=user, reason="Submitted for review")
    return obj


@transaction.atomic
def publishable_publish(*, obj: PublishableModel, user, note: str = "") -> PublishableModel:
    """Make ``obj`` public. Re-publishing something withdrawn needs a public note."""
    _require_publisher(user, obj)
    if obj.status == Status.PUBLISHED and obj.pk is not None:
        stored = type(obj)._base_manager.filter(pk=obj.pk).values_list("status", flat=True)
        if stored.first() == Status.PUBLISHED:
            raise ValidationError("This is already published.")
    was_withdrawn = (
        obj.pk is not None
        and type(obj)._base_manager.filter(pk=obj.pk, status=Status.WITHDRAWN).exists()
    )
    publishable_check_publishable(obj=obj)
    obj.status = Status.PUBLISHED
    if was_withdrawn:
        note = _note_required(note, "Publishing again after a withdrawal")
        obj.public_note = note
    _save(obj, user=user, reason=note or "Published")
    if was_withdrawn:
        correction_create(obj=obj, kind=CorrectionKind.UPDATE, note=note, user=user)
    return obj


@transaction.atomic
def publishable_withdraw(*, obj: PublishableModel, user, note: str) -> Correction:
    """Take published content down, telling readers why."""
    _require_publisher(user, obj)
    note = _note_required(note, "A withdrawal")
    if (
        obj.pk is None
        or not type(obj)._base_manager.filter(pk=obj.pk, status=Status.PUBLISHED).exists()
    ):
        raise ValidationError("Only published content can be withdrawn.")
    obj.status = Status.WITHDRAWN
    obj.public_note = note
    _save(obj, user=user, reason=f"Withdrawn: {note}")
    return correction_create(obj=obj, kind=CorrectionKind.WITHDRAWAL, note=note, user=user)


@transaction.atomic
def publishable_correct(*, obj: PublishableModel, user, note: str) -> Correction:
    """Record a correction of published content (the changes are saved with it)."""
    _require_publisher(user, obj)
    note = _note_required(note, "A change to published content")
    obj.public_note = note
    _save(obj, user=user, reason=f"Corrected: {note}")
    return correction_create(obj=obj, kind=CorrectionKind.CORRECTION, note=note, user=user)
