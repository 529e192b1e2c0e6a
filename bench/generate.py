"""Synthetic but realistic newsbase data, written as CSV and bulk-loaded with COPY.

The shape follows the real record (the Crocus attack): events at places inside places,
actors with aliases in several scripts, articles that quote claims verbatim at known
offsets, figure series that grow and get revised, contradicting claims, and drafts mixed
into every table. Generation is deterministic for a scale (fixed seed), so two builds of
the same scale hold the same rows.

Everything bypasses ``Model.save()`` (that is the point of COPY), so the fields ``save()``
derives — slug, clean_text, raw_text_sha256, first_published_at, the reading key — are
derived here the same way.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import itertools
import random
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify
from tqdm import tqdm


@dataclass(frozen=True)
class Scale:
    claims: int
    events: int
    actors: int
    locations: int
    articles: int  # a target; the generator gives every event with claims its own reports


# 1m: the proportions (1 000 000 claims, ~100k events, 50k actors, 20k locations,
# ~100k articles); the smaller scales keep the same proportions.
SCALES = {
    "smoke": Scale(claims=200, events=20, actors=40, locations=40, articles=20),
    "10k": Scale(claims=10_000, events=1_000, actors=500, locations=200, articles=1_000),
    "100k": Scale(claims=100_000, events=10_000, actors=5_000, locations=2_000, articles=10_000),
    "1m": Scale(
        claims=1_000_000, events=100_000, actors=50_000, locations=20_000, articles=100_000
    ),
}

SEED = 20240322  # the day of the Crocus attack
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
FIRST_DAY = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
SPAN_DAYS = 11 * 365
MAX_CLAIMS_PER_EVENT = 400
DETAIL_CLAIMS = 75  # claims of the event the detail endpoints fetch

# Search terms planted with known frequencies (the bench searches for each).
TERM_RARE = "zarafshan"  # a handful of events
TERM_MEDIUM = "ceasefire"  # about 1 % of events
TERM_COMMON = "police"  # about 40 % of events

#: events.models.base.PRECISION_RANK (this module runs without Django set up).
PRECISION_RANK = {"minute": 0, "day": 1, "month": 2, "year": 3}
STATUS_WEIGHTS = (("published", 90), ("draft", 5), ("review", 3), ("withdrawn", 2))

SYLLABLES = (  # noqa: SIM905 (a word list reads best as text)
    "ka ra mo vi len dor sa ti ne gor ost ari bel ze mar lu pan ko dra vel ish tan ru mi "
    "sol ek ba ny ha zu or val ke tro po lin des ya kan sek"
).split()
WORDS = (  # noqa: SIM905 (a word list reads best as text)
    "officials said the attack on building was reported by witnesses after gunmen opened "
    "fire near entrance security services investigation continued while authorities "
    "confirmed casualties hospital statement group claimed responsibility ministry denied "
    "involvement evening crowd concert hall suspects detained region court hearing "
    "charges border warning embassy residents rescue emergency fire smoke arrested video "
    "footage spokesperson government president agency report sources prosecutor trial "
    "verdict sentenced days later morning night local national international funeral "
    "mourning"
).split()
# A Zipf-like weight per vocabulary word, so some words are common and some are rare.
WORD_CUM = list(itertools.accumulate(1.0 / (i + 1) ** 0.8 for i in range(len(WORDS))))
CYRILLIC = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyz",
        "абцдефгхийклмнопкрстуввхыз",
        strict=True,
    )
)
TIMEZONES = ("UTC", "Europe/Moscow", "Europe/Kyiv", "Asia/Kabul", "Europe/Paris", "Asia/Dubai")
EVENT_TYPES = (
    ("attack", 20),
    ("statement", 25),
    ("arrest", 10),
    ("investigation", 12),
    ("court_hearing", 8),
    ("trial", 4),
    ("verdict", 3),
    ("warning", 5),
    ("mourning", 3),
    ("claim_of_responsibility", 3),
    ("other", 7),
)
CLAIM_KINDS = (
    ("statement", 33),
    ("figure", 15),
    ("accusation", 10),
    ("denial", 8),
    ("assessment", 8),
    ("announcement", 10),
    ("warning", 5),
    ("responsibility", 3),
    ("attribution", 8),
)
ASSESSMENTS = (
    ("unverified", 50),
    ("corroborated", 20),
    ("confirmed", 22),
    ("disputed", 6),
    ("false", 2),
)
ROLES = (  # noqa: SIM905 (a word list reads best as text)
    "perpetrator suspected_perpetrator claimant organiser victim responder "
    "detaining_authority detainee investigator court warner official commentator"
).split()
ACTOR_KINDS = (
    ("person", 60),
    ("organisation", 12),
    ("media_outlet", 6),
    ("state_body", 9),
    ("armed_group", 3),
    ("government", 4),
    ("court", 2),
    ("group", 3),
    ("other", 1),
)

# Columns written for each table, in COPY order. Any NOT NULL column added by a later
# migration and missing here makes COPY fail loudly rather than load half a record.
TIMESTAMPS = ["created_at", "updated_at"]
PUBLISHABLE = [*TIMESTAMPS, "status", "first_published_at", "public_note"]
COLUMNS = {
    "events_location": [
        "id",
        *PUBLISHABLE,
        "slug",
        "name",
        "kind",
        "description",
        "address",
        "latitude",
        "longitude",
        "timezone",
        "wikidata_qid",
        "parent_id",
    ],
    "events_locationalias": ["id", *TIMESTAMPS, "name", "language", "script", "location_id"],
    "events_actor": [
        "id",
        *PUBLISHABLE,
        "slug",
        "name",
        "kind",
        "description",
        "wikidata_qid",
        "website",
    ],
    "events_actoralias": [
        "id",
        *TIMESTAMPS,
        "name",
        "language",
        "script",
        "is_abbreviation",
        "actor_id",
    ],
    "events_affiliation": [
        "id",
        *TIMESTAMPS,
        "kind",
        "title",
        "start_date",
        "end_date",
        "actor_id",
        "organisation_id",
        "source_id",
    ],
    "events_event": [
        "id",
        *PUBLISHABLE,
        "slug",
        "title",
        "summary",
        "event_type",
        "start",
        "start_precision",
        "end",
        "end_precision",
        "timezone",
        "featured",
        "parent_id",
        "location_id",
        "reading_at",
        "reading_rank",
    ],
    "events_eventrelation": ["id", *TIMESTAMPS, "kind", "article_id", "source_id", "target_id"],
    "events_article": [
        "id",
        *PUBLISHABLE,
        "slug",
        "headline",
        "raw_text",
        "raw_text_sha256",
        "clean_text",
        "published_on",
        "byline",
        "url",
        "language",
        "retrieved_at",
        "provenance_note",
        "publisher_id",
    ],
    "events_participation": [
        "id",
        *TIMESTAMPS,
        "role",
        "passage",
        "note",
        "actor_id",
        "event_id",
        "source_id",
    ],
    "events_claim": [
        "id",
        *PUBLISHABLE,
        "kind",
        "text",
        "mode",
        "language",
        "made_at",
        "made_precision",
        "venue",
        "assessment",
        "assessment_note",
        "figure_metric",
        "figure_value",
        "figure_qualifier",
        "figure_as_of",
        "figure_as_of_precision",
        "import_key",
        "speaker_id",
        "event_id",
    ],
    "events_claim_about_actors": ["id", "claim_id", "actor_id"],
    "events_claimsource": [
        "id",
        *TIMESTAMPS,
        "passage",
        "start_offset",
        "end_offset",
        "article_id",
        "claim_id",
    ],
    "events_claimrelation": ["id", *TIMESTAMPS, "kind", "from_claim_id", "to_claim_id"],
}
# Load order. Foreign keys are dropped during the load, so the order is free; it is chosen
# for row triggers that derive a row's data from rows it depends on (the search documents:
# an event's names come from its places and participants, an actor's from its aliases), so
# each row is computed once, complete, and the "something changed" triggers on aliases and
# participations find no owner rows yet to refresh.
TABLES = [
    "events_locationalias",
    "events_location",
    "events_actoralias",
    "events_actor",
    "events_affiliation",
    "events_article",
    "events_participation",
    "events_event",
    "events_eventrelation",
    "events_claim",
    "events_claim_about_actors",
    "events_claimsource",
    "events_claimrelation",
]
assert sorted(TABLES) == sorted(COLUMNS)
NULL = r"\N"


def _weighted(options):
    values = [v for v, _ in options]
    cum = list(itertools.accumulate(w for _, w in options))
    return values, cum


class Writer:
    """One CSV file per table, in PostgreSQL's CSV dialect with ``\\N`` for NULL."""

    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.files = {t: open(directory / f"{t}.csv", "w", newline="") for t in TABLES}  # noqa: SIM115
        self.writers = {t: csv.writer(f) for t, f in self.files.items()}
        self.counts = dict.fromkeys(TABLES, 0)

    def row(self, table: str, values: list) -> None:
        self.writers[table].writerow([NULL if v is None else v for v in values])
        self.counts[table] += 1

    def close(self) -> None:
        for f in self.files.values():
            f.close()


