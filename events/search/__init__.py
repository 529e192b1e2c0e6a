"""One search service for pages, API and admin, so results agree everywhere.

Callers use ``Model.objects.search(q)`` / ``search_queryset(qs, q)`` (a queryset, filtered
and ordered best first) or ``search_site(q, user=…)`` (grouped hits with highlighted
snippets for the /search/ page). docs/search.md has more.

Modules, one concern each:

- ``query``: cleaning and parsing a query (``websearch_to_tsquery``'s syntax), and its
  terms as accent- and case-blind regexes;
- ``service``: ``search_queryset``, which picks the implementation by database;
- ``postgres``: the stored, GIN-indexed documents and pg_trgm name similarity;
- ``portable``: word-by-word matching and SQL ranking on other databases (SQLite);
- ``names``: misspelt and transliterated names without pg_trgm (rapidfuzz);
- ``snippets``: highlighted excerpts (safe HTML with ``<mark>``);
- ``site``: the /search/ page's grouped results.
"""

from .query import (
    MAX_QUERY_LENGTH,
    fold,
    normalise_query,
    parse_query,
    positive_terms,
    positive_words,
)
from .service import CANDIDATES, search_queryset, similar_query_names
from .site import SearchHit, SiteResults, query_message, search_site
from .snippets import best_snippet, highlight

__all__ = [
    "CANDIDATES",
    "MAX_QUERY_LENGTH",
    "SearchHit",
    "SiteResults",
    "best_snippet",
    "fold",
    "highlight",
    "normalise_query",
    "parse_query",
    "positive_terms",
    "positive_words",
    "query_message",
    "search_queryset",
    "search_site",
    "similar_query_names",
]
