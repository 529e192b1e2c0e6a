"""Claims: the fetch plan of a claim's nested rows, its relations, contradictions, its page.

A claim is public only when it, its event and its speaker are published
(``ClaimQuerySet.public_q``); every nested row is held to its own model's rule: sources to
``ClaimSourceQuerySet``, related claims to ``ClaimQuerySet`` (so a related claim whose event
was withdrawn is gone), the actors it is about to ``ActorQuerySet``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404

from events.fetch_plans import guarded
from events.models import (
    Actor,
    Claim,
    ClaimKind,
    ClaimRelation,
    ClaimRelationKind,
    ClaimSource,
    Correction,
)
from events.models.article import texts_behind

from .as_of import AsOf
from .common import attach_corrections, fetched


def claims(user, as_of: AsOf | None = None, *, under: str | None = None):
    """Claims ``user`` may see (beneath a visible ``under``: see
    :class:`~events.models.base.VisibleQuerySet`), made by the end of ``as_of``'s day when
    given."""
    qs = Claim.objects.visible_to(user, under=under)
    return qs if as_of is None else qs.filter(as_of.made_q())


def claim_sources(user, as_of: AsOf | None = None):
    """The sources of claims ``user`` may see (the claims come from :func:`claims`), each
    published by ``as_of``'s day, oldest report first."""
    qs = ClaimSource.objects.visible_to(user, under="claim")
    if as_of is not None:
        qs = qs.filter(as_of.published_q("article__"))
    return (
        qs.select_related("article__publisher")
        .defer(*texts_behind("article__", keep=("raw_text",)))
        .order_by("article__published_on", "pk")
    )


def claim_prefetches(
    user, as_of: AsOf | None = None, *, sources: bool = True, relations: bool = True
) -> list[Prefetch]:
    """What a claim shows wherever it is listed: its sources and related claims.

    Read as ``claim.fetched_sources``, ``fetched_relations_out`` and
    ``fetched_relations_in`` (see :func:`related_claims` for the last two); a part left
    out (``sources=False``…) is not fetched (see :func:`empty_parts`). The claims they are
    fetched for must be ones ``user`` may see (:func:`claims`): their own half of each
    rule is not checked again.
    """
    prefetches = []
    if sources:
        prefetches.append(fetched("sources", claim_sources(user, as_of)))
    if relations:
        prefetches += [
            fetched(
                "relations_out",
                _relations(user, as_of, under="from_claim", other="to_claim")
                .select_related("to_claim__speaker", "to_claim__event")
                .order_by("to_claim__made_at", "pk"),
            ),
            fetched(
                "relations_in",
                _relations(user, as_of, under="to_claim", other="from_claim")
                .select_related("from_claim__speaker", "from_claim__event")
                .order_by("from_claim__made_at", "pk"),
            ),
        ]
    return prefetches


def _relations(user, as_of: AsOf | None, *, under: str, other: str):
    """Relations ``user`` may see from visible claims (``under``) to claims made by
    ``as_of``'s day (``other``)."""
    qs = ClaimRelation.objects.visible_to(user, under=under)
    return qs if as_of is None else qs.filter(as_of.made_q(f"{other}__"))


def empty_parts(claim_list) -> None:
    """Give each claim empty lists for the parts its plan did not fetch."""
    for claim in claim_list:
        for name in ("sources", "relations_out", "relations_in", "about_actors"):
            if not hasattr(claim, f"fetched_{name}"):
                setattr(claim, f"fetched_{name}", [])


#: What a claim can show besides its own row (see :data:`events.reads.events.EVENT_PARTS`).
CLAIM_PARTS = frozenset({"sources", "relations", "about_actors", "corrections"})


def claims_for_list(user, parts=CLAIM_PARTS):
    """The claims list (API): each claim with its speaker, event and (if asked) sources."""
    qs = claims(user).for_list()
    if "sources" in parts:
        qs = qs.prefetch_related(fetched("sources", claim_sources(user)))
    return guarded(qs)


def claim_detail(pk: int, user, as_of: AsOf | None = None, parts=CLAIM_PARTS) -> Claim | None:
    """One claim with everything it shows, for its page and the API alike (and, on
    ``fetched_about_actors``, the visible actors it is about, and on
    ``fetched_corrections`` the corrections logged by then).

    With ``as_of``, the day ends in the claim's event's time zone; a claim made later was
    not known then (``None``), and its related claims and sources are those known by then.
    """
    claim = details_queryset(user).filter(pk=pk).first()
    if claim is None:
        return None
    if as_of is not None:
        as_of = as_of.in_zone(claim.event.tzinfo)
        if claim.made_at >= as_of.end:
            return None
    fetch_details([claim], user, as_of, parts)
    return claim


def details_queryset(user):
    """The claims ``user`` may see, with the speaker and event every detail prints."""
    return guarded(claims(user).select_related("speaker", "event"))


