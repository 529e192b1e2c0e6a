"""Names a text gives that we may not know yet: people, organisations and places.

:func:`extract_names` picks the extractor for the text's language: natasha's packaged NER
model for Russian (:mod:`.russian`), the deterministic rules of :mod:`.rules` for
everything else. The suggestion service (``events.services.suggestions``) then leaves out
the names the database already knows.
"""

from .types import ExtractedName

MODEL_LANGUAGES = {"ru": "natasha (Slovnet NER, packaged)"}


def extractor_for(language: str) -> str:
    """What reads names in ``language`` (shown to the editor beside the suggestions)."""
    return MODEL_LANGUAGES.get(
        language.split("-")[0], "rules (capitalised phrases, offices, gazetteer)"
    )


def extract_names(text: str, language: str) -> list[ExtractedName]:
    """People, organisations and places named in ``text``, in text order."""
    if language.split("-")[0] == "ru":
        from .russian import extract_russian

        return extract_russian(text)
    from .rules import extract_rules

    return extract_rules(text, language)


__all__ = ["ExtractedName", "extract_names", "extractor_for"]
