"""Validators and field helpers shared by several models."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

wikidata_qid_validator = RegexValidator(
    r"^Q[1-9][0-9]*$", "A Wikidata identifier looks like Q42: a Q and a number."
)

language_validator = RegexValidator(
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
    "Use a BCP 47 language tag such as en, ru, uk or pt-BR.",
)

script_validator = RegexValidator(
    r"^[A-Z][a-z]{3}$", "Use an ISO 15924 script code such as Latn, Cyrl or Arab."
)


def validate_timezone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(
            "%(value)s is not an IANA time zone (for example Europe/Moscow).",
            params={"value": value},
        )


def detect_script(text: str) -> str:
    """Best-effort ISO 15924 code of the first letter's script (Latn, Cyrl, Arab, Grek…)."""
    import unicodedata

    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            for word, code in (
                ("LATIN", "Latn"),
                ("CYRILLIC", "Cyrl"),
                ("ARABIC", "Arab"),
                ("GREEK", "Grek"),
                ("HEBREW", "Hebr"),
                ("CJK", "Hani"),
                ("DEVANAGARI", "Deva"),
            ):
                if name.startswith(word):
                    return code
            return ""
    return ""
