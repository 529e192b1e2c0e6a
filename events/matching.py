"""Finding known names in a text: folding, the matching rules, one Aho-Corasick automaton.

The rules, in one place:

* **Folding.** Names and text are compared after transliteration to ASCII (anyascii), case
  folding, one apostrophe for all (ʼ ’ '; the soft sign's transliteration is dropped) and
  any white space character read as a space (cleaned report text has single spaces), so
  Düsseldorf matches Dusseldorf, Зеленський matches Reuters' spelling Zelenskiy, and
  KRASNOGORSK matches Krasnogorsk. Offsets always point into the original text.
* **Abbreviations** (an alias flagged as one, or any name whose letters are all capitals
  and at most six: IS, FSB, IS-K) match case-sensitively, so "IS" never matches "is".
* **Whole words.** A match must not continue a word on either side, and a hyphen joins
  words: "IS" does not match inside "IS-K", nor "Kreml" inside "Kreml-Propagandist".
* **Someone else's title.** An actor's name directly followed by a noun that names a
  person's role ("Kremlin propagandist", "Kremlin spokesman"; "IS fighter" is kept: a
  fighter belongs to IS, a propagandist or spokesman *of* the Kremlin is a different actor)
  does not mention that actor: the phrase describes another person. A place stays
  mentioned ("Moscow officials" names Moscow).
* **Longest wins.** Where matches overlap, the leftmost, then the longest, is kept.

The automaton is built once per process for a given set of names
(:func:`matcher_for`), so matching a long article costs milliseconds however many names
are known (``bench/matcher_bench.py``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick
from anyascii import anyascii

APOSTROPHES = frozenset("'’ʼ`´ʻ")
MIN_NAME_LENGTH = 2
ABBREVIATION_MAX_LETTERS = 6

# Nouns that, right after a name, make the phrase a description of another person
# ("Kremlin propagandist Vladimir Solovyov"): the name is not mentioned as an actor there.
ROLE_NOUNS = frozenset(
    [
        "propagandist",
        "propagandists",
        "spokesman",
        "spokesmen",
        "spokeswoman",
        "spokeswomen",
        "spokesperson",
        "official",
        "officials",
        "critic",
        "critics",
        "adviser",
        "advisers",
        "advisor",
        "advisors",
        "aide",
        "aides",
        "ally",
        "allies",
        "loyalist",
        "loyalists",
        "insider",
        "insiders",
        "source",
        "sources",
        "mouthpiece",
        "mouthpieces",
        "apologist",
        "apologists",
        "envoy",
        "envoys",
        "correspondent",
        "correspondents",
        "watcher",
        "watchers",
    ]
)
_NEXT_WORD = re.compile(r"\s+([^\W\d_]+)")


def _fold_char(char: str, *, keep_case: bool) -> str:
    if char in APOSTROPHES:
        return "'"  # one apostrophe; not a word character, so "Kremlin's" holds "Kremlin"
    if char.isspace():
        return " "
    if not char.isascii():  # ь becomes ' in transliteration: dropped like any apostrophe
        char = "".join(c for c in anyascii(char) if c not in APOSTROPHES)
    return char if keep_case else char.lower()


# Per-character folds, filled as characters are first seen: str.translate then folds a
# whole text in C, which is what keeps a long article at a few milliseconds.
_TABLES: dict[bool, dict[int, str]] = {False: {}, True: {}}


_KNOWN: dict[bool, set[str]] = {False: set(), True: set()}


def _table_for(text: str, keep_case: bool) -> dict[int, str]:
    table = _TABLES[keep_case]
    new = set(text) - _KNOWN[keep_case]  # set arithmetic in C: most texts add nothing
    for char in new:
        table[ord(char)] = _fold_char(char, keep_case=keep_case)
    _KNOWN[keep_case] |= new
    return table


class FoldedText:
    """A text folded for matching, and the way back from its offsets to the original's.

    Most characters fold to one character; the way back only records the others (ш → sh,
    ь → nothing), so a Latin-script article maps back without any per-character work.
    """

    def __init__(self, text: str, *, keep_case: bool = False):
        table = _table_for(text, keep_case)
        self.text = text.translate(table)
        irregular = "".join(c for c in set(text) if len(table[ord(c)]) != 1)
        # For each character that does not fold to one: its index in the original, where
        # its fold starts in the folded text, and how long that fold is.
        self._at: list[int] = []
        self._folded_at: list[int] = []
        self._length: list[int] = []
        if irregular:
            shift = 0
            for match in re.finditer(f"[{re.escape(irregular)}]", text):
                length = len(table[ord(match.group())])
                self._at.append(match.start())
                self._folded_at.append(match.start() + shift)
                self._length.append(length)
                shift += length - 1

    def original(self, index: int) -> int:
        """The original character that folded character ``index`` came from."""
        k = bisect_right(self._folded_at, index) - 1
        if k < 0:
            return index
        inside = index - self._folded_at[k]
        if inside < self._length[k]:
            return self._at[k]
        return self._at[k] + 1 + inside - self._length[k]


def fold(text: str, *, keep_case: bool = False) -> str:
    """A name folded for comparison (see the module's rules); white space runs become one."""
    return " ".join(text.translate(_table_for(text, keep_case)).split())


def is_abbreviation(name: str) -> bool:
    """Whether a name is written as an abbreviation (all capitals, at most six letters)."""
    if not name.isupper():  # in C: almost every name stops here
        return False
    letters = sum(c.isalpha() for c in name)
    return 0 < letters <= ABBREVIATION_MAX_LETTERS


@dataclass(frozen=True)
class NameEntry:
    """One name or alias of a known entity, as the matcher is given it."""

    kind: str  # "actor" or "location"
    entity_id: int
    name: str
    abbreviation: bool = False


@dataclass(frozen=True)
class NameMatch:
    """A known name found in a text: who it may be, and where it stands in the original."""

    targets: frozenset[tuple[str, int]]
    start: int
    end: int


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "-"


class NameMatcher:
    """All known names in two Aho-Corasick automata: case-folded names, and abbreviations."""

    def __init__(self, entries: Iterable[NameEntry]):
        self.folded = ahocorasick.Automaton()
        self.exact = ahocorasick.Automaton()
        groups: dict[tuple[bool, str], set[tuple[str, int]]] = {}
        for entry in entries:
            name = entry.name.strip()
            if len(name) < MIN_NAME_LENGTH:
                continue
            exact = entry.abbreviation or is_abbreviation(name)
            key = fold(name, keep_case=exact)
            if len(key) >= MIN_NAME_LENGTH:
                groups.setdefault((exact, key), set()).add((entry.kind, entry.entity_id))
        for (exact, key), targets in groups.items():
            (self.exact if exact else self.folded).add_word(key, (len(key), frozenset(targets)))
        self.size = len(groups)
        for automaton in (self.folded, self.exact):
            if len(automaton):
                automaton.make_automaton()

    def find(self, text: str) -> list[NameMatch]:
        """Every whole-word occurrence of a known name, non-overlapping, in text order."""
        found: list[tuple[int, int, frozenset]] = []
        for automaton, keep_case in ((self.folded, False), (self.exact, True)):
            if not len(automaton):
                continue
            folded_text = FoldedText(text, keep_case=keep_case)
            folded = folded_text.text
            for last, (length, targets) in automaton.iter(folded):
                first = last - length + 1
                if first > 0 and _is_word_char(folded[first - 1]):
                    continue
                if last + 1 < len(folded) and _is_word_char(folded[last + 1]):
                    continue
                found.append(
                    (folded_text.original(first), folded_text.original(last) + 1, targets)
                )
        found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        matches: list[NameMatch] = []
        taken_until = -1
        for start, end, targets in found:
            if start < taken_until:
                continue
            if _describes_someone_else(text, end):  # an actor's, not a place's: "Moscow
                targets = frozenset(t for t in targets if t[0] != "actor")  # officials"
                if not targets:
                    continue
            matches.append(NameMatch(targets=targets, start=start, end=end))
            taken_until = end
        return matches


def _describes_someone_else(text: str, end: int) -> bool:
    following = _NEXT_WORD.match(text, end)
    return bool(following) and following.group(1).lower() in ROLE_NOUNS


_cache: dict[object, NameMatcher] = {}


def matcher_for(signature: object, entries: Iterable[NameEntry] | None = None) -> NameMatcher:
    """The process's matcher for the names ``signature`` stands for (built on first use).

    ``entries`` should be lazy (a generator): it is read only when the automaton is built.
    Only the latest signature is kept, so an edit to any name builds a new automaton on the
    next request and the old one is freed.
    """
    matcher = _cache.get(signature)
    if matcher is None:
        matcher = NameMatcher(entries or ())
        _cache.clear()
        _cache[signature] = matcher
    return matcher
