"""The Crocus record: loaded by one command, idempotent, and saying what its sources say."""

import datetime as dt
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from events import dates
from events.models import (
    Actor,
    Article,
    Claim,
    ClaimKind,
    ClaimRelation,
    ClaimSource,
    Event,
    EventRelation,
    Location,
    Metric,
    Participation,
    figure_series,
)
from events.reads.as_of import AsOf
from events.reads.places import EVERY_PLACE, ancestors
from events.services.record import CROCUS_RECORD, RecordError, record_load

pytestmark = pytest.mark.django_db
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
REPORT = "crocus-report-2024-03-23"


def _table_state():
    models = (Actor, Article, Claim, ClaimSource, ClaimRelation, Event, Location, Participation)
    return {m.__name__: sorted(m._base_manager.values_list("pk", "updated_at")) for m in models}


def test_loading_twice_changes_nothing(crocus):
    before = _table_state()
    stats = record_load(path=CROCUS_RECORD)
    assert stats.changed == 0
    assert _table_state() == before


def test_command_reports_nothing_changed_on_second_run(crocus, capsys):
    call_command("load_crocus")
    assert "nothing changed" in capsys.readouterr().out


def test_report_ships_unchanged_and_is_cleaned(crocus):
    article = Article.objects.get(slug=REPORT)
    shipped = (CROCUS_RECORD.parent / "report.txt").read_text(encoding="utf-8")
    assert article.raw_text == shipped
    assert article.raw_text.count("Advertisment") == 2
    assert "Advertisment" not in article.clean_text
    assert article.clean_text.startswith("Following a horrific attack at Crocus City Hall")
    assert article.paragraphs()[1] == "Unraveling the Attack"
    assert article.published_on == dt.date(2024, 3, 23)
    assert article.publisher is None and article.url is None


def test_report_copy_matches_the_seed_when_available():
    seed = Path(__file__).resolve().parents[2] / "shared" / "seed" / "crocus-city-hall-report.txt"
    if not seed.exists():
        pytest.skip("../shared/seed is not beside this checkout")
    assert (CROCUS_RECORD.parent / "report.txt").read_bytes() == seed.read_bytes()


def test_attack_when_and_where(crocus):
    assert crocus.event_type == "attack"
    local = crocus.start.astimezone(MOSCOW)
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2024, 3, 22, 19, 58)
    assert crocus.timezone == "Europe/Moscow"
    venue = crocus.location
    assert venue.name == "Crocus City Hall"
    assert [p.slug for p in ancestors(venue, EVERY_PLACE)] == [
        "krasnogorsk",
        "moscow-oblast",
        "russia",
    ]
    assert (venue.latitude, venue.longitude) == (Decimal("55.82583"), Decimal("37.39028"))
    assert "Picnic" in crocus.summary


def test_death_toll_as_reported_on_23_march_is_133(crocus):
    claims = list(
        AsOf(dt.date(2024, 3, 23), crocus.tzinfo).claims(Claim.objects.filter(event=crocus))
    )
    best = figure_series(claims)[Metric.KILLED]["best"]
    assert best.figure_value == 133
    assert best.speaker.slug == "investigative-committee"
    assert best.figure_as_of.astimezone(MOSCOW).date() == dt.date(2024, 3, 23)
    report_source = best.sources.get(article__slug=REPORT)
    assert "which left 133 attendees dead" in report_source.passage
    article = report_source.article
    assert (
        article.clean_text[report_source.start_offset : report_source.end_offset]
        == report_source.passage
    )


def test_death_toll_series_and_best_current_value(crocus):
    series = figure_series(Claim.objects.filter(event=crocus))[Metric.KILLED]
    values = [f.figure_value for f in series["series"]]
    official = [f.figure_value for f in series["series"] if f.assessment != "false"]
    assert official == [40, 60, 93, 115, 133, 139, 144, 144, 149]
    assert 150 in values  # kept, but marked false
    assert Claim.objects.get(import_key="killed-150-pravda-ru").assessment == "false"
    # latest confirmed, not the largest
    assert series["best"].figure_value == 149
    assert series["best"].speaker.slug == "avtoradio"


