"""Misspelt and transliterated names on databases without pg_trgm (SQLite, the default).

PostgreSQL finds "Zelenski" or "Krasnogrsk" with trigram word similarity over the stored,
accent-folded names (events/search/postgres.py). Elsewhere this module does the same job with
rapidfuzz: the query is folded and transliterated (``anyascii``: Зеленский → Zelenskii) and
compared, word window by word window, with every published actor's and place's name and
alias, folded the same way. The names that come close enough are then searched for exactly,
through the same fields, joins and visibility rules as any other query, so a misspelt place
also finds the events there.
"""

from __future__ import annotations

from anyascii import anyascii
from rapidfuzz import fuzz

from events.models import Actor, ActorAlias, Location, LocationAlias, Status

#: How close a name must come (rapidfuzz ratio of the folded words, 0–100): "zelenski" ~
#: "zelensky" scores 88, "krasnogrsk" ~ "krasnogorsk" 95, unrelated short words stay below.
SCORE_CUTOFF = 80
#: At most this many names are searched for in place of a misspelt query.
MAX_NAMES = 5


def fold_latin(text: str) -> list[str]:
    """Lower-case words in Latin letters, accents and script dropped."""
    return "".join(c if c.isalnum() else " " for c in anyascii(text).casefold()).split()


def name_score(query_words: list[str], name: str) -> float:
    """How well the query matches some run of the name's words (like word_similarity)."""
    words = fold_latin(name)
    size = len(query_words)
    if not words or not size:
        return 0.0
    query = " ".join(query_words)
    windows = [" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))]
    return max(fuzz.ratio(query, window) for window in windows)


def _public_names():
    """Every published actor's and place's name and alias, in one query."""
    published = Status.PUBLISHED
    parts = [
        Actor.objects.filter(status=published),
        ActorAlias.objects.filter(actor__status=published),
        Location.objects.filter(status=published),
        LocationAlias.objects.filter(location__status=published),
    ]
    first, *rest = (qs.order_by().values_list("name", flat=True) for qs in parts)
    return first.union(*rest)


def similar_names(text: str, *, limit: int = MAX_NAMES) -> list[str]:
    """The published names closest to ``text`` (best first), at or above ``SCORE_CUTOFF``."""
    query_words = fold_latin(text)
    if not query_words:
        return []
    scored = []
    for name in _public_names():
        score = name_score(query_words, name)
        if score >= SCORE_CUTOFF:
            scored.append((score, name))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [name for _score, name in scored[:limit]]


__all__ = ["SCORE_CUTOFF", "fold_latin", "name_score", "similar_names"]
