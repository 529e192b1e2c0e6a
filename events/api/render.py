"""Public JSON, built by plain functions from the rows the read layer returns.

One function per shape: the nested references (``*_ref``), each resource's list and detail
forms, and the pieces they share (figures, sources, relations, participants, corrections,
the sync feeds' rows). Each takes the rows (model instances as events/reads fetched them,
with their ``fetched_*`` lists) and a :class:`Context` (the site root for absolute links,
whether drafts are hidden, the ``as_of`` day) and returns plain dicts, lists, strings and
numbers, in the order the schema lists the fields.

The serializers in events/api/serializers are the declared schema (drf-spectacular
documents them; ``fields=`` / ``omit=`` are checked against them). They are not run to
answer requests: DRF's per-field machinery costs many times the data it prints.
tests/api/test_render.py renders every object of the Crocus record both ways and compares
them field by field, so a shape here and its serializer cannot drift apart.

Rules kept from DRF's fields: a ``None`` value is ``null`` whatever the field; dates and
times are ISO 8601, times in the current time zone with UTC written ``Z``; a nested object
the client may not see (a draft speaker for an anonymous client) is ``null``. And one of
our own: a value that is absent is ``null``, never ``""`` (:func:`text`, and
``serializers.optional`` on the schema's side).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from events.links import fast_reverse
from events.models import Status, figure_series
from events.reads.claims import contradicting, related_claims


@dataclass(frozen=True)
class Context:
    """What a rendering needs besides the rows."""

    root: str = ""  # scheme://host put before every link ("": links are paths)
    public_only: bool = True  # drafts nested in a public object are null
    as_of: dt.date | None = None  # the day asked for (``as_of`` of a detail)

    @classmethod
    def of(cls, request, *, public_only: bool = True, as_of: dt.date | None = None) -> Context:
        root = request.build_absolute_uri("/")[:-1] if request is not None else ""
        return cls(root=root, public_only=public_only, as_of=as_of)

    def link(self, view_name: str, kwarg: str, value) -> str:
        """An API object's absolute URL (``reverse()``'s path, events.links)."""
        return self.root + fast_reverse(view_name, kwarg, value)

    def page(self, obj) -> str:
        """The object's page on the site."""
        return self.root + obj.get_absolute_url()

    def list_link(self, name: str, **params) -> str:
        """An API list filtered by ``params``."""
        return f"{self.root}{reverse(name)}?{urlencode(params)}"

    def hides(self, obj) -> bool:
        return self.public_only and obj.status != Status.PUBLISHED