def test_responsibility_detention_and_mourning(crocus):
    responsibility = Claim.objects.get(import_key="is-claims-responsibility")
    assert responsibility.kind == ClaimKind.RESPONSIBILITY
    assert responsibility.speaker.slug == "islamic-state"
    assert responsibility.sources.filter(
        article__slug=REPORT, passage="with ISIS stepping forward to claim the attack"
    ).exists()
    detention = Event.objects.get(slug="crocus-gunmen-detained")
    assert detention.parent == crocus and detention.event_type == "arrest"
    assert detention.location.slug == "bryansk-oblast"
    assert detention.participations.filter(role="detaining_authority", actor__slug="fsb").exists()
    mourning = Event.objects.get(slug="russia-national-day-of-mourning-2024-03-24")
    assert dates.to_local(mourning.start, mourning.tzinfo).date() == dt.date(2024, 3, 24)
    assert mourning.event_type == "mourning"
    khorasan = Actor.objects.get(slug="islamic-state-khorasan-province")
    assert khorasan.affiliations.filter(kind="branch_of", organisation__slug="islamic-state")


def test_ukraine_accusations_and_denials_contradict(crocus):
    accusation = Claim.objects.get(import_key="putin-window-ukraine")
    assert accusation.kind == ClaimKind.ACCUSATION and accusation.speaker.slug == "vladimir-putin"
    assert "“window”" in accusation.text
    assert "Putin’s claim" in accusation.sources.get().passage
    denial = Claim.objects.get(import_key="zelensky-repudiates-link")
    assert denial.kind == ClaimKind.DENIAL
    assert denial.speaker.slug == "volodymyr-zelensky"
    assert (
        denial.sources.filter(article__slug=REPORT)
        .get()
        .passage.startswith("Meanwhile, Ukrainian President Volodymyr Zelensky has repudiated")
    )
    assert ClaimRelation.objects.filter(
        from_claim=denial, to_claim=accusation, kind="contradicts"
    ).exists()
    assert accusation.assessment == denial.assessment == "disputed"


def test_us_warning_came_before_and_commentary_is_quoted(crocus):
    warning = EventRelation.objects.get(kind="warned_of", target=crocus).source
    assert dates.to_local(warning.start, warning.tzinfo).date() == dt.date(2024, 3, 7)
    alert = Claim.objects.get(import_key="us-embassy-alert")
    assert "imminent plans to target large gatherings in Moscow" in alert.text
    commentary = Claim.objects.get(import_key="cfr-lethal-reach")
    assert commentary.speaker.slug == "council-on-foreign-relations"
    assert "Council on Foreign Relations" in commentary.sources.get(article__slug=REPORT).passage


def test_nothing_is_stated_without_a_source(crocus):
    assert not Claim.objects.filter(sources__isnull=True).exists()
    for source in ClaimSource.objects.select_related("article"):
        if source.article.is_citation:
            continue
        text = source.article.clean_text
        assert source.passage, source
        assert text[source.start_offset : source.end_offset] == source.passage
    assert not Participation.objects.filter(source__isnull=True).exists()
    for p in Participation.objects.exclude(passage="").select_related("source"):
        assert p.passage in p.source.clean_text
    # citations name their outlet, their date and the URL where they were found
    citations = Article.objects.filter(raw_text="")
    assert citations.count() == 42
    assert not citations.filter(publisher__isnull=True).exists()
    assert not citations.filter(url__isnull=True).exists()
    assert not citations.filter(published_on__isnull=True).exists()
    assert not citations.filter(retrieved_at__isnull=True).exists()
    assert not citations.filter(headline__icontains="(cited)").exists()