@dataclass
class Targets:
    """What the bench asks for: chosen from the generated rows, stored in the marker."""

    event_slug: str = ""
    event_id: int = 0
    event_claims: int = 0
    location_slug: str = ""
    location_events: int = 0
    as_of: str = ""
    term_rare: str = TERM_RARE
    term_medium: str = TERM_MEDIUM
    term_common: str = TERM_COMMON
    notes: dict = field(default_factory=dict)


class Generator:
    def __init__(self, scale: Scale, directory: Path, seed: int = SEED):
        self.scale = scale
        self.rng = random.Random(seed)
        self.out = Writer(directory)
        self.slugs: dict[str, set[str]] = {}
        self.ids = dict.fromkeys(TABLES, 0)
        self.statuses, self.status_cum = _weighted(STATUS_WEIGHTS)

    # --- small helpers -------------------------------------------------------------------
    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def status(self) -> str:
        return self.rng.choices(self.statuses, cum_weights=self.status_cum)[0]

    def publishable(self, status: str, when: dt.datetime) -> list:
        created = when.isoformat()
        published = created if status in ("published", "withdrawn") else None
        note = "Withdrawn: the report could not be confirmed." if status == "withdrawn" else ""
        return [created, created, status, published, note]

    def slug(self, table: str, text: str) -> str:
        """Unique like ``events.models.base.unique_slug`` (``name``, ``name-2``…)."""
        used = self.slugs.setdefault(table, set())
        base = slugify(text)[:112].strip("-") or table.rsplit("_", 1)[-1]
        candidate, n = base, 2
        while candidate in used:
            candidate = f"{base}-{n}"
            n += 1
        used.add(candidate)
        return candidate

    def name(self, parts: int = 2) -> str:
        return "".join(self.rng.choices(SYLLABLES, k=parts)).capitalize()

    def words(self, k: int) -> str:
        return " ".join(self.rng.choices(WORDS, cum_weights=WORD_CUM, k=k))

    def day(self) -> dt.datetime:
        return FIRST_DAY + dt.timedelta(
            days=self.rng.randrange(SPAN_DAYS), minutes=self.rng.randrange(24 * 60)
        )

    # --- tables --------------------------------------------------------------------------
    def locations(self):
        n = self.scale.locations
        countries = max(2, n // 400)
        regions = max(4, n // 20)
        cities = max(8, n // 4)
        self.loc_ids_by_level: list[list[int]] = [[], [], [], []]
        self.loc_names: dict[int, str] = {}
        self.loc_parent: dict[int, int | None] = {}
        self.loc_published: dict[int, bool] = {}
        self.loc_slugs: dict[int, str] = {}
        for i in range(n):
            level, kind = (
                (0, "country")
                if i < countries
                else (1, "region")
                if i < countries + regions
                else (2, "city")
                if i < countries + regions + cities
                else (3, self.rng.choice(("venue", "district", "settlement")))
            )
            lid = self.next_id("events_location")
            parent = self.rng.choice(self.loc_ids_by_level[level - 1]) if level else None
            name = self.name(2 if level == 0 else 3)
            if level == 3 and kind == "venue":
                name = f"{name} {self.rng.choice(('Hall', 'Market', 'Station', 'Square'))}"
            # Countries and regions are always published: places that hold a story are.
            status = "published" if level < 2 else self.status()
            lat = f"{self.rng.uniform(-60, 70):.5f}"
            lon = f"{self.rng.uniform(-179, 179):.5f}"
            self.out.row(
                "events_location",
                [
                    lid,
                    *self.publishable(status, NOW),
                    self.loc_slugs.setdefault(lid, self.slug("location", name)),
                    name,
                    kind,
                    f"A {kind} of the bench data set.",
                    "",
                    lat,
                    lon,
                    self.rng.choice(TIMEZONES),
                    f"Q{2_000_000 + lid}" if level < 2 else None,
                    parent,
                ],
            )
            self.loc_ids_by_level[level].append(lid)
            self.loc_names[lid] = name
            self.loc_parent[lid] = parent
            self.loc_published[lid] = status == "published"
            cyr = "".join(CYRILLIC.get(c, c) for c in name.lower()).capitalize()
            self.out.row(
                "events_locationalias",
                [self.next_id("events_locationalias"), NOW, NOW, cyr, "ru", "Cyrl", lid],
            )

    def actors(self):
        kinds, cum = _weighted(ACTOR_KINDS)
        self.actor_ids: list[int] = []
        self.actor_names: dict[int, str] = {}
        self.outlets: list[int] = []
        self.orgs: list[int] = []
        for _ in range(self.scale.actors):
            aid = self.next_id("events_actor")
            kind = self.rng.choices(kinds, cum_weights=cum)[0]
            if kind == "person":
                name = f"{self.name(2)} {self.name(3)}"
            elif kind == "media_outlet":
                name = f"{self.name(2)} {self.rng.choice(('News', 'Times', 'Herald', 'TV'))}"
            else:
                name = f"{self.name(3)} {self.rng.choice(('Ministry', 'Council', 'Front'))}"
            status = self.status()
            self.out.row(
                "events_actor",
                [
                    aid,
                    *self.publishable(status, NOW),
                    self.slug("actor", name),
                    name,
                    kind,
                    f"A {kind.replace('_', ' ')} of the bench data set.",
                    f"Q{1_000_000 + aid}" if self.rng.random() < 0.3 else None,
                    "",
                ],
            )
            self.actor_ids.append(aid)
            self.actor_names[aid] = name
            if kind == "media_outlet":
                self.outlets.append(aid)
            elif kind != "person":
                self.orgs.append(aid)
            cyr = "".join(CYRILLIC.get(c, c) for c in name.lower()).title()
            aliases = [(cyr, "ru", "Cyrl", "f")]
            if kind != "person":
                abbrev = "".join(w[0] for w in name.split()).upper() + str(aid)
                aliases.append((abbrev, "en", "Latn", "t"))
            elif self.rng.random() < 0.5:
                aliases.append((name.replace("a", "ah", 1), "en", "Latn", "f"))
            for alias, lang, script, abbrev in aliases:
                self.out.row(
                    "events_actoralias",
                    [
                        self.next_id("events_actoralias"),
                        NOW,
                        NOW,
                        alias,
                        lang,
                        script,
                        abbrev,
                        aid,
                    ],
                )
        if not self.outlets:
            self.outlets = self.actor_ids[:1]
        if not self.orgs:
            self.orgs = self.actor_ids[:2]
        # Affiliations: about 0.3 per actor, people to organisations.
        seen = set()
        for _ in range(int(self.scale.actors * 0.3)):
            actor, org = self.rng.choice(self.actor_ids), self.rng.choice(self.orgs)
            kind = self.rng.choice(("member_of", "official_of", "spokesperson_for", "leader_of"))
            if actor == org or (actor, org, kind) in seen:
                continue
            seen.add((actor, org, kind))
            start = self.day().date()
            self.out.row(
                "events_affiliation",
                [
                    self.next_id("events_affiliation"),
                    NOW,
                    NOW,
                    kind,
                    self.rng.choice(("", "Director", "Spokesperson", "Member")),
                    start,
                    None,
                    actor,
                    org,
                    None,
                ],
            )

    def claim_counts(self) -> list[int]:
        """Claims per event: heavy-tailed (a few big stories, many small ones)."""
        n, total = self.scale.events, self.scale.claims
        weights = [self.rng.paretovariate(1.6) for _ in range(n)]
        s = sum(weights)
        counts = [min(MAX_CLAIMS_PER_EVENT, int(w / s * total)) for w in weights]
        short = total - sum(counts)
        while short > 0:
            i = self.rng.randrange(n)
            if counts[i] < MAX_CLAIMS_PER_EVENT:
                counts[i] += 1
                short -= 1
        return counts

    def events_and_claims(self):
        rng = self.rng
        types, type_cum = _weighted(EVENT_TYPES)
        kinds, kind_cum = _weighted(CLAIM_KINDS)
        assessments, assess_cum = _weighted(ASSESSMENTS)
        counts = self.claim_counts()
        n_events = self.scale.events
        places = self.loc_ids_by_level[3] or self.loc_ids_by_level[2]
        rare_events = set(rng.sample(range(n_events), max(2, n_events // 5000)))
        # Small stories get one report each, so big ones get one per ~13 claims: ~articles total.
        per_article = max(4, round(1.3 * self.scale.claims / max(1, self.scale.articles)))
        self.event_rows: list[tuple[int, str, int, int, bool, int]] = []
        for e in tqdm(range(n_events), desc="events, claims, articles", unit="event"):
            eid = self.next_id("events_event")
            etype = rng.choices(types, cum_weights=type_cum)[0]
            loc = rng.choice(places)
            place = self.loc_names[loc]
            extra = [self.words(14)]
            if rng.random() < 0.4:
                extra.append(f"{TERM_COMMON} said")
            if rng.random() < 0.01:
                extra.append(f"after the {TERM_MEDIUM}")
            if e in rare_events:
                extra.append(f"near {TERM_RARE.capitalize()}")
            title = f"{etype.replace('_', ' ').capitalize()} at {place}"
            summary = (" ".join(extra)).capitalize() + "."
            start = self.day()
            status = "published" if counts[e] >= 40 else self.status()
            has_end = rng.random() < 0.3
            parent = (
                self.event_rows[rng.randrange(len(self.event_rows))][0]
                if self.event_rows and rng.random() < 0.1
                else None
            )
            slug = self.slug("event", f"{title} {start:%Y-%m-%d}")
            precision = rng.choice(("day", "minute", "minute", "month"))
            self.out.row(
                "events_event",
                [
                    eid,
                    *self.publishable(status, start),
                    slug,
                    title,
                    summary,
                    etype,
                    start.isoformat(),
                    precision,
                    (start + dt.timedelta(hours=rng.randrange(1, 48))).isoformat()
                    if has_end
                    else None,
                    "minute" if has_end else "",
                    rng.choice(TIMEZONES),
                    "t" if rng.random() < 0.001 else "f",
                    parent,
                    loc,
                    # The reading key at its start, as a row with no causes is placed (a
                    # cause's placing moves some rows a few hours: no cost to the bench).
                    start.isoformat(),
                    PRECISION_RANK[precision],
                ],
            )
            self.event_rows.append((eid, slug, counts[e], loc, status == "published", e))
            if self.event_rows[:-1] and rng.random() < 0.2:
                target = self.event_rows[rng.randrange(len(self.event_rows) - 1)][0]
                self.out.row(
                    "events_eventrelation",
                    [
                        self.next_id("events_eventrelation"),
                        NOW,
                        NOW,
                        rng.choice(("led_to", "response_to", "follows", "related")),
                        None,
                        eid,
                        target,
                    ],
                )
            self._claims_for_event(
                eid, start, counts[e], per_article, kinds, kind_cum, assessments, assess_cum
            )

    def _claims_for_event(
        self, eid, start, n_claims, per_article, kinds, kind_cum, assessments, assess_cum
    ):
        rng = self.rng
        n_articles = max(1, round(n_claims / per_article)) if n_claims else 0
        cast = rng.sample(self.actor_ids, min(len(self.actor_ids), 2 + n_claims // 6))
        # Claims first (in memory for this event), then the articles that quote them.
        claims = []
        figures: dict[str, list[int]] = {}
        for _ in range(n_claims):
            cid = self.next_id("events_claim")
            kind = rng.choices(kinds, cum_weights=kind_cum)[0]
            made = start + dt.timedelta(minutes=rng.randrange(60, 60 * 24 * 40))
            speaker = rng.choice(cast)
            metric = value = qualifier = as_of = None
            if kind == "figure":
                metric = rng.choice(("killed", "killed", "injured", "detained"))
                series = figures.setdefault(metric, [])
                value = (series[-1] if series else rng.randrange(1, 40)) + rng.randrange(0, 12)
                series.append(value)
                qualifier = rng.choice(("exact", "at_least", "about"))
                as_of = made - dt.timedelta(minutes=rng.randrange(0, 600))
                text = f"{value} people {metric}, {self.words(6)}"
            else:
                text = f"{self.words(rng.randrange(8, 22))}".capitalize()
            assessment = rng.choices(assessments, cum_weights=assess_cum)[0]
            claims.append(
                [
                    cid,
                    *self.publishable(self.status(), made),
                    kind,
                    text,
                    rng.choice(("quote", "paraphrase")),
                    "en",
                    made.isoformat(),
                    rng.choice(("day", "minute")),
                    rng.choice(("", "a press briefing", "Telegram", "a televised address")),
                    assessment,
                    "" if assessment == "unverified" else "Checked against two reports.",
                    metric or "",
                    value,
                    qualifier or "",
                    as_of.isoformat() if as_of else None,
                    "minute" if as_of else "",
                    None,
                    speaker,
                    eid,
                ]
            )
        # Articles reporting this event; each claim is quoted by one or two of them.
        articles = [self.next_id("events_article") for _ in range(n_articles)]
        quoted: dict[int, list] = {a: [] for a in articles}
        for claim in claims:
            first = rng.choice(articles)
            quoted[first].append(claim)
            if len(articles) > 1 and rng.random() < 0.3:
                second = rng.choice(articles)
                if second != first:
                    quoted[second].append(claim)
        for aid in articles:
            self._article(aid, eid, start, quoted[aid])
        for claim in claims:
            self.out.row("events_claim", claim)
        # Figures in a series: each later count "updates" the one before it.
        previous: dict[str, int] = {}
        for claim in claims:
            cid, kind, metric = claim[0], claim[6], claim[15]
            if kind == "figure":
                if metric in previous:
                    self._relation(cid, previous[metric], "updates")
                previous[metric] = cid
            elif kind == "denial" and len(claims) > 1 and rng.random() < 0.7:
                other = rng.choice(claims)[0]
                if other != cid:
                    self._relation(cid, other, "contradicts")
            elif rng.random() < 0.03:
                other = rng.choice(claims)[0]
                if other != cid:
                    self._relation(cid, other, "supports")
            if rng.random() < 0.2:
                self.out.row(
                    "events_claim_about_actors",
                    [self.next_id("events_claim_about_actors"), cid, rng.choice(cast)],
                )
        # Participants with a role, each stated by the event's first report.
        if articles:
            roles_seen = set()
            for actor in cast:
                role = rng.choice(ROLES)
                if (actor, role) in roles_seen:
                    continue
                roles_seen.add((actor, role))
                self.out.row(
                    "events_participation",
                    [
                        self.next_id("events_participation"),
                        NOW,
                        NOW,
                        role,
                        "",
                        "",
                        actor,
                        eid,
                        articles[0],
                    ],
                )

    def _relation(self, from_claim: int, to_claim: int, kind: str):
        self.out.row(
            "events_claimrelation",
            [self.next_id("events_claimrelation"), NOW, NOW, kind, from_claim, to_claim],
        )

    def _article(self, aid: int, eid: int, start: dt.datetime, claims: list):
        rng = self.rng
        headline = f"{self.words(7).capitalize()} ({aid})"
        published = (start + dt.timedelta(days=rng.randrange(0, 30))).date()
        # One in five sources is a bare citation: a report we do not hold the text of.
        citation = rng.random() < 0.2 and len(claims) < 8
        paragraphs = [] if citation else [self.words(40).capitalize() + "."]
        offsets = {}
        if not citation:
            pos = len(paragraphs[0])
            for claim in claims:
                passage = f'"{claim[7]}," {self.actor_names[claim[-2]]} said.'
                pos += 2  # the blank line between paragraphs
                offsets[claim[0]] = (passage, pos, pos + len(passage))
                paragraphs.append(passage)
                pos += len(passage)
            paragraphs.append(self.words(30).capitalize() + ".")
        text = "\n\n".join(paragraphs)
        self.out.row(
            "events_article",
            [
                aid,
                *self.publishable(self.status(), start),
                self.slug("article", headline),
                headline,
                text,
                hashlib.sha256(text.encode()).hexdigest() if text else None,
                text,  # clean_text: the generated text has no debris to clean
                published.isoformat(),
                self.name(2) + " " + self.name(2),
                f"https://bench.example/{aid}",
                "en",
                NOW.isoformat(),
                "" if not citation else "Cited by another outlet; text not held.",
                rng.choice(self.outlets),
            ],
        )
        for claim in claims:
            passage, begin, end = offsets.get(claim[0], ("", None, None))
            self.out.row(
                "events_claimsource",
                [self.next_id("events_claimsource"), NOW, NOW, passage, begin, end, aid, claim[0]],
            )

    # --- choose what the bench asks for ----------------------------------------------------
    def targets(self) -> Targets:
        t = Targets()
        published = [r for r in self.event_rows if r[4] and self.loc_published.get(r[3])]
        # Event detail: a big story like Crocus, of the same size at every scale (the event
        # whose claim count is nearest DETAIL_CLAIMS), so 10k and 1m serve the same amount.
        big = min(published, key=lambda r: (abs(r[2] - DETAIL_CLAIMS), r[0]))
        t.event_id, t.event_slug, t.event_claims = big[0], big[1], big[2]
        # Location filter: the region holding the most events (like Moscow Oblast).
        region_of = {}
        for lid in self.loc_ids_by_level[3] + self.loc_ids_by_level[2]:
            node = lid
            while node is not None and node not in self.loc_ids_by_level_1_set:
                node = self.loc_parent[node]
            region_of[lid] = node
        tally: dict[int, int] = {}
        for r in self.event_rows:
            region = region_of.get(r[3])
            if region is not None:
                tally[region] = tally.get(region, 0) + 1
        region, n = max(tally.items(), key=lambda kv: kv[1])
        t.location_slug = self.loc_slugs[region]
        t.location_events = n
        # as_of: the middle of the covered period.
        t.as_of = (FIRST_DAY + dt.timedelta(days=SPAN_DAYS // 2)).date().isoformat()
        return t

    def run(self) -> tuple[dict[str, int], Targets]:
        self.locations()
        self.loc_ids_by_level_1_set = set(self.loc_ids_by_level[1])
        self.actors()
        self.events_and_claims()
        self.out.close()
        targets = self.targets()
        return self.out.counts, targets


__all__ = ["COLUMNS", "SCALES", "TABLES", "Generator", "Scale", "Targets"]
