"""The actor page: names, links to other actors, roles in events, claims made and about."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch

from events.chronology import chronological
from events.fetch_plans import guarded
from events.models import (
    Actor,
    ActorAlias,
    Affiliation,
    Claim,
    Correction,
    Participation,
    Role,
)

from . import claims as claim_reads
from .common import LIST_LIMIT, corrections_for, fetched, get_visible


@dataclass
class ActorPage:
    actor: Actor
    aliases: list
    affiliations: list[Affiliation]
    affiliated: list[Affiliation]
    roles: list[tuple[str, list[Participation]]]
    claims_made: list[Claim]
    claims_about: list[Claim]
    corrections: list[Correction]


def actor_page(slug: str, user) -> ActorPage:
    qs = Actor.objects.prefetch_related(
        Prefetch("aliases", queryset=guarded(ActorAlias.objects.all())),
        Prefetch(
            "affiliations",
            queryset=guarded(
                Affiliation.objects.visible_to(user, under="actor").select_related("organisation")
            ),
        ),
        Prefetch(
            "affiliated",
            queryset=guarded(
                Affiliation.objects.visible_to(user, under="organisation").select_related("actor")
            ),
        ),
        Prefetch(
            "participations",
            queryset=guarded(
                Participation.objects.visible_to(user, under="actor")
                .select_related("event__location")
                .order_by("role", "event__start")
            ),
        ),
        Prefetch(
            "claims_made",
            queryset=guarded(
                claim_reads.claims(user, under="speaker")
                .select_related("event")
                .order_by("made_at", "pk")
            ),
        ),
        Prefetch(
            "claims_about",
            queryset=guarded(
                claim_reads.claims(user)
                .select_related("event", "speaker")
                .order_by("made_at", "pk")
            ),
        ),
    )
    actor = get_visible(qs, user, slug=slug)
    by_role: dict[str, list[Participation]] = defaultdict(list)
    for p in actor.participations.all():
        by_role[p.role].append(p)
    for parts in by_role.values():  # each role's events in reading order, not at midnight
        order = {e.pk: n for n, e in enumerate(chronological([p.event for p in parts]))}
        parts.sort(key=lambda p: order[p.event_id])
    return ActorPage(
        actor=actor,
        aliases=list(actor.aliases.all()),
        affiliations=list(actor.affiliations.all()),
        affiliated=list(actor.affiliated.all()),
        roles=[(role.label, by_role[role.value]) for role in Role if role in by_role],
        claims_made=list(actor.claims_made.all())[:LIST_LIMIT],
        claims_about=list(actor.claims_about.all())[:LIST_LIMIT],
        corrections=corrections_for(actor),
    )


# --- The API's actors ---------------------------------------------------------------------------


#: What an actor shows in the API besides its own row; a plan fetches the parts asked for
#: (the API asks for those its ``fields=`` / ``omit=`` keep), read as ``fetched_<part>``.
ACTOR_PARTS = frozenset({"aliases", "affiliations", "affiliated"})


def actors_for_list(user, parts=ACTOR_PARTS):
    """The actors list (API): each actor with its aliases (if asked; see
    :func:`empty_parts`)."""
    qs = Actor.objects.visible_to(user).for_list()
    if "aliases" in parts:
        qs = qs.prefetch_related(fetched("aliases", ActorAlias.objects.order_by("name", "id")))
    return guarded(qs)


def empty_parts(actors) -> None:
    """Give each actor empty lists for the parts its plan did not fetch."""
    for actor in actors:
        for name in ACTOR_PARTS:
            if not hasattr(actor, f"fetched_{name}"):
                setattr(actor, f"fetched_{name}", [])


def details_queryset(user, parts=ACTOR_PARTS):
    """The actors ``user`` may see, each with the rows its detail shows: aliases and links
    to other actors, both ends visible (call :func:`empty_parts` on the rows)."""
    qs = actors_for_list(user, parts)
    if "affiliations" in parts:
        qs = qs.prefetch_related(
            fetched(
                "affiliations",
                Affiliation.objects.visible_to(user, under="actor")
                .select_related("organisation")
                .order_by("kind", "organisation__name", "id"),
            )
        )
    if "affiliated" in parts:
        qs = qs.prefetch_related(
            fetched(
                "affiliated",
                Affiliation.objects.visible_to(user, under="organisation")
                .select_related("actor")
                .order_by("kind", "actor__name", "id"),
            )
        )
    return qs


def actor_detail(slug: str, user, parts=ACTOR_PARTS) -> Actor | None:
    """One actor (API): aliases and links to other actors, both ends visible."""
    actor = details_queryset(user, parts).filter(slug=slug).first()
    if actor is not None:
        empty_parts([actor])
    return actor
