"""Precision and recall of :func:`extract_names` on labelled paragraphs (tests/data/ner)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import extract_names

LABEL = re.compile(r"\[([^\]]+)\]\((PER|ORG|LOC)\)")
KIND = {"PER": "person", "ORG": "organisation", "LOC": "place"}


@dataclass
class Score:
    true_positives: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 0.0

    def add(self, other: Score) -> None:
        self.true_positives += other.true_positives
        self.predicted += other.predicted
        self.gold += other.gold


def parse(marked: str) -> tuple[str, set[tuple[int, int, str]]]:
    """The plain paragraph and its labelled spans (start, end, kind)."""
    text, spans, position = [], set(), 0
    for match in LABEL.finditer(marked):
        text.append(marked[position : match.start()])
        start = sum(map(len, text))
        text.append(match.group(1))
        spans.add((start, start + len(match.group(1)), KIND[match.group(2)]))
        position = match.end()
    text.append(marked[position:])
    return "".join(text), spans


def paragraphs(path: Path) -> dict[str, list[str]]:
    """The file's paragraphs by section (``dev``, ``held-out``)."""
    sections: dict[str, list[str]] = {}
    section = "dev"
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        block = block.strip()
        if block.startswith("## "):
            section, _, block = block[3:].partition("\n")
            block = block.strip()
        if block:
            sections.setdefault(section.strip(), []).append(block)
    return sections


def score(marked_paragraphs: list[str], language: str, errors: list | None = None) -> Score:
    """Exact span and kind, per mention."""
    total = Score()
    for marked in marked_paragraphs:
        text, gold = parse(marked)
        found = {(n.start, n.end, n.kind) for n in extract_names(text, language)}
        total.add(Score(len(found & gold), len(found), len(gold)))
        if errors is not None:
            errors.extend(("missed", text[s:e], k) for s, e, k in sorted(gold - found))
            errors.extend(("wrong", text[s:e], k) for s, e, k in sorted(found - gold))
    return total
