"""Reads a record file (TOML) into rows, through :class:`RowSync` (what is safe to write)."""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path

from events.models import (
    Actor,
    ActorAlias,
    Affiliation,
    Article,
    Claim,
    ClaimKind,
    ClaimRelation,
    ClaimSource,
    Event,
    EventRelation,
    EventSummaryVersion,
    Location,
    LocationAlias,
    Participation,
    Qualifier,
    Status,
)

from .checks import check_record
from .sync import RecordError, RowSync

# How a row's key in the record (``claim:killed-133-sk``) finds the row: model, lookup.
KEYS = {
    "location": (Location, ("slug",)),
    "locationalias": (LocationAlias, ("location__slug", "name")),
    "actor": (Actor, ("slug",)),
    "actoralias": (ActorAlias, ("actor__slug", "name")),
    "affiliation": (Affiliation, ("actor__slug", "kind", "organisation__slug")),
    "article": (Article, ("slug",)),
    "event": (Event, ("slug",)),
    "summary": (EventSummaryVersion, ("event__slug", "current_from")),
    "eventrelation": (EventRelation, ("source__slug", "kind", "target__slug")),
    "participation": (Participation, ("event__slug", "actor__slug", "role")),
    "claim": (Claim, ("import_key",)),
    "claimsource": (ClaimSource, ("claim__import_key", "article__slug")),
    "claimrelation": (ClaimRelation, ("from_claim__import_key", "kind", "to_claim__import_key")),
}


def resolve_key(key: str):
    """The row a record key names, or None (``retired`` keys of earlier loads)."""
    prefix, _, rest = key.partition(":")
    if prefix not in KEYS:
        raise RecordError(f"Unknown kind of record row: “{key}”.")
    model, names = KEYS[prefix]
    parts = rest.split("/", len(names) - 1)
    if len(parts) != len(names):
        raise RecordError(f"Malformed record key: “{key}”.")
    return model._base_manager.filter(**dict(zip(names, parts, strict=True))).first()


def read_record(path: Path) -> dict:
    """The parsed record, checked (sources and attribution) before anything is written."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    check_record(data, path.name)
    return data


def _day_start(value) -> dt.datetime | None:
    """A TOML date (the day we looked a report up) as the start of that day in UTC."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)


