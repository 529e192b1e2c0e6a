"""The record's sources can be followed and its attributions are backed by what it quotes."""

import shutil
import tomllib

import pytest

from events.models import Claim
from events.services.record import CROCUS_RECORD, RecordError, record_load
from events.services.record.checks import check_record


@pytest.fixture
def data():
    return tomllib.loads(CROCUS_RECORD.read_text(encoding="utf-8"))


def claim(data, key):
    return next(c for c in [*data["claims"], *data["figures"]] if c["key"] == key)


def test_the_crocus_record_keeps_the_rules(data):
    check_record(data, "record.toml")  # raises on the first broken row


def test_a_speaker_no_passage_names_is_refused_with_the_claim_named(data):
    # The old record's fault: the FSB credited from a sentence that names only Putin.
    detained = claim(data, "fsb-four-gunmen-detained")
    detained["sources"] = [
        {
            "article": "crocus-report-2024-03-23",
            "passage": "Russian President Vladimir Putin has swiftly detained the four gunmen "
            "responsible",
        }
    ]
    with pytest.raises(RecordError, match="“fsb-four-gunmen-detained” names Federal Security"):
        check_record(data, "record.toml")


def test_a_figure_whose_passage_names_nobody_is_refused(data):
    # The old record's claim 34: "133 killed" credited to the Investigative Committee from a
    # passage that names nobody.
    killed = claim(data, "killed-133-sk")
    killed["sources"] = [
        s for s in killed["sources"] if s["article"] == "crocus-report-2024-03-23"
    ]
    with pytest.raises(RecordError, match="killed-133-sk"):
        check_record(data, "record.toml")


def test_according_to_needs_a_report_with_a_url(data):
    source = claim(data, "fsb-ukraine-contacts")["sources"][0]
    assert source["attributes_speaker"]
    article = next(a for a in data["articles"] if a["slug"] == source["article"])
    del article["url"]
    article["provenance_note"] = "No URL could be established."
    with pytest.raises(RecordError, match="has no URL or outlet"):
        check_record(data, "record.toml")


def test_the_newsrooms_own_text_is_not_a_source(data):
    data["articles"].append(
        {"slug": "notes", "headline": "Research notes", "kind": "newsroom", "text_file": "x"}
    )
    claim(data, "killed-40-fsb")["sources"].append({"article": "notes", "passage": "FSB: 40"})
    with pytest.raises(RecordError, match="“killed-40-fsb” cites “notes”"):
        check_record(data, "record.toml")


def test_a_cited_report_names_its_outlet_date_and_url(data):
    article = next(a for a in data["articles"] if a["slug"] == "rt-2024-03-29")
    del article["url"]
    with pytest.raises(RecordError, match="“rt-2024-03-29” lacks url"):
        check_record(data, "record.toml")
    article["provenance_note"] = "No URL could be established; relayed by TASS."
    check_record(data, "record.toml")


@pytest.mark.django_db
def test_a_broken_record_changes_nothing(tmp_path, crocus):
    folder = tmp_path / "crocus"
    shutil.copytree(CROCUS_RECORD.parent, folder)
    path = folder / "record.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "Moscow: Russia's Investigative Committee said", "Moscow: officials said"
        ),
        encoding="utf-8",
    )
    before = Claim.objects.get(import_key="killed-60-sk").updated_at
    with pytest.raises(RecordError, match="killed-60-sk"):
        record_load(path=path, update=True, apply=True, reason="x")
    assert Claim.objects.get(import_key="killed-60-sk").updated_at == before


@pytest.mark.django_db
def test_every_loaded_claim_names_a_speaker_its_sources_back(crocus):
    """The same rule, read back from the database: what readers see is backed."""
    for item in Claim.objects.prefetch_related("speaker__aliases", "sources__article__publisher"):
        names = [item.speaker.name, *(a.name for a in item.speaker.aliases.all())]
        names = [n.casefold() for n in names]
        backed = [
            s
            for s in item.sources.all()
            if any(n in s.passage.casefold() for n in names)
            or (s.article.url and (s.attributes_speaker or s.article.publisher == item.speaker))
        ]
        assert backed, item.import_key
