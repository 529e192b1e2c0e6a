"""Editors propose, publishers decide: changes to published records.

An editor sees published content read-only. ``proposal_create`` records what they want
changed (an alias, a participant, a correction of the record's own fields), checked as far
as it can be before anyone decides. ``proposal_accept`` applies it as a publisher's own
change would be: the row is created or changed with history, and the record gets a
correction note for readers (``publishable_correct``). ``proposal_reject`` says why not.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from events.models import (
    Actor,
    ActorAlias,
    Article,
    Event,
    Location,
    LocationAlias,
    Participation,
    Proposal,
    ProposalKind,
    ProposalStatus,
    PublishableModel,
    Status,
)

from .publication import publishable_correct, user_can_publish

# The record's own fields a correction may change (not its workflow or its keys).
CORRECTABLE = {
    "event": ("title", "summary"),
    "actor": ("name", "description"),
    "location": ("name",),
    "claim": ("text",),
    "article": ("headline", "byline"),
}


def _alias_for(target, changes: dict):
    model = {Actor: ActorAlias, Location: LocationAlias}.get(type(target))
    if model is None:
        raise ValidationError("Only actors and places have aliases.")
    field = "actor" if model is ActorAlias else "location"
    alias = model(
        **{field: target},
        name=(changes.get("name") or "").strip(),
        language=changes.get("language") or "",
    )
    if model is ActorAlias:
        alias.is_abbreviation = bool(changes.get("is_abbreviation"))
    return alias


def _participation_for(target, changes: dict) -> Participation:
    if not isinstance(target, Event):
        raise ValidationError("Only events have participants.")
    actor = Actor._base_manager.filter(pk=changes.get("actor")).first()
    source = Article._base_manager.filter(pk=changes.get("source")).first()
    if actor is None or source is None:
        raise ValidationError("Give the participant and the report that says so.")
    return Participation(
        event=target,
        actor=actor,
        role=changes.get("role") or "",
        source=source,
        passage=changes.get("passage") or "",
    )


def _build(target, kind: str, changes: dict):
    """The row the proposal would create or the record as it would be (not saved)."""
    if kind == ProposalKind.ALIAS:
        return _alias_for(target, changes)
    if kind == ProposalKind.PARTICIPATION:
        return _participation_for(target, changes)
    if kind == ProposalKind.CORRECTION:
        allowed = CORRECTABLE.get(target._meta.model_name, ())
        unknown = set(changes) - set(allowed)
        if unknown or not changes:
            raise ValidationError(
                f"A correction changes {', '.join(allowed) or 'nothing'} of a "
                f"{target._meta.verbose_name}."
            )
        for name, value in changes.items():
            setattr(target, name, value)
        return target
    raise ValidationError("Unknown kind of proposal.")


def _check(obj) -> None:
    exclude = ["slug"] if hasattr(obj, "slug") else None
    obj.full_clean(exclude=exclude)


@transaction.atomic
def proposal_create(*, target, kind: str, changes: dict, reason: str, user) -> Proposal:
    """An editor's proposal for a published ``target``; validated as far as it can be now."""
    if not isinstance(target, PublishableModel) or target.status != Status.PUBLISHED:
        raise ValidationError("Change a draft directly; proposals are for published records.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why, and where it comes from."})
    fresh = type(target)._base_manager.get(pk=target.pk)
    _check(_build(fresh, kind, changes))
    proposal = Proposal(
        content_type=ContentType.objects.get_for_model(type(target)),
        object_id=target.pk,
        kind=kind,
        changes=changes,
        reason=reason,
        proposed_by=user if user is not None and user.is_authenticated else None,
    )
    proposal._history_user = proposal.proposed_by
    proposal.full_clean()
    proposal.save()
    return proposal


def _decide(proposal: Proposal, *, user, status: str, note: str) -> None:
    proposal.status = status
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal._history_user = user
    proposal.save()


@transaction.atomic
def proposal_accept(*, proposal: Proposal, user, note: str = "") -> Proposal:
    """Apply an open proposal with a note for readers (the editor's reason if none given)."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    model = proposal.content_type.model_class()
    if not user_can_publish(user, model):
        raise PermissionDenied("Only publishers decide proposals.")
    if proposal.status != ProposalStatus.OPEN:
        raise ValidationError("This proposal has been decided already.")
    target = model._base_manager.select_for_update().get(pk=proposal.object_id)
    note = (note or "").strip() or proposal.reason
    built = _build(target, proposal.kind, proposal.changes)
    if built is not target:
        _check(built)
        built._history_user = user
        built._change_reason = f"Proposed by {proposal.proposed_by}, accepted: {note}"
        built.save()
    publishable_correct(obj=target, user=user, note=note)
    _decide(proposal, user=user, status=ProposalStatus.ACCEPTED, note=note)
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: Proposal, user, note: str) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not user_can_publish(user, proposal.content_type.model_class()):
        raise PermissionDenied("Only publishers decide proposals.")
    if proposal.status != ProposalStatus.OPEN:
        raise ValidationError("This proposal has been decided already.")
    if not (note or "").strip():
        raise ValidationError({"decision_note": "Tell the editor why."})
    _decide(proposal, user=user, status=ProposalStatus.REJECTED, note=note.strip())
    return proposal
