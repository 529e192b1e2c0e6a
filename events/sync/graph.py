"""Which public resources show a row: the one map of what a change makes stale.

A public resource's API representation (its detail, a superset of its list row) prints
rows of other tables: an event shows its claims, their speakers' names, their sources'
headlines, its participants, its place and the places that place lies in, its sub-events
and related events. When any of those rows changes, the resources that show it have
changed too: their ``version`` and ``updated_at`` move and the change feed names them.

``shown_in(obj)`` answers that for one row (as it is now, or as it was before an edit),
as ``{kind: {ids}}`` with kinds as in :class:`events.models.change.ChangeKind`. Keep it in
step with ``events/api/render.py`` (and the reader pages, which show no more than the
API): a test edits each kind of row and checks the resources it appears in moved.
"""

from collections import defaultdict

from events.models import (
    Actor,
    ActorAlias,
    Affiliation,
    Article,
    Claim,
    ClaimRelation,
    ClaimSource,
    Event,
    EventRelation,
    EventSummaryVersion,
    Location,
    LocationAlias,
    Participation,
)

Refs = dict[str, set[int]]

PUBLIC_KINDS = {Event: "event", Actor: "actor", Location: "location", Claim: "claim"}
PUBLIC_KINDS[Article] = "article"
KIND_MODELS = {kind: model for model, kind in PUBLIC_KINDS.items()}


def _ids(qs, field="pk") -> set[int]:
    return {pk for pk in qs.values_list(field, flat=True) if pk is not None}


def _claims_shown_with(claim_ids: set[int], refs: Refs) -> None:
    """Claims ``claim_ids`` appear in their events and in the claims related to them."""
    if not claim_ids:
        return
    refs["claim"] |= claim_ids
    related = _ids(ClaimRelation.objects.filter(to_claim__in=claim_ids), "from_claim")
    related |= _ids(ClaimRelation.objects.filter(from_claim__in=claim_ids), "to_claim")
    refs["claim"] |= related
    refs["event"] |= _ids(Claim._base_manager.filter(pk__in=claim_ids | related), "event")


def _events_shown_with(event_ids: set[int], refs: Refs) -> None:
    """Events ``event_ids`` appear (as references) in their claims, parents, children and
    related events."""
    if not event_ids:
        return
    events = Event._base_manager.filter(pk__in=event_ids)
    refs["event"] |= event_ids | _ids(events, "parent")
    refs["event"] |= _ids(Event._base_manager.filter(parent__in=event_ids))
    refs["event"] |= _ids(EventRelation.objects.filter(target__in=event_ids), "source")
    refs["event"] |= _ids(EventRelation.objects.filter(source__in=event_ids), "target")
    refs["claim"] |= _ids(Claim._base_manager.filter(event__in=event_ids))


def _actor(actor_id: int, refs: Refs) -> None:
    refs["actor"].add(actor_id)
    refs["actor"] |= _ids(Affiliation.objects.filter(organisation=actor_id), "actor")
    refs["actor"] |= _ids(Affiliation.objects.filter(actor=actor_id), "organisation")
    refs["article"] |= _ids(Article._base_manager.filter(publisher=actor_id))
    refs["event"] |= _ids(Participation.objects.filter(actor=actor_id), "event")
    claims = _ids(Claim._base_manager.filter(speaker=actor_id))
    claims |= _ids(Claim.about_actors.through.objects.filter(actor=actor_id), "claim")
    _claims_shown_with(claims, refs)


def _location(location_id: int, parent_id: int | None, refs: Refs) -> None:
    """A place shows in its parent's children, and (as an ancestor) in every place and
    event below it."""
    below, frontier = {location_id}, {location_id}
    while frontier:
        frontier = _ids(Location._base_manager.filter(parent__in=frontier)) - below
        below |= frontier
    refs["location"] |= below
    if parent_id is not None:
        refs["location"].add(parent_id)
    refs["event"] |= _ids(Event._base_manager.filter(location__in=below))


def _article(article_id: int, refs: Refs) -> None:
    refs["article"].add(article_id)
    _claims_shown_with(_ids(ClaimSource.objects.filter(article=article_id), "claim"), refs)
    refs["event"] |= _ids(Participation.objects.filter(source=article_id), "event")
    refs["event"] |= _ids(EventRelation.objects.filter(article=article_id), "source")
    refs["event"] |= _ids(EventRelation.objects.filter(article=article_id), "target")
    refs["actor"] |= _ids(Affiliation.objects.filter(source=article_id), "actor")
    refs["actor"] |= _ids(Affiliation.objects.filter(source=article_id), "organisation")


def shown_in(obj) -> Refs:
    """The public resources whose representation shows ``obj`` (itself included)."""
    refs: Refs = defaultdict(set)
    match obj:
        case Event():
            _events_shown_with({obj.pk}, refs)
            if obj.parent_id:
                refs["event"].add(obj.parent_id)
        case Claim():
            _claims_shown_with({obj.pk}, refs)
            refs["event"].add(obj.event_id)
        case Actor():
            _actor(obj.pk, refs)
        case Location():
            _location(obj.pk, obj.parent_id, refs)
        case Article():
            _article(obj.pk, refs)
        case ClaimSource():
            _claims_shown_with({obj.claim_id}, refs)
        case ClaimRelation():
            _claims_shown_with({obj.from_claim_id, obj.to_claim_id}, refs)
        case Participation():
            refs["event"].add(obj.event_id)
        case EventRelation():
            refs["event"] |= {obj.source_id, obj.target_id}
        case EventSummaryVersion():
            refs["event"].add(obj.event_id)
        case ActorAlias():
            refs["actor"].add(obj.actor_id)
        case LocationAlias():
            refs["location"].add(obj.location_id)
        case Affiliation():
            refs["actor"] |= {obj.actor_id, obj.organisation_id}
    return refs


# Rows that feed a public representation, and the foreign keys whose old value matters
# (an edit that moves a claim from one event to another changes both events).
TRACKED_MODELS = {
    Event: ("parent_id", "location_id"),
    Claim: ("event_id", "speaker_id"),
    Actor: (),
    Location: ("parent_id",),
    Article: ("publisher_id",),
    ClaimSource: ("claim_id", "article_id"),
    ClaimRelation: ("from_claim_id", "to_claim_id"),
    Participation: ("event_id", "actor_id", "source_id"),
    EventRelation: ("source_id", "target_id", "article_id"),
    EventSummaryVersion: ("event_id",),
    ActorAlias: ("actor_id",),
    LocationAlias: ("location_id",),
    Affiliation: ("actor_id", "organisation_id", "source_id"),
}
