"""One search service for pages, API and admin, so results agree everywhere.

Callers use ``Model.objects.search(q)`` / ``search_queryset(qs, q)`` (a queryset, filtered
and ordered best first) or ``search_site(q, user=…)`` (grouped hits with highlighted
snippets for the /search/ page).

PostgreSQL: each searchable table carries a stored, GIN-indexed ``search_vector`` (its own
text and its related names, weighted) and ``search_names`` (accent-folded names, trigram
indexed); migration 0003_search creates them and the triggers that keep them fresh. A query
is parsed with ``websearch_to_tsquery`` in the ``newsbase`` configuration (English stemming,
accents removed) and, for short queries, also matched against names with pg_trgm
(``word_similarity``) so misspellings and transliterations still find the entity. Only the
newest ``CANDIDATES`` matches of each kind are ranked (``ts_rank`` + name similarity), so a
very common word never ranks every matching row of a large table.

Other databases (SQLite, the embedded default): the same query syntax is parsed here and
matched word by word against the same fields and related names of the live rows, ignoring case
and accents; results come newest first (ranking needs PostgreSQL). docs/search.md has more.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import Expression, FloatField, Func, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 200
#: Only the newest this-many word matches of a kind are ranked (plus a quarter as many
#: misspelt-name matches); see docs/search.md for why and for the measurements.
CANDIDATES = 200
#: Name matching with trigrams is tried for queries up to this long (names are short).
MAX_FUZZY_LENGTH = 60
TEXT_SEARCH_CONFIG = "newsbase"

# --- The query -------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_WORD = re.compile(r"\w+")


def normalise_query(query: str | None) -> str:
    """NFC, whitespace collapsed, control characters (NUL…) removed, cut to MAX_QUERY_LENGTH."""
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", str(query or "")))
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def fold(text: str) -> str:
    """Lower-case and drop accents (Zelenskýy → zelenskyy) for matching and highlighting."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class Term:
    """One word or quoted phrase of a query, as folded words; ``negated`` for ``-word``."""

    words: tuple[str, ...]
    negated: bool = False


def parse_query(text: str) -> list[list[Term]]:
    """Parse like PostgreSQL's ``websearch_to_tsquery``: AND of clauses, each an OR of terms.

    ``"exact phrase"`` keeps words together (an unbalanced quote runs to the end), ``-word``
    excludes, ``OR`` between two terms makes them alternatives; punctuation separates words.
    """
    tokens: list[tuple[str, bool, bool]] = []  # (text, quoted, negated)
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        negated = False
        if char == "-" and i + 1 < n and not text[i + 1].isspace():
            negated, i = True, i + 1
            char = text[i]
        if char == '"':
            end = text.find('"', i + 1)
            end = n if end < 0 else end
            tokens.append((text[i + 1 : end], True, negated))
            i = end + 1
            continue
        end = i
        while end < n and not text[end].isspace() and text[end] != '"':
            end += 1
        tokens.append((text[i:end], False, negated))
        i = end
    clauses: list[list[Term]] = []
    join_next = False
    for raw, quoted, negated in tokens:
        if not quoted and not negated and raw.upper() == "OR":
            join_next = bool(clauses)
            continue
        words = tuple(fold(w) for w in _WORD.findall(raw))
        if not words:
            continue
        term = Term(words=words, negated=negated)
        if join_next and clauses:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        join_next = False
    return clauses


def positive_words(clauses: list[list[Term]]) -> list[str]:
    return [w for clause in clauses for t in clause if not t.negated for w in t.words]


def positive_terms(clauses: list[list[Term]]) -> list[Term]:
    return [t for clause in clauses for t in clause if not t.negated]


# --- Matching on databases without full-text search -----------------------------------------


@functools.cache
def _accent_variants() -> dict[str, str]:
    """For each base letter, the precomposed letters that fold to it (e → èéêë…)."""
    variants: dict[str, set[str]] = {}
    for start, end in ((0x00C0, 0x0250), (0x0400, 0x0500), (0x1E00, 0x1F00)):
        for code in range(start, end):
            char = chr(code).lower()
            base = fold(char)
            if len(base) == 1 and base != char and base.isalpha():
                variants.setdefault(base, set()).add(char)
    return {base: "".join(sorted(chars)) for base, chars in variants.items()}


