"""What an extractor returns: a name found in a text, with its kind and offsets."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractedName:
    """A person, organisation or place named at ``start:end`` of the text.

    ``name`` is the form to create it under (the nominative in Russian, the name without a
    possessive or title elsewhere); ``abbreviation`` one written beside it ("Islamic State
    (IS)"); ``title`` an office written before a person ("Interior Minister").
    """

    kind: str  # "person", "organisation" or "place"
    start: int
    end: int
    name: str
    abbreviation: str = ""
    title: str = ""
