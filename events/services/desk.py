"""The editor's desk: an event and its claims recorded straight from a report.

Once a report's names are confirmed, the rest of a story is mostly choosing: which of the
named places it happened at, who took part in what role, which passages are claims by whom.
These services turn those choices into drafts in one step each, with the report as their
source, so the editor does not type again what the report and the database already hold.
"""

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction

from events.models import (
    Actor,
    Article,
    Claim,
    ClaimKind,
    ClaimSource,
    Event,
    Location,
    Participation,
    Precision,
    Status,
)


def local_datetime(day: dt.date, clock: dt.time | None, zone_name: str) -> dt.datetime:
    """``day`` at ``clock`` (the start of the day if None) where ``zone_name`` keeps time."""
    try:
        zone = zoneinfo.ZoneInfo(zone_name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return dt.datetime.combine(day, clock or dt.time(0), tzinfo=zone)


def _attributed(obj, user, reason: str):
    if user is not None and user.is_authenticated:
        obj._history_user = user
    obj._change_reason = reason
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def event_record(
    *,
    article: Article,
    title: str,
    event_type: str,
    day: dt.date,
    clock: dt.time | None,
    location: Location | None,
    participants: list[tuple[Actor, str]],
    summary: str = "",
    user,
) -> Event:
    """A draft event at ``location`` (in its time zone) with its participants, sourced to
    ``article``. A clock time makes the start exact to the minute; without one it is the day."""
    zone = (location.timezone if location is not None else "") or "UTC"
    event = Event(
        title=title,
        summary=summary,
        event_type=event_type,
        start=local_datetime(day, clock, zone),
        start_precision=Precision.MINUTE if clock else Precision.DAY,
        timezone=zone,
        location=location,
        status=Status.DRAFT,
    )
    _attributed(event, user, f"Recorded from “{article.headline}”")
    event_add_participants(event=event, article=article, participants=participants, user=user)
    return event


@transaction.atomic
def event_add_participants(
    *, event: Event, article: Article, participants: list[tuple[Actor, str]], user
) -> list[Participation]:
    """Participations of ``event``, each sourced to ``article`` (a role already recorded for
    the actor is a validation error, and nothing is added)."""
    reason = f"Recorded from “{article.headline}”"
    return [
        _attributed(
            Participation(event=event, actor=actor, role=role, source=article), user, reason
        )
        for actor, role in participants
    ]


@transaction.atomic
def claim_record(
    *,
    article: Article,
    passage: str,
    start: int,
    end: int,
    event: Event,
    speaker: Actor,
    kind: str,
    mode: str,
    day: dt.date,
    figure: dict | None = None,
    user,
) -> Claim:
    """A draft claim quoting ``passage`` of ``article``, said on ``day`` (day precision, in
    the event's zone). A figure gives ``figure`` = metric, qualifier, value; its count is as
    of the same day."""
    made_at = local_datetime(day, None, event.timezone)
    claim = Claim(
        event=event,
        speaker=speaker,
        kind=kind,
        mode=mode,
        text=passage,
        language=article.language or "en",
        made_at=made_at,
        made_precision=Precision.DAY,
        status=Status.DRAFT,
    )
    if kind == ClaimKind.FIGURE:
        if not figure or figure.get("value") is None or not figure.get("metric"):
            raise ValidationError("A figure needs what is counted and the number.")
        claim.figure_metric = figure["metric"]
        claim.figure_qualifier = figure.get("qualifier") or "exact"
        claim.figure_value = figure["value"]
        claim.figure_as_of = made_at
        claim.figure_as_of_precision = Precision.DAY
    reason = f"Quoted from “{article.headline}”"
    _attributed(claim, user, reason)
    source = ClaimSource(
        claim=claim, article=article, passage=passage, start_offset=start, end_offset=end
    )
    _attributed(source, user, reason)
    return claim
