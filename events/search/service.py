"""The search service: the rows of any queryset that match a query, best first.

``search_queryset`` is what pages, the API's ``q=``, the admin and the model managers'
``search()`` call; it picks the PostgreSQL or the portable implementation by the
queryset's database.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet

from . import portable, postgres
from .query import normalise_query, parse_query, positive_words, wants_fuzzy

#: Only the newest this-many word matches of a kind are ranked (plus a quarter as many
#: misspelt-name matches); see docs/search.md for why and for the measurements.
CANDIDATES = 200


def search_queryset(
    queryset: QuerySet,
    query: str | None,
    *,
    candidates: int = CANDIDATES,
    ranked: bool = True,
    names: list[str] | None = None,
) -> QuerySet:
    """Rows of ``queryset`` matching ``query``, best first, annotated with ``search_rank``.

    With ``ranked=False``, the same rows, unordered (for a caller that orders them itself).
    Never raises for bad input: an empty or unusable query gives an empty queryset. On
    databases without pg_trgm, ``names`` are the names similar to a misspelt query
    (``similar_query_names``), looked up here when not given. On PostgreSQL a ranked, plain
    query on actors, places or events looks up the rows whose names resemble it here too
    (one query; docs/search.md says why).
    """
    text = normalise_query(query)
    clauses = parse_query(text)
    if not positive_words(clauses):
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        return postgres.search(queryset, text, clauses, candidates=candidates, ranked=ranked)
    if names is None:
        names = similar_query_names(text, queryset.db)
    found = portable.search(queryset, clauses, names)
    return found if ranked else found.order_by()


def similar_query_names(text: str, using: str = "default") -> list[str]:
    """Published names close to a plain, short query, on databases without pg_trgm."""
    text = normalise_query(text)
    if connections[using].vendor == "postgresql" or not wants_fuzzy(text, parse_query(text)):
        return []
    from .names import similar_names  # imports the models

    return similar_names(text)