def fetch_details(claim_list, user, as_of: AsOf | None = None, parts=CLAIM_PARTS) -> None:
    """Fetch everything the detail of each of ``claim_list`` (rows of
    :func:`details_queryset`) shows, for them all at once; ``as_of`` is a day already in
    their events' time zone."""
    prefetches = claim_prefetches(
        user, as_of, sources="sources" in parts, relations="relations" in parts
    )
    if "about_actors" in parts:
        about = Actor.objects.visible_to(user).order_by("name", "pk")
        prefetches.append(fetched("about_actors", about))
    prefetch_related_objects(claim_list, *prefetches)
    empty_parts(claim_list)
    for claim in claim_list:
        claim.fetched_corrections = []
    if "corrections" in parts:
        attach_corrections(claim_list, as_of=as_of)


# --- Relations: one shape ---------------------------------------------------------------------

#: The name of a relation seen from its other end.
INVERSE = {
    ClaimRelationKind.SUPPORTS: "supported_by",
    ClaimRelationKind.CONTRADICTS: "contradicted_by",
    ClaimRelationKind.UPDATES: "updated_by",
}


@dataclass(frozen=True)
class RelatedClaim:
    """``claim`` relates to the claim in hand by ``relation``: supports, supported_by,
    contradicts, contradicted_by, updates or updated_by."""

    relation: str
    claim: Claim


def related_claims(claim) -> list[RelatedClaim]:
    """The claim's relations, outgoing first, from its prefetched (visible) relation rows.

    Pages (grouped by :func:`relation_groups`) and the API (``related_claims``) print this.
    """
    rows = [RelatedClaim(str(r.kind), r.to_claim) for r in claim.fetched_relations_out]
    rows += [RelatedClaim(INVERSE[r.kind], r.from_claim) for r in claim.fetched_relations_in]
    return rows


def relation_groups(claim) -> dict[str, list[Claim]]:
    """Related claims by relation, for the pages; contradiction is mutual, so both of its
    directions are listed under ``contradicts``."""
    result: dict[str, list[Claim]] = defaultdict(list)
    for row in related_claims(claim):
        key = "contradicts" if row.relation == "contradicted_by" else row.relation
        if row.claim not in result[key]:
            result[key].append(row.claim)
    return dict(result)


def contradicting(claim) -> list[Claim]:
    """The claims that contradict ``claim`` or that it contradicts, each once."""
    return relation_groups(claim).get("contradicts", [])


# --- Standoffs: contradicting claims face to face ---------------------------------------------


@dataclass
class Standoff:
    """Claims that contradict each other, in two columns (accusations | denials)."""

    left_label: str
    right_label: str
    left: list[Claim]
    right: list[Claim]


def contradiction_standoffs(claim_list: list[Claim]) -> list[Standoff]:
    """Split each group of mutually contradicting claims into two sides.

    Claims joined by "contradicts" relations form a graph; each connected group is coloured
    in two (a claim sits opposite the claims it contradicts). The side holding accusations
    or claims of responsibility goes left, so a reader sees the claim before its denial.
    """
    by_pk = {c.pk: c for c in claim_list}
    edges: dict[int, set[int]] = defaultdict(set)
    for claim in claim_list:
        for row in related_claims(claim):
            if row.relation == "contradicts" and row.claim.pk in by_pk:
                edges[claim.pk].add(row.claim.pk)
                edges[row.claim.pk].add(claim.pk)
    side: dict[int, int] = {}
    standoffs = []
    for start in sorted(edges, key=lambda pk: (by_pk[pk].made_at, pk)):
        if start in side:
            continue
        side[start], queue, members = 0, [start], []
        while queue:
            pk = queue.pop(0)
            members.append(pk)
            for other in sorted(edges[pk]):
                if other not in side:
                    side[other] = 1 - side[pk]
                    queue.append(other)
        columns = [
            sorted((by_pk[pk] for pk in members if side[pk] == s), key=lambda c: c.made_at)
            for s in (0, 1)
        ]
        leading = {ClaimKind.ACCUSATION, ClaimKind.RESPONSIBILITY, ClaimKind.ATTRIBUTION}
        if not any(c.kind in leading for c in columns[0]) and any(
            c.kind in leading for c in columns[1]
        ):
            columns.reverse()
        left_label, right_label = _column_label(columns[0]), _column_label(columns[1])
        if left_label == right_label:
            left_label, right_label = "One account", "A conflicting account"
        standoffs.append(Standoff(left_label, right_label, columns[0], columns[1]))
    return standoffs


def _plural(label: str) -> str:
    if label.startswith("Claim of "):
        return "Claims of " + label[len("Claim of ") :]
    return label if label.endswith("s") else label + "s"


def _column_label(claim_list: list[Claim]) -> str:
    """ "Accusations", or "Denials and assessments" for a mixed column, in kind order."""
    kinds = [k for k in ClaimKind if k in {c.kind for c in claim_list}]
    labels = [_plural(k.label) for k in kinds]
    if not labels:
        return "Claims"
    text = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    return text[0] + text[1:].lower()


# --- The claim page ---------------------------------------------------------------------------


@dataclass
class ClaimPage:
    claim: Claim
    relations: dict[str, list[Claim]]
    corrections: list[Correction]


def claim_page(pk: int, user) -> ClaimPage:
    claim = claim_detail(pk, user)
    if claim is None:
        raise Http404("No such claim.")
    return ClaimPage(
        claim=claim, relations=relation_groups(claim), corrections=claim.fetched_corrections
    )
