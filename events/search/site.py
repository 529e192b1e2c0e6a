"""Site-wide search for the /search/ page: every public kind, grouped, with snippets."""

from __future__ import annotations

from dataclasses import dataclass, field

from events.models.base import is_staff

from .query import MAX_QUERY_LENGTH, normalise_query, parse_query, positive_terms, positive_words
from .service import search_queryset, similar_query_names
from .snippets import best_snippet


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
    """(kind, fetch plan, title, texts for the snippet, model) per kind of result.

    ``texts`` gets ``shown(obj)``, which says whether a related row (an event's place, an
    article's publisher) may be printed to this reader: a draft's name never reaches a
    snippet. The rows themselves come from each model's ``visible_to`` (a claim needs its
    event and speaker published too).
    """
    from events.models import Actor, Article, Claim, Event, Location

    return (
        (
            "event",
            lambda qs: qs.select_related("location"),
            lambda o: o.title,
            lambda o, shown: [o.summary, o.title, o.location.name if shown(o.location) else ""],
            Event,
        ),
        (
            "actor",
            lambda qs: qs.prefetch_related("aliases"),
            lambda o: o.name,
            lambda o, shown: [o.description, o.name, ", ".join(a.name for a in o.aliases.all())],
            Actor,
        ),
        (
            "location",
            lambda qs: qs.prefetch_related("aliases"),
            lambda o: o.name,
            lambda o, shown: [
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
            lambda o, shown: [o.text, o.speaker.name],
            Claim,
        ),
        (
            "article",
            lambda qs: qs.select_related("publisher"),
            lambda o: o.headline,
            lambda o, shown: [
                o.clean_text,
                o.headline,
                o.publisher.name if shown(o.publisher) else "",
            ],
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
    names = similar_query_names(cleaned)  # once for every kind (none on PostgreSQL)
    staff = is_staff(user)

    def shown(obj) -> bool:
        return obj is not None and (staff or obj.is_public)

    for kind, plan, title, texts, model in _site_kinds():
        found = search_queryset(model.objects.visible_to(user), cleaned, names=names)
        objs = list(plan(found)[:limit])
        results.hits[kind] = [
            SearchHit(
                obj=o,
                kind=kind,
                title=title(o),
                url=o.get_absolute_url(),
                snippet=best_snippet(texts(o, shown), terms),
                rank=float(getattr(o, "search_rank", 0.0) or 0.0),
            )
            for o in objs
        ]
    if not results.total and not results.message:
        results.message = f"Nothing matched “{cleaned}”. Try fewer words or another spelling."
    return results
