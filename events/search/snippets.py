"""Highlighted excerpts: where a query's terms occur in a text, as safe HTML with <mark>.

The same on every database: the matches are found with the query's own regexes
(events/search/query.py), plus the misspelling or transliteration that found a name.
"""

from __future__ import annotations

import functools
import re
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import WORD, Term, fold, term_regex


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
                m.span() for m in WORD.finditer(text) if _similar_word(m.group(), term.words[0])
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
