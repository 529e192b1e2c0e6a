"""The record loader never overwrites editorial work; the record's own changes are reviewed.

Safe mode (what every start runs) creates what is missing and changes no existing row;
``--update`` shows the shipped record's changes, writes them (with the loader's name and a
reason in history) only to rows nobody edited since they were loaded, and reports the rest
as conflicts unless forced by key.
"""

import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events.models import Article, Claim, ClaimSource, Correction, Event, LoadedRow, Status
from events.services import publishable_correct, publishable_withdraw
from events.services.record import CROCUS_RECORD, LOADER_USERNAME, RecordError, record_load
from tests.admin.conftest import make_user

pytestmark = pytest.mark.django_db
ATTACK = "crocus-city-hall-attack"
REASON = "The toll's wording follows the outlet"


@pytest.fixture
def record(tmp_path):
    """An editable copy of the Crocus record, in a folder named like the shipped one (so its
    rows are the same record's rows)."""
    folder = tmp_path / "crocus"
    shutil.copytree(CROCUS_RECORD.parent, folder)
    return folder / "record.toml"


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def publisher(editorial_groups):
    return make_user("pia", "Publishers")


def test_every_loaded_row_is_fingerprinted(crocus):
    stamp = LoadedRow.objects.get(record="crocus", key=f"event:{ATTACK}")
    assert stamp.object_id == crocus.pk
    assert stamp.values["title"] == crocus.title
    assert stamp.values["start"] == "2024-03-22T16:58:00+00:00"
    assert LoadedRow.objects.filter(record="crocus", key__startswith="claimsource:").count() == (
        ClaimSource.objects.count()
    )


def test_safe_load_keeps_a_publishers_correction_and_withdrawal(crocus, publisher):
    crocus.title = "Crocus City Hall massacre"
    publishable_correct(obj=crocus, user=publisher, note="Title corrected.")
    claim = Claim.objects.get(import_key="killed-150-pravda-ru")
    publishable_withdraw(obj=claim, user=publisher, note="A false figure; no longer shown.")

    stats = record_load(path=CROCUS_RECORD)

    assert stats.changed == 0
    assert Event.objects.get(pk=crocus.pk).title == "Crocus City Hall massacre"
    assert Claim.objects.get(pk=claim.pk).status == Status.WITHDRAWN
    # The record did not change those fields, so they are the editors' and no conflict.
    assert stats.conflicts == 0 and stats.pending == 0
    review = record_load(path=CROCUS_RECORD, update=True, apply=False)
    assert [c for c in review.changes if c.action != "create"] == []


def test_safe_load_only_reports_a_changed_record(record, crocus):
    edit(record, 'text = "133 people were killed."', 'text = "At least 133 people were killed."')
    stats = record_load(path=record)
    assert stats.changed == 0 and stats.pending == 1
    assert Claim.objects.get(import_key="killed-133-sk").text == "133 people were killed."


def test_update_shows_then_applies_a_change_to_an_untouched_row(record, crocus, capsys):
    edit(record, 'text = "133 people were killed."', 'text = "At least 133 people were killed."')
    claim = Claim.objects.get(import_key="killed-133-sk")

    dry = record_load(path=record, update=True, apply=False)
    [change] = [c for c in dry.changes if c.action != "create"]
    assert change.key == "claim:killed-133-sk" and not change.conflict
    assert [(f.name, f.current, f.wanted) for f in change.fields] == [
        ("text", "133 people were killed.", "At least 133 people were killed.")
    ]
    claim.refresh_from_db()
    assert claim.text == "133 people were killed."  # a dry run writes nothing

    with pytest.raises(RecordError, match="reason"):
        record_load(path=record, update=True, apply=True, reason="  ")
    record_load(path=record, update=True, apply=True, reason=REASON)
    claim.refresh_from_db()
    assert claim.text == "At least 133 people were killed."
    latest = claim.history.first()
    assert latest.history_user.username == LOADER_USERNAME
    assert latest.history_change_reason == f"record loader (load_crocus --update): {REASON}"
    assert not latest.history_user.is_active and not latest.history_user.has_usable_password()
    # Applied once: the next review finds nothing.
    assert record_load(path=record, update=True, apply=False).pending == 0


def test_a_row_an_editor_changed_is_a_conflict_unless_forced(record, crocus, publisher):
    claim = Claim.objects.get(import_key="killed-133-sk")
    claim.text = "133 people died."
    publishable_correct(obj=claim, user=publisher, note="Wording.")
    edit(record, 'text = "133 people were killed."', 'text = "At least 133 people were killed."')

    stats = record_load(path=record, update=True, apply=True, reason=REASON)
    [change] = [c for c in stats.changes if c.key == "claim:killed-133-sk"]
    assert change.conflict and not change.applied
    assert [(f.loaded, f.current, f.wanted) for f in change.fields] == [
        ("133 people were killed.", "133 people died.", "At least 133 people were killed.")
    ]
    claim.refresh_from_db()
    assert claim.text == "133 people died."
    assert stats.conflicts == 1

    with pytest.raises(RecordError, match="claim:killed-40-fsb"):
        record_load(
            path=record, update=True, apply=True, reason=REASON, force=["claim:killed-40-fsb"]
        )
    record_load(path=record, update=True, apply=True, reason=REASON, force=[change.key])
    claim.refresh_from_db()
    assert claim.text == "At least 133 people were killed."
    assert claim.history.first().history_user.username == LOADER_USERNAME


