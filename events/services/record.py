"""Load a record file (TOML) into the database: idempotent, validated, all or nothing.

A record names everything by slug (or a claim's import key), so loading it again finds the
same rows; a row is saved only when a value differs, so a second load changes nothing, not
even ``updated_at``. Every row goes through ``full_clean()`` first: a record that breaks a
rule fails loudly and, being one transaction, leaves the database as it was.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import models, transaction

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
    Location,
    LocationAlias,
    Participation,
    Qualifier,
    Status,
)

CROCUS_RECORD = Path(__file__).resolve().parent.parent / "data" / "crocus" / "record.toml"


class RecordError(Exception):
    """The record file is inconsistent (an unknown slug, a passage not in its article…)."""


@dataclass
class LoadStats:
    counts: Counter = field(default_factory=Counter)

    def add(self, model, outcome: str) -> None:
        self.counts[(model._meta.verbose_name_plural, outcome)] += 1

    @property
    def changed(self) -> int:
        return sum(n for (_, outcome), n in self.counts.items() if outcome != "unchanged")

    def summary(self) -> str:
        names = sorted({name for name, _ in self.counts})
        parts = []
        for name in names:
            c, u, s = (self.counts[(name, o)] for o in ("created", "updated", "unchanged"))
            parts.append(f"{name}: {c} created, {u} updated, {s} unchanged")
        return "\n".join(parts)


def _normalise(values: dict) -> dict:
    """Model instances become ``<field>_id`` values, so comparing costs no query."""
    out = {}
    for key, value in values.items():
        if isinstance(value, models.Model):
            out[f"{key}_id"] = value.pk
        else:
            out[key] = value
    return out


def _equal(current, wanted) -> bool:
    if isinstance(wanted, Decimal) and current is not None:
        return Decimal(current) == wanted
    return current == wanted


def _upsert(stats: LoadStats, model, lookup: dict, values: dict):
    lookup, values = _normalise(lookup), _normalise(values)
    obj = model._base_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        outcome = "created"
    else:
        changed = {k: v for k, v in values.items() if not _equal(getattr(obj, k), v)}
        if not changed:
            stats.add(model, "unchanged")
            return obj
        for key, value in changed.items():
            setattr(obj, key, value)
        outcome = "updated"
    obj.full_clean()
    obj.save()
    stats.add(model, outcome)
    return obj


class _Loader:
    def __init__(self, path: Path):
        self.path = path
        self.data = tomllib.loads(path.read_text(encoding="utf-8"))
        self.default_tz = self.data.get("timezone", "UTC")
        self.stats = LoadStats()
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

    def _passage(self, article: Article, passage: str, where: str) -> tuple[int, int] | None:
        if not passage:
            return None
        position = article.clean_text.find(passage)
        if position < 0:
            raise RecordError(
                f"{where}: the passage is not in the text of “{article.slug}”: {passage[:80]!r}"
            )
        return position, position + len(passage)

    def run(self) -> LoadStats:
        self.load_locations()
        self.load_actors()
        self.load_articles()
        self.load_affiliations()
        self.load_events()
        self.load_relations()
        self.load_participations()
        self.load_claims()
        self.load_claim_relations()
        return self.stats

    def load_locations(self):
        rows = self.data.get("locations", [])
        for row in rows:  # parents are listed before their children
            parent = (
                self._get(self.locations, row["parent"], "location") if "parent" in row else None
            )
            values = {
                "name": row["name"],
                "kind": row["kind"],
                "parent": parent,
                "description": row.get("description", ""),
                "address": row.get("address", ""),
                "latitude": Decimal(row["latitude"]) if "latitude" in row else None,
                "longitude": Decimal(row["longitude"]) if "longitude" in row else None,
                "timezone": row.get("timezone", ""),
                "wikidata_qid": row.get("wikidata_qid"),
                "status": Status.PUBLISHED,
            }
            location = _upsert(self.stats, Location, {"slug": row["slug"]}, values)
            self.locations[row["slug"]] = location
            for alias in row.get("aliases", []):
                _upsert(
                    self.stats,
                    LocationAlias,
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
            actor = _upsert(self.stats, Actor, {"slug": row["slug"]}, values)
            self.actors[row["slug"]] = actor
            for alias in row.get("aliases", []):
                _upsert(
                    self.stats,
                    ActorAlias,
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
            retrieved = row.get("retrieved_at")
            values = {
                "headline": row["headline"],
                "raw_text": raw_text,
                "published_on": row.get("published_on"),
                "publisher": (
                    self._get(self.actors, row["publisher"], "actor")
                    if "publisher" in row
                    else None
                ),
                "url": row.get("url"),
                "language": row.get("language", "en"),
                "retrieved_at": retrieved,
                "provenance_note": row.get(
                    "provenance_note",
                    "Cited from the newsroom's research notes; the text is not held and the "
                    "headline is descriptive.",
                ),
                "status": Status.PUBLISHED,
            }
            self.articles[row["slug"]] = _upsert(
                self.stats, Article, {"slug": row["slug"]}, values
            )

    def load_affiliations(self):
        for row in self.data.get("actors", []):
            actor = self.actors[row["slug"]]
            for link in row.get("affiliations", []):
                _upsert(
                    self.stats,
                    Affiliation,
                    {
                        "actor": actor,
                        "organisation": self._get(self.actors, link["organisation"], "actor"),
                        "kind": link["kind"],
                    },
                    {
                        "title": link.get("title", ""),
                        "source": self._get(self.articles, link["source"], "article"),
                    },
                )

    def load_events(self):
        for row in self.data.get("events", []):
            values = {
                "title": row["title"],
                "summary": row.get("summary", ""),
                "event_type": row["type"],
                "start": row["start"],
                "start_precision": row.get("start_precision", "day"),
                "end": row.get("end"),
                "end_precision": row.get("end_precision", ""),
                "timezone": row.get("timezone", self.default_tz),
                "location": (
                    self._get(self.locations, row["location"], "location")
                    if "location" in row
                    else None
                ),
                "parent": (
                    self._get(self.events, row["parent"], "event") if "parent" in row else None
                ),
                "featured": row.get("featured", False),
                "status": Status.PUBLISHED,
            }
            self.events[row["slug"]] = _upsert(self.stats, Event, {"slug": row["slug"]}, values)

    def load_relations(self):
        for row in self.data.get("relations", []):
            _upsert(
                self.stats,
                EventRelation,
                {
                    "source": self._get(self.events, row["source"], "event"),
                    "target": self._get(self.events, row["target"], "event"),
                    "kind": row["kind"],
                },
                {
                    "article": (
                        self._get(self.articles, row["article"], "article")
                        if "article" in row
                        else None
                    )
                },
            )

    def load_participations(self):
        for row in self.data.get("participations", []):
            source = self._get(self.articles, row["source"], "article")
            passage = row.get("passage", "")
            self._passage(source, passage, f"participation {row['actor']} in {row['event']}")
            _upsert(
                self.stats,
                Participation,
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
            claim = _upsert(
                self.stats, Claim, {"import_key": key}, self._claim_values(row, figure=figure)
            )
            self.claims[key] = claim
            about = {self._get(self.actors, slug, "actor").pk for slug in row.get("about", [])}
            if set(claim.about_actors.values_list("pk", flat=True)) != about:
                claim.about_actors.set(about)
                self.stats.add(Claim.about_actors.through, "updated")
            kept = []
            for source in row["sources"]:
                article = self._get(self.articles, source["article"], "article")
                passage = source.get("passage", "")
                if not article.is_citation and not passage:
                    raise RecordError(
                        f"claim “{key}”: quote the passage of “{article.slug}” that reports it."
                    )
                offsets = self._passage(article, passage, f"claim “{key}”")
                start, end = offsets if offsets else (None, None)
                kept.append(
                    _upsert(
                        self.stats,
                        ClaimSource,
                        {"claim": claim, "article": article},
                        {"passage": passage, "start_offset": start, "end_offset": end},
                    ).pk
                )
            stale = ClaimSource.objects.filter(claim=claim).exclude(pk__in=kept)
            if stale.exists():
                stale.delete()
                self.stats.add(ClaimSource, "updated")

    def load_claim_relations(self):
        for row in self.data.get("claims", []):
            for kind, other in row.get("relations", []):
                _upsert(
                    self.stats,
                    ClaimRelation,
                    {
                        "from_claim": self.claims[row["key"]],
                        "to_claim": self._get(self.claims, other, "claim"),
                        "kind": kind,
                    },
                    {},
                )


@transaction.atomic
def record_load(*, path: Path = CROCUS_RECORD) -> LoadStats:
    """Load (or re-load) a record file; returns what was created, updated or unchanged."""
    return _Loader(path).run()
