"""Names in Russian text: natasha's packaged NER model, normalised with pymorphy3.

natasha ships its news NER and morphology models inside the wheel (Navec embeddings and
Slovnet taggers, a few tens of megabytes), so this runs offline. Its own normaliser needs a
morphological dictionary: natasha's ``MorphVocab`` is built on pymorphy2, which no longer
runs on Python ≥ 3.11 (it needs ``pkg_resources`` and ``inspect.getargspec``), so the
normaliser is given :class:`Pymorphy3Vocab`, the same interface over pymorphy3, the
maintained fork. "Александра Бортникова" (genitive) is suggested as "Александр Бортников".
"""

from __future__ import annotations

from functools import cache

from .types import ExtractedName

KINDS = {"PER": "person", "ORG": "organisation", "LOC": "place"}


class _Form:
    """One pymorphy3 parse with the UD part of speech and features natasha compares."""

    def __init__(self, parse):
        from natasha.morph.vocab import OC_UD_INDEX, OC_UD_POS

        self.parse = parse
        self.word = parse.word
        self.normal = parse.normal_form
        self.pos = OC_UD_POS.get(parse.tag.POS, "X")
        self.feats = dict(OC_UD_INDEX[g] for g in parse.tag.grammemes if g in OC_UD_INDEX)

    def inflect(self, grams):
        from natasha.morph.vocab import UD_OC_FEATS

        inflected = self.parse.inflect({UD_OC_FEATS[g] for g in grams})
        return _Form(inflected) if inflected is not None else None


class Pymorphy3Vocab:
    """natasha's vocabulary interface (called with a word, returns its parses) on pymorphy3."""

    def __init__(self):
        import pymorphy3

        self.analyzer = pymorphy3.MorphAnalyzer(lang="ru")

    def __call__(self, word: str) -> list[_Form]:
        return [_Form(p) for p in self.analyzer.parse(word)]


@cache
def _pipeline():
    from natasha import NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter

    embedding = NewsEmbedding()
    return Segmenter(), NewsMorphTagger(embedding), NewsNERTagger(embedding), Pymorphy3Vocab()


def extract_russian(text: str) -> list[ExtractedName]:
    """People, organisations and places natasha finds, with their nominative forms."""
    from natasha import Doc
    from natasha.norm import normalize

    segmenter, morph_tagger, ner_tagger, vocab = _pipeline()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_morph(morph_tagger)
    doc.tag_ner(ner_tagger)
    names = []
    for span in doc.spans:
        span.tokens = [t for t in doc.tokens if span.start <= t.start and t.stop <= span.stop]
        normal = normalize(vocab, span.tokens) if span.tokens else span.text
        names.append(
            ExtractedName(
                kind=KINDS[span.type], start=span.start, end=span.stop, name=normal or span.text
            )
        )
    return names