def test_aliases_in_other_scripts(crocus):
    zelensky = Actor.objects.get(slug="volodymyr-zelensky")
    aliases = {a.name: a.script for a in zelensky.aliases.all()}
    assert aliases["Zelenskyy"] == "Latn"
    assert aliases["Володимир Зеленський"] == "Cyrl"
    assert Location.objects.get(slug="krasnogorsk").aliases.filter(name="Красногорск").exists()


def test_a_broken_record_changes_nothing(crocus, tmp_path):
    broken = tmp_path / "record.toml"
    broken.write_text(
        CROCUS_RECORD.read_text(encoding="utf-8").replace(
            'speaker = "islamic-state"\nabout', 'speaker = "nobody-at-all"\nabout', 1
        ),
        encoding="utf-8",
    )
    (tmp_path / "report.txt").write_text(
        (CROCUS_RECORD.parent / "report.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    Event.objects.filter(pk=crocus.pk).update(title="Changed locally")
    before = _table_state()
    with pytest.raises(RecordError, match="nobody-at-all"):
        record_load(path=broken)
    assert _table_state() == before
    assert Event.objects.get(pk=crocus.pk).title == "Changed locally"


def test_as_of_ends_the_day_in_the_events_time_zone(crocus):
    # 00:30 in Moscow on 24 March is still 23 March in UTC: not known "on 23 March" in Moscow.
    late = Claim.objects.get(import_key="killed-133-sk")
    late.made_at = dt.datetime(2024, 3, 24, 0, 30, tzinfo=MOSCOW)
    late.save()
    day = dt.date(2024, 3, 23)
    assert late not in AsOf(day, MOSCOW).claims(Claim.objects.all())
    assert late in AsOf(day, dt.UTC).claims(Claim.objects.all())


def test_every_placed_event_can_be_mapped(crocus):
    """Countries and regions carry a representative point, so each event's map shows where
    it happened: the detention in Bryansk Oblast, not the attack in Krasnogorsk."""
    placed = Event.objects.exclude(location=None).select_related("location")
    assert placed.count() >= 8
    wide = Location.objects.filter(kind__in=["country", "region"])
    assert wide.count() >= 4 and not wide.filter(latitude=None).exists()
    for event in placed:
        assert event.location.latitude is not None, event.slug
    detention = Event.objects.get(slug="crocus-gunmen-detained")
    assert detention.location.slug == "bryansk-oblast"
    assert (detention.location.latitude, detention.location.longitude) == (
        Decimal("52.95"),
        Decimal("33.4"),
    )


def test_the_summary_as_it_stood_on_a_day(crocus):
    day = dt.date
    assert crocus.summary_as_of(day(2024, 3, 21)) == ""
    first_night = crocus.summary_as_of(day(2024, 3, 22))
    assert "40 dead" in first_night and "133" not in first_night
    next_day = crocus.summary_as_of(day(2024, 3, 23))
    assert "133 dead" in next_day and "149" not in next_day and "2025" not in next_day
    assert "149 dead" in crocus.summary_as_of(day(2025, 12, 31))
    assert crocus.summary_as_of(None) == crocus.summary
    assert crocus.summary == crocus.summary_as_of(day(2026, 3, 12))
    assert "life imprisonment" in crocus.summary


def test_no_internal_notes_are_published(client, crocus):
    """The newsroom's research notes (facts.md) are data for the loader, not an article: no
    newsroom text is published, the old notes page is gone, nothing published reads as raw
    Markdown, and search finds no table pipes."""
    assert not Article.objects.public().filter(kind="newsroom").exists()
    assert client.get("/articles/newsbase-crocus-research-notes/").status_code == 404
    for article in Article.objects.public().exclude(raw_text=""):
        lines = article.clean_text.splitlines()
        assert not [line for line in lines if line.lstrip().startswith(("#", "|"))], article
        assert "beside this file" not in article.clean_text, article
    html = client.get("/search/", {"q": "fact value"}).content.decode()
    assert "| fact |" not in html and "research notes" not in html.lower()