def _light_stem(word: str) -> str:
    """Enough English stemming for prefix matching (attacks → attack, claimed → claim)."""
    for suffix in ("ing", "es", "ed", "s"):
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _word_pattern(word: str) -> str:
    variants = _accent_variants()
    return "".join(
        f"[{re.escape(c)}{variants[c]}]" if c in variants else re.escape(c)
        for c in _light_stem(word)
    )


def term_regex(term: Term) -> str:
    """A case-insensitive regex (Python ``re``, as SQLite's REGEXP uses) for one term.

    Each word matches at a word start, accents ignored; a phrase's words follow each other
    with only punctuation or spaces between them (ISIS-K ≡ ISIS K); a word matches
    its inflections by prefix after light stemming (attacks ≈ attacked).
    """
    return r"(?<!\w)" + r"\w*[\W_]*".join(_word_pattern(w) for w in term.words)


SEARCH_FIELDS: dict[str, list[str]] = {
    # The same text and related names the PostgreSQL documents hold (migration 0003_search).
    "event": [
        "title",
        "summary",
        "location__name",
        "location__aliases__name",
        "location__parent__name",
        "location__parent__aliases__name",
        "location__parent__parent__name",
        "location__parent__parent__aliases__name",
        "location__parent__parent__parent__name",
        "location__parent__parent__parent__aliases__name",
        "participations__actor__name",
        "participations__actor__aliases__name",
    ],
    "actor": ["name", "description", "aliases__name"],
    "location": ["name", "address", "description", "aliases__name"],
    "claim": ["text", "venue", "speaker__name", "speaker__aliases__name"],
    "article": ["headline", "byline", "clean_text", "publisher__name", "publisher__aliases__name"],
}


def _fields_for(model) -> list[str]:
    return SEARCH_FIELDS[model._meta.model_name]


def _public_owner(path: str) -> str | None:
    """The related row whose status decides whether a name may be searched.

    ``participations__actor__aliases__name`` → ``participations__actor``: a draft actor's
    names must not make a published event findable. Own fields (``title``,
    ``aliases__name``) need no check.
    """
    parts = path.split("__")[:-1]
    if parts and parts[-1] == "aliases":
        parts = parts[:-1]
    return "__".join(parts) or None


def _term_condition(model, term: Term) -> Q:
    pattern = term_regex(term)
    any_field = Q()
    for name in _fields_for(model):
        match = Q(**{f"{name}__iregex": pattern})
        owner = _public_owner(name)
        if owner is not None:
            # Same Q, same join: the matching name belongs to a published row.
            match &= Q(**{f"{owner}__status": "published"})
        any_field |= match
    # One subquery per term: a term may match one related row and the next term another.
    condition = Q(pk__in=model._base_manager.filter(any_field).values("pk"))
    return ~condition if term.negated else condition


def _generic_search(queryset: QuerySet, clauses: list[list[Term]]) -> QuerySet:
    if not positive_words(clauses):
        return queryset.none()
    condition = Q()
    for clause in clauses:
        alternatives = Q()
        for term in clause:
            alternatives |= _term_condition(queryset.model, term)
        condition &= alternatives
    return (
        queryset.filter(condition)
        .annotate(search_rank=Value(0.0, output_field=FloatField()))
        .order_by("-pk")
    )


# --- PostgreSQL ------------------------------------------------------------------------------


class DocColumn(Expression):
    """A column the search migration adds to the queryset's own table (unknown to the model).

    Resolved against the query's base alias at compile time, so it also works inside
    subqueries where Django renames the table (U0…).
    """

    def __init__(self, column: str, output_field):
        super().__init__(output_field=output_field)
        self.column = column

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return (
            f"{compiler.quote_name(alias)}.{connection.ops.quote_name(self.column)}",
            [],
        )

    def get_group_by_cols(self):
        return [self]


