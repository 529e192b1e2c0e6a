"""The mention matcher's rules (events.matching), and the service that applies them."""

import pytest

from events.matching import NameEntry, NameMatcher, fold, is_abbreviation
from events.models import ActorAlias, LocationAlias
from events.services import article_find_mentions, article_ingest
from tests import factories as f

ENTRIES = [
    NameEntry("actor", 1, "Islamic State"),
    NameEntry("actor", 1, "IS", abbreviation=True),
    NameEntry("actor", 2, "Islamic State Khorasan Province"),
    NameEntry("actor", 2, "IS-K"),
    NameEntry("actor", 3, "Government of Russia"),
    NameEntry("actor", 3, "Kremlin"),
    NameEntry("location", 4, "Düsseldorf"),
    NameEntry("actor", 5, "Volodymyr Zelenskyy"),
    NameEntry("actor", 5, "Zelenskiy"),  # Reuters' spelling
    NameEntry("actor", 6, "FSB"),
    NameEntry("location", 7, "Crocus City Hall"),
    NameEntry("location", 8, "City Hall"),
]


def found(text: str) -> list[tuple[str, set]]:
    return [(text[m.start : m.end], set(m.targets)) for m in NameMatcher(ENTRIES).find(text)]


def test_an_abbreviation_matches_only_as_written_and_as_a_whole_word():
    text = "It is IS that claimed it; this is not IS-K, nor ISIS, nor Is."
    assert found(text) == [("IS", {("actor", 1)}), ("IS-K", {("actor", 2)})]


def test_an_all_capitals_name_counts_as_an_abbreviation_even_unflagged():
    assert is_abbreviation("FSB") and is_abbreviation("IS-K")
    assert not is_abbreviation("Kremlin") and not is_abbreviation("NORTHRHINEWESTPHALIA")
    assert found("The fsb said") == []
    assert found("The FSB said") == [("FSB", {("actor", 6)})]


def test_accents_case_and_scripts_fold_and_offsets_point_into_the_original():
    text = "Police in DUSSELDORF and in Düsseldorf; Президент Зеленський spoke."
    assert found(text) == [
        ("DUSSELDORF", {("location", 4)}),
        ("Düsseldorf", {("location", 4)}),
        ("Зеленський", {("actor", 5)}),  # transliterates to zelenskiy, an alias
    ]
    assert fold("Зеленський") == "zelenskiy"
    assert fold("O’Brien") == fold("O'BRIEN") == "o'brien"


def test_a_name_broken_across_lines_still_matches():
    assert found("at Crocus\nCity Hall") == [("Crocus\nCity Hall", {("location", 7)})]


def test_the_longest_name_wins_where_names_overlap():
    assert found("at Crocus City Hall.") == [("Crocus City Hall", {("location", 7)})]
    assert found("at the City Hall.") == [("City Hall", {("location", 8)})]


def test_a_name_that_titles_someone_else_is_not_a_mention_of_it():
    text = (
        "Kremlin propagandist Vladimir Solovyov and Kremlin spokesman Dmitry Peskov spoke; "
        "the Kremlin said; Kremlin-backed media; the Kremlin's view."
    )
    assert [s for s, _ in found(text)] == ["Kremlin", "Kremlin"]
    positions = [m.start for m in NameMatcher(ENTRIES).find(text)]
    assert positions == [text.index("the Kremlin said") + 4, text.index("the Kremlin's") + 4]
    # A place before a role noun is still the place: "Düsseldorf officials" names it.
    assert found("Düsseldorf officials said") == [("Düsseldorf", {("location", 4)})]


@pytest.mark.django_db
def test_the_mentions_service_applies_the_rules_to_the_crocus_names(crocus):
    """The bugs found in the Solingen trial (issue 13, item 3), on the record's own names."""
    dusseldorf = f.LocationFactory(name="Düsseldorf")
    LocationAlias.objects.create(location=dusseldorf, name="Dusseldorf")  # harmless duplicate
    zelensky = f.ActorFactory(name="Volodymyr Zelenskyy", kind="person")
    ActorAlias.objects.create(actor=zelensky, name="Зеленський", language="uk")
    text = (
        "The suspect is a Syrian man, police in Dusseldorf said. A Kremlin propagandist "
        "blamed Kyiv; Зеленський denied it. IS claimed the attack."
    )
    article = article_ingest(raw_text=text, headline="Rules")
    names = {(c.surface, c.entity_name) for c in article_find_mentions(article=article)}
    assert ("Dusseldorf", "Düsseldorf") in names
    assert ("Зеленський", "Volodymyr Zelenskyy") in names
    assert ("IS", "Islamic State") in names
    assert not any(surface.lower() == "is" and surface != "IS" for surface, _ in names)
    assert not any(entity == "Government of Russia" for _, entity in names)


@pytest.mark.django_db
def test_the_matcher_is_rebuilt_when_a_name_changes(crocus):
    article = article_ingest(raw_text="Officials in Fronhof said.", headline="Fronhof")
    assert not article_find_mentions(article=article)
    place = f.LocationFactory(name="Fronhof")
    assert [c.entity_id for c in article_find_mentions(article=article)] == [place.pk]
    place.name = "Fronhof square"
    place.save()
    assert not article_find_mentions(article=article)
