"""A search query: cleaned, parsed like ``websearch_to_tsquery``, and its terms as regexes.

The same parse serves every database: PostgreSQL gets the cleaned text, the portable matcher
(events/search/portable.py) and the highlighter (events/search/snippets.py) the terms.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_LENGTH = 200
#: Name matching with trigrams is tried for queries up to this long (names are short).
MAX_FUZZY_LENGTH = 60

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
WORD = re.compile(r"\w+")


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
        words = tuple(fold(w) for w in WORD.findall(raw))
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


def wants_fuzzy(text: str, clauses: list[list[Term]]) -> bool:
    """Names are matched loosely only for plain, short queries: quotes, ``-`` and ``OR`` ask
    for exactly those words, and long queries are sentences, not names."""
    plain = '"' not in text and all(len(c) == 1 and not c[0].negated for c in clauses)
    return plain and len(text) <= MAX_FUZZY_LENGTH and len("".join(positive_words(clauses))) >= 3


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
    return r"(?<!\w)" + words_regex(term)


def words_regex(term: Term) -> str:
    return r"\w*[\W_]*".join(_word_pattern(w) for w in term.words)