def _wants_fuzzy(text: str, clauses: list[list[Term]]) -> bool:
    """Names are matched loosely only for plain, short queries: quotes, ``-`` and ``OR`` ask
    for exactly those words, and long queries are sentences, not names."""
    plain = '"' not in text and all(len(c) == 1 and not c[0].negated for c in clauses)
    return plain and len(text) <= MAX_FUZZY_LENGTH and len("".join(positive_words(clauses))) >= 3


#: Tables too large to compare every row's names with trigrams: their misspelt-name matches
#: go through the names of the actor they point to (a claim's speaker, an article's
#: publisher), looked up in the small, trigram-indexed actor table.
NAMES_VIA_ACTOR = {"claim": "speaker", "article": "publisher"}


#: At most this many actors whose names resemble a misspelt query are followed to their rows.
SIMILAR_ACTORS = 10


def _similar_names_sql(queryset: QuerySet, text: str, cap: int) -> tuple[str, list]:
    """SQL for the newest rows whose names resemble ``text`` (pg_trgm word_similarity).

    Actors and places (small tables) and events compare their own ``search_names``. Claims
    and articles (the big tables) follow the ``SIMILAR_ACTORS`` most similar actors to their
    newest ``cap`` rows each through an index on (speaker_id, id) / (publisher_id, id), so a
    prolific speaker costs no more than a quiet one.
    """
    model = queryset.model
    via = NAMES_VIA_ACTOR.get(model._meta.model_name)
    if via is None:
        names = DocColumn("search_names", TextField())
        folded = Func(Value(text), function="newsbase_fold", output_field=TextField())
        similar = (
            queryset.alias(_names=names)
            .filter(_names__trigram_word_similar=folded)
            .order_by("-pk")
            .values("pk")[:cap]
        )
        sql, params = similar.query.get_compiler(queryset.db).as_sql()
        return sql, list(params)
    quote = connections[queryset.db].ops.quote_name
    table, fk = quote(model._meta.db_table), quote(model._meta.get_field(via).column)
    sql = (
        "SELECT r.id FROM (SELECT id FROM events_actor"
        " WHERE search_names %%> newsbase_fold(%s)"
        " ORDER BY word_similarity(newsbase_fold(%s), search_names) DESC, id"
        f" LIMIT {SIMILAR_ACTORS}) a"
        f" CROSS JOIN LATERAL (SELECT x.id FROM {table} x WHERE x.{fk} = a.id"
        f" ORDER BY x.id DESC LIMIT {int(cap)}) r"
    )
    return sql, [text, text]


