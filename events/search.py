"""One search service for pages, API and admin, so results agree everywhere.

This first version matches names, aliases and text with case-insensitive containment on
every database. (Issue 6 replaces the internals with PostgreSQL full-text and trigram search;
callers keep using ``Model.objects.search(q)`` / ``search_queryset``.)
"""

from django.db.models import Q, QuerySet

MAX_QUERY_LENGTH = 200


def normalise_query(query: str | None) -> str:
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def _fields_for(model) -> list[str]:
    name = model._meta.model_name
    return {
        "event": ["title", "summary", "location__name", "location__aliases__name"],
        "actor": ["name", "description", "aliases__name"],
        "location": ["name", "address", "aliases__name"],
        "claim": ["text", "speaker__name", "speaker__aliases__name"],
        "article": ["headline", "clean_text", "publisher__name"],
    }[name]


def search_queryset(queryset: QuerySet, query: str | None) -> QuerySet:
    query = normalise_query(query)
    if not query:
        return queryset.none()
    condition = Q()
    for name in _fields_for(queryset.model):
        condition |= Q(**{f"{name}__icontains": query})
    ids = queryset.filter(condition).values("pk")
    return queryset.filter(pk__in=ids)


# --- Site-wide search (the /search/ page) -------------------------------------------------
# Interface fixed here so pages, API and admin can call it; issue 6 improves the internals.

from dataclasses import dataclass, field  # noqa: E402


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


def search_site(query: str | None, *, user=None, limit: int = 20) -> SiteResults:
    """Search every public entity; drafts only for staff."""
    from events.models import Actor, Article, Claim, Event, Location

    cleaned = normalise_query(query)
    if not cleaned:
        return SiteResults(query="", message="Type a word or a name to search for.")
    results = SiteResults(query=cleaned)
    for kind, model, title in (
        ("event", Event, lambda o: o.title),
        ("actor", Actor, lambda o: o.name),
        ("location", Location, lambda o: o.name),
        ("claim", Claim, lambda o: o.text[:120]),
        ("article", Article, lambda o: o.headline),
    ):
        objs = search_queryset(model.objects.visible_to(user), cleaned)[:limit]
        results.hits[kind] = [
            SearchHit(obj=o, kind=kind, title=title(o), url=o.get_absolute_url()) for o in objs
        ]
    return results
