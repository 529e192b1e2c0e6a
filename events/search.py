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
    for field in _fields_for(queryset.model):
        condition |= Q(**{f"{field}__icontains": query})
    ids = queryset.filter(condition).values("pk")
    return queryset.filter(pk__in=ids)