class RecordLoader:
    def __init__(self, path: Path, data: dict, sync: RowSync):
        self.path, self.data, self.sync = path, data, sync
        self.default_tz = data.get("timezone", "UTC")
        self.locations: dict[str, Location] = {}
        self.actors: dict[str, Actor] = {}
        self.articles: dict[str, Article] = {}
        self.events: dict[str, Event] = {}
        self.claims: dict[str, Claim] = {}

    def _get(self, table: dict, slug: str, what: str):
        try:
            return table[slug]
        except KeyError:
            raise RecordError(f"{self.path.name}: unknown {what} “{slug}”.") from None

    def _optional(self, table: dict, row: dict, name: str, what: str):
        return self._get(table, row[name], what) if name in row else None

    def _passage(self, article: Article, passage: str, where: str) -> tuple[int, int] | None:
        """Offsets of a passage in a report whose text we hold (None for a citation, or for
        an article an editor deleted)."""
        if article is None or article.is_citation:
            return None
        if not passage:
            raise RecordError(f"{where}: quote the passage of “{article.slug}” that says it.")
        position = article.clean_text.find(passage)
        if position < 0:
            raise RecordError(
                f"{where}: the passage is not in the text of “{article.slug}”: {passage[:80]!r}"
            )
        return position, position + len(passage)

    def run(self) -> None:
        for step in (
            self.load_locations,
            self.load_actors,
            self.load_articles,
            self.load_affiliations,
            self.load_events,
            self.load_relations,
            self.load_participations,
            self.load_claims,
            self.load_claim_relations,
        ):
            step()

    def load_locations(self):
        for row in self.data.get("locations", []):  # parents are listed before their children
            values = {
                "name": row["name"],
                "kind": row["kind"],
                "parent": self._optional(self.locations, row, "parent", "location"),
                "description": row.get("description", ""),
                "address": row.get("address", ""),
                "latitude": Decimal(row["latitude"]) if "latitude" in row else None,
                "longitude": Decimal(row["longitude"]) if "longitude" in row else None,
                "timezone": row.get("timezone", ""),
                "wikidata_qid": row.get("wikidata_qid"),
                "status": Status.PUBLISHED,
            }
            slug = row["slug"]
            location = self.sync.upsert(Location, f"location:{slug}", {"slug": slug}, values)
            self.locations[slug] = location
            for alias in row.get("aliases", []):
                self.sync.upsert(
                    LocationAlias,
                    f"locationalias:{slug}/{alias['name']}",
                    {"location": location, "name": alias["name"]},
                    {"language": alias.get("language", "")},
                )

    def load_actors(self):
        for row in self.data.get("actors", []):
            values = {
                "name": row["name"],
                "kind": row["kind"],
                "description": row.get("description", ""),
                "wikidata_qid": row.get("wikidata_qid"),
                "status": Status.PUBLISHED,
            }
            slug = row["slug"]
            actor = self.sync.upsert(Actor, f"actor:{slug}", {"slug": slug}, values)
            self.actors[slug] = actor
            for alias in row.get("aliases", []):
                self.sync.upsert(
                    ActorAlias,
                    f"actoralias:{slug}/{alias['name']}",
                    {"actor": actor, "name": alias["name"]},
                    {
                        "language": alias.get("language", ""),
                        "is_abbreviation": alias.get("is_abbreviation", False),
                    },
                )

    def load_articles(self):
        for row in self.data.get("articles", []):
            raw_text = ""
            if "text_file" in row:
                raw_text = (self.path.parent / row["text_file"]).read_text(encoding="utf-8")
            original = row.get("original_headline", "")
            values = {
                "headline": row.get("headline") or original,
                "original_headline": original,
                "kind": row.get("kind", "report"),
                "raw_text": raw_text,
                "published_on": row.get("published_on"),
                "publisher": self._optional(self.actors, row, "publisher", "actor"),
                "byline": row.get("byline", ""),
                "url": row.get("url"),
                "carried_by": row.get("carried_by", ""),
                "language": row.get("language", "en"),
                "retrieved_at": _day_start(row.get("retrieved_on", row.get("retrieved_at"))),
                "provenance_note": row.get("provenance_note", ""),
                "status": Status.PUBLISHED,
            }
            slug = row["slug"]
            self.articles[slug] = self.sync.upsert(
                Article, f"article:{slug}", {"slug": slug}, values
            )

    def load_affiliations(self):
        for row in self.data.get("actors", []):
            actor = self.actors[row["slug"]]
            for link in row.get("affiliations", []):
                organisation = self._get(self.actors, link["organisation"], "actor")
                self.sync.upsert(
                    Affiliation,
                    f"affiliation:{row['slug']}/{link['kind']}/{link['organisation']}",
                    {"actor": actor, "organisation": organisation, "kind": link["kind"]},
                    {
                        "title": link.get("title", ""),
                        "source": self._get(self.articles, link["source"], "article"),
                    },
                )

    def load_events(self):
        for row in self.data.get("events", []):
            versions = row.get("summaries", [])
            if versions and "summary" in row:
                raise RecordError(
                    f"{self.path.name}: event “{row['slug']}” gives both summary and "
                    "summaries; its summary is the latest of its summaries."
                )
            summary = versions[-1]["text"] if versions else row.get("summary", "")
            values = {
                "title": row["title"],
                "summary": summary,
                "event_type": row["type"],
                "start": row["start"],
                "start_precision": row.get("start_precision", "day"),
                "end": row.get("end"),
                "end_precision": row.get("end_precision", ""),
                "timezone": row.get("timezone", self.default_tz),
                "location": self._optional(self.locations, row, "location", "location"),
                "parent": self._optional(self.events, row, "parent", "event"),
                "featured": row.get("featured", False),
                "status": Status.PUBLISHED,
            }
            slug = row["slug"]
            event = self.sync.upsert(Event, f"event:{slug}", {"slug": slug}, values)
            self.events[slug] = event
            days = [version["from"] for version in versions]
            if days != sorted(set(days)):
                raise RecordError(f"{self.path.name}: the summaries of “{slug}” are not in order.")
            for version in versions:
                self.sync.upsert(
                    EventSummaryVersion,
                    f"summary:{slug}/{version['from']}",
                    {"event": event, "current_from": version["from"]},
                    {"text": version["text"]},
                )

    def load_relations(self):
        for row in self.data.get("relations", []):
            self.sync.upsert(
                EventRelation,
                f"eventrelation:{row['source']}/{row['kind']}/{row['target']}",
                {
                    "source": self._get(self.events, row["source"], "event"),
                    "target": self._get(self.events, row["target"], "event"),
                    "kind": row["kind"],
                },
                {"article": self._optional(self.articles, row, "article", "article")},
            )

    def load_participations(self):
        for row in self.data.get("participations", []):
            source = self._get(self.articles, row["source"], "article")
            passage = row.get("passage", "")
            if passage:
                self._passage(source, passage, f"participation {row['actor']} in {row['event']}")
            self.sync.upsert(
                Participation,
                f"participation:{row['event']}/{row['actor']}/{row['role']}",
                {
                    "event": self._get(self.events, row["event"], "event"),
                    "actor": self._get(self.actors, row["actor"], "actor"),
                    "role": row["role"],
                },
                {"source": source, "passage": passage, "note": row.get("note", "")},
            )

    def _claim_values(self, row: dict, *, figure: bool) -> dict:
        values = {
            "event": self._get(self.events, row["event"], "event"),
            "speaker": self._get(self.actors, row["speaker"], "actor"),
            "kind": ClaimKind.FIGURE if figure else row["kind"],
            "text": row["text"],
            "mode": row.get("mode", "paraphrase"),
            "language": row.get("language", "en"),
            "venue": row.get("venue", ""),
            "assessment": row.get("assessment", "unverified"),
            "assessment_note": row.get("assessment_note", ""),
            "status": Status.PUBLISHED,
        }
        if figure:
            values |= {
                "made_at": row.get("made_at", row["as_of"]),
                "made_precision": row.get("made_precision", row.get("as_of_precision", "day")),
                "figure_metric": row["metric"],
                "figure_value": row["value"],
                "figure_qualifier": row.get("qualifier", Qualifier.EXACT),
                "figure_as_of": row["as_of"],
                "figure_as_of_precision": row.get("as_of_precision", "day"),
            }
        else:
            values |= {"made_at": row["made_at"], "made_precision": row.get("made_precision")}
        return values

    def load_claims(self):
        rows = [(r, False) for r in self.data.get("claims", [])]
        rows += [(r, True) for r in self.data.get("figures", [])]
        for row, figure in rows:
            key = row["key"]
            if key in self.claims:
                raise RecordError(f"{self.path.name}: the claim key “{key}” is used twice.")
            if not row.get("sources"):
                raise RecordError(f"{self.path.name}: claim “{key}” has no source.")
            about = [self._get(self.actors, slug, "actor") for slug in row.get("about", [])]
            claim = self.sync.upsert(
                Claim,
                f"claim:{key}",
                {"import_key": key},
                self._claim_values(row, figure=figure),
                m2m={"about_actors": about},
            )
            self.claims[key] = claim
            if claim is None:
                continue
            for source in row["sources"]:
                article = self._get(self.articles, source["article"], "article")
                passage = source.get("passage", "")
                offsets = self._passage(article, passage, f"claim “{key}”")
                start, end = offsets if offsets else (None, None)
                self.sync.upsert(
                    ClaimSource,
                    f"claimsource:{key}/{article.slug}",
                    {"claim": claim, "article": article},
                    {
                        "passage": passage,
                        "start_offset": start,
                        "end_offset": end,
                        "attributes_speaker": source.get("attributes_speaker", False),
                    },
                )

    def load_claim_relations(self):
        for row in [*self.data.get("claims", []), *self.data.get("figures", [])]:
            for kind, other in row.get("relations", []):
                self.sync.upsert(
                    ClaimRelation,
                    f"claimrelation:{row['key']}/{kind}/{other}",
                    {
                        "from_claim": self.claims[row["key"]],
                        "to_claim": self._get(self.claims, other, "claim"),
                        "kind": kind,
                    },
                    {},
                )