def _pg_search(
    queryset: QuerySet, text: str, clauses: list[list[Term]], *, candidates: int, ranked: bool
) -> QuerySet:
    tsquery = SearchQuery(text, config=TEXT_SEARCH_CONFIG, search_type="websearch")
    vector = DocColumn("search_vector", SearchVectorField())
    folded = Func(Value(text), function="newsbase_fold", output_field=TextField())
    # Only the newest `candidates` matches are ranked: PostgreSQL reads the GIN index and
    # sorts the few matches of a rare word, or walks the primary key backwards and stops once
    # it has enough matches of a common one — it never ranks every match (docs/search.md).
    words = queryset.alias(_doc=vector).filter(_doc=tsquery).order_by("-pk").values("pk")
    found = words[:candidates]
    fuzzy = _wants_fuzzy(text, clauses)
    if fuzzy:
        words_sql, words_params = found.query.get_compiler(queryset.db).as_sql()
        names_sql, names_params = _similar_names_sql(queryset, text, max(1, candidates // 4))
        found = RawSQL(f"({words_sql}) UNION ({names_sql})", [*words_params, *names_params])
    if not ranked:
        # ts_rank and word_similarity cost ~25 µs per candidate row: most of the query's
        # time when the caller sorts by date anyway.
        return queryset.filter(pk__in=found)
    rank = SearchRank(vector, tsquery)
    if fuzzy and queryset.model._meta.model_name not in NAMES_VIA_ACTOR:
        # Own names: a closer spelling ranks higher. (Not per claim: word_similarity is
        # costly, and the speaker's exact names are already in the claim's tsvector.)
        names = DocColumn("search_names", TextField())
        rank = rank + 0.5 * TrigramWordSimilarity(folded, names)
    return queryset.filter(pk__in=found).annotate(search_rank=rank).order_by("-search_rank", "-pk")


# --- The service -----------------------------------------------------------------------------


def search_queryset(
    queryset: QuerySet, query: str | None, *, candidates: int = CANDIDATES, ranked: bool = True
) -> QuerySet:
    """Rows of ``queryset`` matching ``query``, best first, annotated with ``search_rank``.

    With ``ranked=False``, the same rows, unordered and without ``search_rank`` (for a
    caller that orders them itself). Never raises for bad input: an empty or unusable
    query gives an empty queryset.
    """
    text = normalise_query(query)
    clauses = parse_query(text)
    if not positive_words(clauses):
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        return _pg_search(queryset, text, clauses, candidates=candidates, ranked=ranked)
    found = _generic_search(queryset, clauses)
    return found if ranked else found.order_by()


# --- Highlighting ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _term_finder(term: Term) -> re.Pattern:
    return re.compile(term_regex(term) + r"\w*", re.IGNORECASE)


def _similar_word(word: str, term: str) -> bool:
    """The misspelling or transliteration that found a name (Zelenskiy ~ Zelensky)."""
    folded = fold(word)
    return (
        len(term) >= 5
        and folded[:1] == term[:1]
        and abs(len(folded) - len(term)) <= 2
        and SequenceMatcher(None, folded, term).ratio() >= 0.8
    )


def match_spans(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    """Where the query's terms occur in ``text`` (word starts, accents and case ignored)."""
    spans = []
    for term in terms:
        if term.negated:
            continue
        spans += [m.span() for m in _term_finder(term).finditer(text)]
        if len(term.words) == 1:
            spans += [
                m.span() for m in _WORD.finditer(text) if _similar_word(m.group(), term.words[0])
            ]
    merged: list[tuple[int, int]] = []
    for a, b in sorted(set(spans)):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def highlight(text: str, terms: list[Term], *, length: int = 240) -> SafeString:
    """Safe HTML: an excerpt of ``text`` around the first match, matches in ``<mark>``.

    Everything else is escaped. Works the same on every database.
    """
    text = " ".join((text or "").split())[:20_000]
    if not text:
        return mark_safe("")
    spans = match_spans(text, terms)
    start = 0
    if spans and spans[0][0] > length // 3:
        start = text.rfind(" ", 0, spans[0][0] - length // 3) + 1
    end = min(len(text), start + length)
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = max(cut if cut > start else end, spans[0][1] if spans else 0)
    out, cursor = [], start
    for a, b in spans:
        if a < cursor or b > end:
            continue
        out.append(escape(text[cursor:a]))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        cursor = b
    out.append(escape(text[cursor:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)


def best_snippet(texts: list[str], terms: list[Term]) -> SafeString:
    """The highlighted excerpt of the first text that contains a match (else of the first)."""
    texts = [t for t in texts if t]
    for text in texts:
        if match_spans(text[:20_000], terms):
            return highlight(text, terms)
    return highlight(texts[0], terms) if texts else mark_safe("")


# --- Site-wide search (the /search/ page) -------------------------------------------------


@dataclass
class SearchHit:
    obj: object
    kind: str  # "event", "actor", "location", "claim", "article"
    title: str
    url: str
    snippet: str = ""  # safe HTML with <mark> around matched words (escaped otherwise)
    rank: float = 0.0


@dataclass
class SiteResults:
    query: str
    message: str = ""  # a clear word for an empty, too long or unusable query
    hits: dict[str, list[SearchHit]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.hits.values())


def query_message(query: str | None) -> str:
    """What to tell the reader about a query before searching ("" when it is fine)."""
    raw = str(query or "").strip()
    text = normalise_query(raw)
    if not text:
        return "Type a word or a name to search for."
    if not positive_words(parse_query(text)):
        if parse_query(text):
            return "Add a word to look for: a search cannot only exclude words."
        return "Type letters or numbers to search for; punctuation alone matches nothing."
    if len(" ".join(raw.split())) > MAX_QUERY_LENGTH:
        return f"Your search was long, so only its first {MAX_QUERY_LENGTH} characters were used."
    return ""


def _site_kinds():
    from events.models import Actor, Article, Claim, Event, Location

    return (
        (
            "event",
            lambda qs: qs.select_related("location"),
            lambda o: o.title,
            lambda o: [o.summary, o.title, o.location.name if o.location else ""],
            Event,
        ),
        (
            "actor",
            lambda qs: qs.prefetch_related("aliases"),
            lambda o: o.name,
            lambda o: [o.description, o.name, ", ".join(a.name for a in o.aliases.all())],
            Actor,
        ),
        (
            "location",
            lambda qs: qs.prefetch_related("aliases"),
            lambda o: o.name,
            lambda o: [
                o.description,
                o.address,
                o.name,
                ", ".join(a.name for a in o.aliases.all()),
            ],
            Location,
        ),
        (
            "claim",
            lambda qs: qs.select_related("speaker"),
            lambda o: f"{o.speaker.name}: {o.text[:120]}",
            lambda o: [o.text, o.speaker.name],
            Claim,
        ),
        (
            "article",
            lambda qs: qs.select_related("publisher"),
            lambda o: o.headline,
            lambda o: [o.clean_text, o.headline, o.publisher.name if o.publisher else ""],
            Article,
        ),
    )


def search_site(query: str | None, *, user=None, limit: int = 20) -> SiteResults:
    """Search every public entity; drafts only for staff. A fixed number of queries."""
    cleaned = normalise_query(query)
    message = query_message(query)
    clauses = parse_query(cleaned)
    terms = positive_terms(clauses)
    results = SiteResults(query=cleaned, message=message)
    if not terms:
        return results
    limit = max(1, min(int(limit), 100))
    for kind, plan, title, texts, model in _site_kinds():
        objs = list(plan(search_queryset(model.objects.visible_to(user), cleaned))[:limit])
        results.hits[kind] = [
            SearchHit(
                obj=o,
                kind=kind,
                title=title(o),
                url=o.get_absolute_url(),
                snippet=best_snippet(texts(o), terms),
                rank=float(getattr(o, "search_rank", 0.0) or 0.0),
            )
            for o in objs
        ]
    if not results.total and not results.message:
        results.message = f"Nothing matched “{cleaned}”. Try fewer words or another spelling."
    return results


__all__ = [
    "CANDIDATES",
    "SearchAdminMixin",
    "SearchFilterBackend",
    "MAX_QUERY_LENGTH",
    "SearchHit",
    "SiteResults",
    "best_snippet",
    "fold",
    "highlight",
    "normalise_query",
    "parse_query",
    "query_message",
    "search_queryset",
    "search_site",
]


# --- Adapters: the API's ``q=`` and the admin's search box use the same service -------------

from rest_framework.filters import BaseFilterBackend  # noqa: E402


class SearchFilterBackend(BaseFilterBackend):
    """DRF filter backend: ``?q=`` on a list endpoint goes through ``search_queryset``.

    A missing or blank ``q`` leaves the list unfiltered; an unusable one (punctuation only)
    gives an empty list, never an error. Results come best first unless the view orders them.
    """

    search_param = "q"

    def filter_queryset(self, request, queryset, view):
        query = request.query_params.get(self.search_param, "")
        if not normalise_query(query):
            return queryset
        return search_queryset(queryset, query)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": "Search names, aliases (any script) and text; websearch syntax: "
                '"exact phrase", -exclude, OR. Misspelt names still match on PostgreSQL.',
                "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
            }
        ]


class SearchAdminMixin:
    """ModelAdmin mixin: the changelist search box uses ``search_queryset``."""

    search_fields = ("pk",)  # only makes Django show the box; the search is ours

    def get_search_results(self, request, queryset, search_term):
        if not normalise_query(search_term):
            return queryset, False
        return search_queryset(queryset, search_term), False