# --- values -----------------------------------------------------------------------------------
def iso_datetime(value) -> str | None:
    """DRF's DateTimeField output: ISO 8601 in the site's time zone, UTC as ``Z``.

    DRF converts to the *current* time zone. newsbase never activates another, so that is
    always ``settings.TIME_ZONE``, which Django looks up once; the current one is a
    context-local read per value (3 of the 4.4 µs a value took, and an event's document
    holds hundreds of values). tests/api/test_render.py checks the output against DRF's.
    """
    if not value:
        return None
    if isinstance(value, str):
        return value
    text = value.astimezone(timezone.get_default_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def text(value) -> str | None:
    """A blank-or-value column: absent is ``null``, never ``""``."""
    return value or None


def iso_date(value) -> str | None:
    return value.isoformat() if value else None


def workflow(obj) -> dict:
    """The fields every published resource ends with (serializers.WORKFLOW_FIELDS)."""
    return {
        "status": obj.status,
        "public_note": text(obj.public_note),
        "first_published_at": iso_datetime(obj.first_published_at),
        "created_at": iso_datetime(obj.created_at),
        "updated_at": iso_datetime(obj.updated_at),
        "version": obj.version,
    }


# --- nested references ------------------------------------------------------------------------
def location_ref(place, ctx: Context) -> dict | None:
    if place is None or ctx.hides(place):
        return None
    return {
        "url": ctx.link("api:location-detail", "slug", place.slug),
        "slug": place.slug,
        "name": place.name,
        "kind": place.kind,
        "latitude": place.latitude,
        "longitude": place.longitude,
    }


def actor_ref(actor, ctx: Context) -> dict | None:
    if actor is None or ctx.hides(actor):
        return None
    return {
        "url": ctx.link("api:actor-detail", "slug", actor.slug),
        "slug": actor.slug,
        "name": actor.name,
        "kind": actor.kind,
    }


def event_ref(event, ctx: Context) -> dict | None:
    if event is None or ctx.hides(event):
        return None
    return {
        "url": ctx.link("api:event-detail", "slug", event.slug),
        "slug": event.slug,
        "title": event.title,
        "type": event.event_type,
        "start": iso_datetime(event.start),
        "start_precision": event.start_precision,
    }


def article_ref(article, ctx: Context) -> dict | None:
    if article is None or ctx.hides(article):
        return None
    return {
        "api_url": ctx.link("api:article-detail", "slug", article.slug),
        "slug": article.slug,
        "headline": article.headline,
        "original_headline": text(article.original_headline),
        "kind": article.kind,
        "published_on": iso_date(article.published_on),
        "url": text(article.url),
    }


def claim_ref(claim, ctx: Context) -> dict | None:
    """A claim inside another object (its related claims, a figure's series…); the read
    layer fetched only visible ones."""
    if claim is None:
        return None
    return {
        "url": ctx.link("api:claim-detail", "pk", claim.pk),
        "id": claim.id,
        "kind": claim.kind,
        "speaker": actor_ref(claim.speaker, ctx),
        "text": claim.text,
        "made_at": iso_datetime(claim.made_at),
        "assessment": claim.assessment,
    }


# --- claims -----------------------------------------------------------------------------------
def figure(claim) -> dict | None:
    """A figure claim's number (``null`` for other claims)."""
    if claim.figure_value is None:
        return None
    return {
        "metric": claim.figure_metric,
        "value": claim.figure_value,
        "qualifier": claim.figure_qualifier,
        "as_of": iso_datetime(claim.figure_as_of),
        "as_of_precision": claim.figure_as_of_precision,
        "display": claim.figure_display,
    }


def figure_point(claim, ctx: Context) -> dict | None:
    if claim is None:
        return None
    return {
        "claim": ctx.link("api:claim-detail", "pk", claim.pk),
        "id": claim.id,
        "value": claim.figure_value,
        "qualifier": claim.figure_qualifier,
        "as_of": iso_datetime(claim.figure_as_of),
        "as_of_precision": claim.figure_as_of_precision,
        "display": claim.figure_display,
        "assessment": claim.assessment,
        "speaker": actor_ref(claim.speaker, ctx),
        "made_at": iso_datetime(claim.made_at),
    }


def figures(claims, ctx: Context) -> list[dict]:
    """Each metric's series and best value (models.figure_series) over ``claims``."""
    return [
        {
            "metric": metric,
            "best": figure_point(values["best"], ctx),
            "series": [figure_point(c, ctx) for c in values["series"]],
        }
        for metric, values in figure_series(claims).items()
    ]


def claim_source(source, ctx: Context) -> dict:
    return {
        "article": article_ref(source.article, ctx),
        "passage": text(source.passage),
        "start_offset": source.start_offset,
        "end_offset": source.end_offset,
        "attributes_speaker": source.attributes_speaker,
    }


def correction(row) -> dict:
    return {"kind": row.kind, "note": text(row.note), "created_at": iso_datetime(row.created_at)}


def claim_relations(claim, ctx: Context) -> list[dict]:
    """``related_claims``: every relation, outgoing first (reads.claims.related_claims)."""
    return [
        {"relation": row.relation, "claim": claim_ref(row.claim, ctx)}
        for row in related_claims(claim)
    ]


def _claim_head(claim, ctx: Context) -> dict:
    return {
        "url": ctx.link("api:claim-detail", "pk", claim.pk),
        "html_url": ctx.page(claim),
        "id": claim.id,
    }


def _claim_body(claim, ctx: Context) -> dict:
    return {
        "kind": claim.kind,
        "text": claim.text,
        "mode": claim.mode,
        "language": claim.language,
        "made_at": iso_datetime(claim.made_at),
        "made_precision": claim.made_precision,
        "venue": text(claim.venue),
        "assessment": claim.assessment,
        "assessment_note": text(claim.assessment_note),
        "figure": figure(claim),
        "sources": [claim_source(s, ctx) for s in claim.fetched_sources],
    }


def claim_list(claim, ctx: Context) -> dict:
    return {
        **_claim_head(claim, ctx),
        "event": event_ref(claim.event, ctx),
        "speaker": actor_ref(claim.speaker, ctx),
        **_claim_body(claim, ctx),
        **workflow(claim),
    }


def claim_in_event(claim, ctx: Context) -> dict:
    """A claim inside its event: without the event, with its relations to other claims."""
    data = {
        **_claim_head(claim, ctx),
        "speaker": actor_ref(claim.speaker, ctx),
        **_claim_body(claim, ctx),
        **workflow(claim),
    }
    del data["public_note"]
    data["contradicting_claims"] = [claim_ref(c, ctx) for c in contradicting(claim)]
    data["related_claims"] = claim_relations(claim, ctx)
    return data


def claim_detail(claim, ctx: Context) -> dict:
    return {
        **claim_list(claim, ctx),
        "about_actors": [actor_ref(a, ctx) for a in claim.fetched_about_actors],
        "contradicting_claims": [claim_ref(c, ctx) for c in contradicting(claim)],
        "related_claims": claim_relations(claim, ctx),
        "corrections": [correction(c) for c in claim.fetched_corrections],
        "as_of": iso_date(ctx.as_of),
    }


# --- events -----------------------------------------------------------------------------------
def event_list(event, ctx: Context, location=location_ref) -> dict:
    return {
        "url": ctx.link("api:event-detail", "slug", event.slug),
        "html_url": ctx.page(event),
        "slug": event.slug,
        "title": event.title,
        "summary": text(event.summary),
        "type": event.event_type,
        "start": iso_datetime(event.start),
        "start_precision": event.start_precision,
        "end": iso_datetime(event.end),
        "end_precision": text(event.end_precision),
        "timezone": event.timezone,
        "location": location(event.location, ctx),
        "parent": event_ref(event.parent, ctx),
        "featured": event.featured,
        **workflow(event),
    }


def location_with_ancestors(place, ctx: Context) -> dict | None:
    """An event's place, with the places it lies in (``api_ancestors``, nearest first)."""
    data = location_ref(place, ctx)
    if data is not None:
        data["ancestors"] = [location_ref(p, ctx) for p in getattr(place, "api_ancestors", [])]
    return data


def participant(row, ctx: Context) -> dict:
    return {
        "actor": actor_ref(row.actor, ctx),
        "role": row.role,
        "role_label": row.get_role_display(),
        "source": article_ref(row.source, ctx),
        "passage": text(row.passage),
        "note": text(row.note),
    }


def related_events(event, ctx: Context) -> list[dict]:
    """Links to other events: this one's first (``out``), then theirs to it (``in``)."""
    rows = [
        {"relation": str(r.kind), "direction": "out", "event": event_ref(r.target, ctx)}
        for r in event.fetched_relations_out
    ]
    rows += [
        {"relation": str(r.kind), "direction": "in", "event": event_ref(r.source, ctx)}
        for r in event.fetched_relations_in
    ]
    return rows


def event_detail(event, ctx: Context) -> dict:
    return {
        **event_list(event, ctx, location=location_with_ancestors),
        "participants": [participant(p, ctx) for p in event.fetched_participations],
        "claims": [claim_in_event(c, ctx) for c in event.fetched_claims],
        "figures": figures(event.fetched_claims, ctx),
        "sub_events": [event_ref(e, ctx) for e in event.fetched_children],
        "related_events": related_events(event, ctx),
        "corrections": [correction(c) for c in event.fetched_corrections],
        "as_of": iso_date(ctx.as_of),
    }


# --- actors -----------------------------------------------------------------------------------
def alias(row) -> dict:
    return {"name": row.name, "language": text(row.language), "script": text(row.script)}


def actor_list(actor, ctx: Context) -> dict:
    return {
        "url": ctx.link("api:actor-detail", "slug", actor.slug),
        "html_url": ctx.page(actor),
        "slug": actor.slug,
        "name": actor.name,
        "kind": actor.kind,
        "description": text(actor.description),
        "aliases": [
            {**alias(a), "is_abbreviation": a.is_abbreviation} for a in actor.fetched_aliases
        ],
        "wikidata_qid": actor.wikidata_qid,
        "website": text(actor.website),
        **workflow(actor),
    }


def affiliation(row, ctx: Context) -> dict:
    """An actor's link to an organisation (branch_of, member_of…)."""
    return {
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "organisation": actor_ref(row.organisation, ctx),
        "title": text(row.title),
        "start_date": iso_date(row.start_date),
        "end_date": iso_date(row.end_date),
    }


def affiliated(row, ctx: Context) -> dict:
    """Another actor's link to this organisation."""
    return {
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "title": text(row.title),
        "start_date": iso_date(row.start_date),
        "end_date": iso_date(row.end_date),
        "actor": actor_ref(row.actor, ctx),
    }


def actor_detail(actor, ctx: Context) -> dict:
    return {
        **actor_list(actor, ctx),
        "affiliations": [affiliation(a, ctx) for a in actor.fetched_affiliations],
        "affiliated": [affiliated(a, ctx) for a in actor.fetched_affiliated],
        "events_url": ctx.list_link("api:event-list", actor=actor.slug),
        "claims_url": ctx.list_link("api:claim-list", speaker=actor.slug),
    }


# --- locations --------------------------------------------------------------------------------
def location_list(place, ctx: Context) -> dict:
    return {
        "url": ctx.link("api:location-detail", "slug", place.slug),
        "html_url": ctx.page(place),
        "slug": place.slug,
        "name": place.name,
        "kind": place.kind,
        "parent": location_ref(place.parent, ctx),
        "latitude": place.latitude,
        "longitude": place.longitude,
        "address": text(place.address),
        "timezone": text(place.timezone),
        "wikidata_qid": place.wikidata_qid,
        "description": text(place.description),
        **workflow(place),
    }


def location_detail(place, ctx: Context) -> dict:
    return {
        **location_list(place, ctx),
        "ancestors": [location_ref(p, ctx) for p in place.api_ancestors],
        "children": [location_ref(p, ctx) for p in place.fetched_children],
        "aliases": [alias(a) for a in place.fetched_aliases],
        "events_url": ctx.list_link("api:event-list", location=place.slug),
    }


# --- articles ---------------------------------------------------------------------------------
def article_list(article, ctx: Context) -> dict:
    return {
        "api_url": ctx.link("api:article-detail", "slug", article.slug),
        "html_url": ctx.page(article),
        "slug": article.slug,
        "headline": article.headline,
        "original_headline": text(article.original_headline),
        "kind": article.kind,
        "published_on": iso_date(article.published_on),
        "publisher": actor_ref(article.publisher, ctx),
        "byline": text(article.byline),
        "url": text(article.url),
        "carried_by": text(article.carried_by),
        "language": article.language,
        "is_citation": not article.has_text,  # a bare citation, without the report's text
        **workflow(article),
    }


def article_detail(article, ctx: Context) -> dict:
    return {
        **article_list(article, ctx),
        "text": text(article.clean_text),
        "raw_text": text(article.raw_text),
        "retrieved_at": iso_datetime(article.retrieved_at),
        "provenance_note": text(article.provenance_note),
    }


# --- the sync feeds ---------------------------------------------------------------------------
def deleted(row: dict) -> dict:
    """A /deleted/ row (built by events.api.deleted from the feed's ``values()``)."""
    return {
        "type": row["type"],
        "id": row["id"],
        "slug": text(row["slug"]),
        "reason": row["reason"],
        "at": iso_datetime(row["at"]),
        "public_note": text(row["public_note"]),
        "merged_into": row["merged_into"],
    }


def change(entry: dict) -> dict:
    """A /changes/ entry (events.api.changes.change_entries)."""
    return {
        "position": entry["position"],
        "type": entry["kind"],
        "id": entry["object_id"],
        "slug": text(entry["slug"]),
        "url": entry["url"],
        "action": entry["action"],
        "merged_into": entry["merged_into"],
        "changed_at": iso_datetime(entry["changed_at"]),
    }