def test_a_row_an_editor_deleted_is_not_recreated(crocus):
    key = "claimsource:killed-133-sk/kuna-2024-03-23"
    ClaimSource.objects.get(
        claim__import_key="killed-133-sk", article__slug="kuna-2024-03-23"
    ).delete()

    assert record_load(path=CROCUS_RECORD).changed == 0
    review = record_load(path=CROCUS_RECORD, update=True, apply=True, reason=REASON)
    [change] = [c for c in review.changes if c.key == key]
    assert change.conflict and not change.applied
    assert not ClaimSource.objects.filter(
        claim__import_key="killed-133-sk", article__slug="kuna-2024-03-23"
    ).exists()

    record_load(path=CROCUS_RECORD, update=True, apply=True, reason=REASON, force=[key])
    assert ClaimSource.objects.filter(
        claim__import_key="killed-133-sk", article__slug="kuna-2024-03-23"
    ).exists()


def test_rows_the_record_drops_are_withdrawn_with_a_public_note(record, crocus):
    text = record.read_text(encoding="utf-8")
    start = text.index('[[figures]]\nkey = "killed-150-pravda-ru"')
    end = text.index("[[figures]]", start + 1)
    record.write_text(text[:start] + text[end:], encoding="utf-8")
    claim = Claim.objects.get(import_key="killed-150-pravda-ru")

    assert record_load(path=record).changed == 0  # safe mode only reports it
    assert Claim.objects.get(pk=claim.pk).status == Status.PUBLISHED

    stats = record_load(path=record, update=True, apply=True, reason="A false figure.")
    claim.refresh_from_db()
    assert claim.status == Status.WITHDRAWN
    assert claim.public_note == "No longer part of the crocus record: A false figure."
    assert Correction.objects.filter(object_id=claim.pk, kind="withdrawal").exists()
    assert not ClaimSource.objects.filter(claim=claim).exists()
    assert {c.key for c in stats.changes if c.action == "remove"} == {
        "claim:killed-150-pravda-ru",
        "claimsource:killed-150-pravda-ru/pravda-ru-2024-03-23",
    }


def test_legacy_rows_without_fingerprints_are_adopted_only_when_no_editor_touched_them(
    record, crocus, publisher
):
    LoadedRow.objects.filter(key__in=["claim:killed-40-fsb", "claim:killed-60-sk"]).delete()
    untouched = Claim.objects.get(import_key="killed-40-fsb")
    edited = Claim.objects.get(import_key="killed-60-sk")
    edited.assessment_note = "Checked."
    publishable_correct(obj=edited, user=publisher, note="Note added.")
    edit(record, 'text = "More than 60 people were killed."', 'text = "Over 60 were killed."')
    edit(
        record,
        'text = "According to preliminary data, 40 people were killed."',
        'text = "Preliminary data: 40 killed."',
    )

    stats = record_load(path=record, update=True, apply=True, reason=REASON)
    changes = {c.key: c for c in stats.changes}
    assert changes["claim:killed-40-fsb"].applied
    assert changes["claim:killed-60-sk"].conflict and not changes["claim:killed-60-sk"].applied
    untouched.refresh_from_db()
    edited.refresh_from_db()
    assert untouched.text == "Preliminary data: 40 killed."
    assert edited.text == "More than 60 people were killed."


def test_retired_rows_of_earlier_loads_are_withdrawn(record, crocus):
    legacy = Article.objects.create(
        slug="newsbase-notes", headline="Notes", status=Status.PUBLISHED, kind="newsroom"
    )
    edit(record, "retired = [\n", 'retired = [\n  "article:newsbase-notes",\n')
    review = record_load(path=record, update=True, apply=False)
    assert [(c.key, c.action) for c in review.changes] == [("article:newsbase-notes", "remove")]
    record_load(path=record, update=True, apply=True, reason="Notes are not a source.")
    legacy.refresh_from_db()
    assert legacy.status == Status.WITHDRAWN


def test_the_command_reviews_then_applies(record, crocus, capsys, monkeypatch):
    edit(record, 'text = "133 people were killed."', 'text = "At least 133 people were killed."')
    monkeypatch.setattr("events.management.commands.load_crocus.CROCUS_RECORD", record)
    call_command("load_crocus")
    assert "1 existing rows differ" in capsys.readouterr().out
    call_command("load_crocus", "--update")
    out = capsys.readouterr().out
    assert "~ claim:killed-133-sk (would be updated)" in out
    assert "'133 people were killed.' → 'At least 133 people were killed.'" in out
    assert "Dry run: 1 rows would be written" in out
    with pytest.raises(CommandError, match="--update"):
        call_command("load_crocus", "--apply")
    call_command("load_crocus", "--update", "--apply", "--reason", REASON)
    assert "Applied: 1 rows written" in capsys.readouterr().out
    assert Claim.objects.get(import_key="killed-133-sk").text.startswith("At least")
