"""A small Crocus-shaped story built with factories, for page tests that must not depend on
the loaded record's exact contents (and for adding extra rows in query-count tests)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from events import models as m
from tests import factories as f

UTC = dt.UTC


def at(day, hour=12, minute=0):
    return dt.datetime(2024, 3, day, hour, minute, tzinfo=UTC)


@dataclass
class Story:
    attack: m.Event
    warning: m.Event
    detention: m.Event
    mourning: m.Event
    trial: m.Event
    country: m.Location
    region: m.Location
    city: m.Location
    venue: m.Location
    report: m.Article
    fsb: m.Actor
    putin: m.Actor
    zelensky: m.Actor
    isis: m.Actor
    accusation: m.Claim
    denial: m.Claim
    figures: dict
    draft_event: m.Event
    draft_actor: m.Actor


REPORT_TEXT = (
    "Following a horrific attack at Crocus City Hall, Moscow, which left 133 attendees dead, "
    "the world has been alerted.\n\nAdvertisment\n\nRussian President Vladimir Putin has "
    "declared a day of mourning. Ukrainian President Volodymyr Zelensky has repudiated "
    "attempts to attribute blame to Ukraine."
)


def build_story(suffix: str = "") -> Story:
    country = f.LocationFactory(
        name=f"Testland{suffix}", kind=m.LocationKind.COUNTRY, latitude=None, longitude=None
    )
    region = f.LocationFactory(
        name=f"Test Oblast{suffix}",
        kind=m.LocationKind.REGION,
        parent=country,
        latitude=None,
        longitude=None,
    )
    city = f.LocationFactory(
        name=f"Krasnotest{suffix}",
        parent=region,
        latitude=Decimal("55.82000"),
        longitude=Decimal("37.33000"),
    )
    venue = f.LocationFactory(
        name=f"Test City Hall{suffix}",
        kind=m.LocationKind.VENUE,
        parent=city,
        latitude=Decimal("55.82583"),
        longitude=Decimal("37.39028"),
        address="20 Mezhdunarodnaya Street",
    )
    fsb = f.ActorFactory(name=f"Test Security Service{suffix}", kind=m.ActorKind.STATE_BODY)
    putin = f.ActorFactory(name=f"Test President{suffix}", kind=m.ActorKind.PERSON)
    f.ActorAliasFactory(actor=putin, name=f"Тест Президент{suffix}", language="ru")
    zelensky = f.ActorFactory(name=f"Other President{suffix}", kind=m.ActorKind.PERSON)
    isis = f.ActorFactory(name=f"Test Armed Group{suffix}", kind=m.ActorKind.ARMED_GROUP)
    branch = f.ActorFactory(name=f"Test Branch{suffix}", kind=m.ActorKind.ARMED_GROUP)
    m.Affiliation.objects.create(actor=branch, organisation=isis, kind="branch_of")
    report = f.ArticleFactory(
        headline=f"Attack at the hall{suffix}",
        raw_text=REPORT_TEXT + suffix,
        published_on=dt.date(2024, 3, 23),
    )
    later = f.ArticleFactory(headline=f"Later count{suffix}", published_on=dt.date(2024, 3, 30))
    attack = f.EventFactory(
        title=f"Test hall attack{suffix}",
        summary="Gunmen attacked a concert hall.",
        start=dt.datetime(2024, 3, 22, 16, 58, tzinfo=UTC),
        start_precision=m.Precision.MINUTE,
        timezone="Europe/Moscow",
        location=venue,
        featured=True,
    )
    warning = f.EventFactory(
        title=f"Embassy warning{suffix}",
        event_type=m.EventType.WARNING,
        start=at(7),
        location=city,
    )
    m.EventRelation.objects.create(source=warning, target=attack, kind="warned_of")
    detention_place = f.LocationFactory(name=f"Test Bryansk{suffix}", parent=country)
    detention = f.EventFactory(
        title=f"Detention of four gunmen{suffix}",
        event_type=m.EventType.ARREST,
        start=at(23, 3),
        parent=attack,
        location=detention_place,
    )
    mourning = f.EventFactory(
        title=f"Day of mourning{suffix}",
        event_type=m.EventType.MOURNING,
        start=at(24, 0),
        parent=attack,
        location=country,
    )
    trial = f.EventFactory(
        title=f"Trial{suffix}",
        event_type=m.EventType.TRIAL,
        start=dt.datetime(2025, 8, 1, 7, tzinfo=UTC),
        parent=attack,
        location=city,
    )
    f.ParticipationFactory(event=attack, actor=isis, role=m.Role.CLAIMANT, source=report)
    f.ParticipationFactory(event=attack, actor=branch, role=m.Role.PERPETRATOR, source=report)
    f.ParticipationFactory(event=detention, actor=fsb, role="detaining_authority", source=report)

    def figure(value, when, speaker, source, assessment=m.Assessment.CONFIRMED):
        claim = f.FigureFactory(
            event=attack,
            speaker=speaker,
            figure_value=value,
            made_at=when,
            figure_as_of=when,
            figure_as_of_precision=m.Precision.MINUTE,
            assessment=assessment,
            text=f"{value} killed",
        )
        f.ClaimSourceFactory(
            claim=claim,
            article=source,
            passage="" if source.is_citation else "Something happened and officials spoke.",
        )
        return claim

    figures = {
        40: figure(40, at(22, 18), fsb, later),
        60: figure(60, at(23, 3), fsb, later),
        133: figure(133, at(23, 16), fsb, later),
        150: figure(150, at(23, 17), putin, later, m.Assessment.FALSE),
        139: figure(139, at(25, 10), fsb, later),
        144: figure(144, at(29, 10), fsb, later),
    }
    accusation = f.ClaimFactory(
        event=attack,
        speaker=putin,
        kind=m.ClaimKind.ACCUSATION,
        mode=m.Mode.QUOTE,
        text="a window was prepared for them on the other side",
        made_at=at(23, 14),
        assessment=m.Assessment.DISPUTED,
    )
    accusation.about_actors.add(zelensky)
    f.ClaimSourceFactory(
        claim=accusation,
        article=report,
        passage="Russian President Vladimir Putin has declared a day of mourning.",
    )
    denial = f.ClaimFactory(
        event=attack,
        speaker=zelensky,
        kind=m.ClaimKind.DENIAL,
        text="Ukraine had nothing to do with it",
        made_at=at(23, 20),
    )
    f.ClaimSourceFactory(
        claim=denial,
        article=report,
        passage="Ukrainian President Volodymyr Zelensky has repudiated attempts to attribute "
        "blame to Ukraine.",
    )
    m.ClaimRelation.objects.create(from_claim=denial, to_claim=accusation, kind="contradicts")
    responsibility = f.ClaimFactory(
        event=attack,
        speaker=isis,
        kind=m.ClaimKind.RESPONSIBILITY,
        text="We carried out the attack",
        made_at=at(22, 20),
        assessment=m.Assessment.CORROBORATED,
    )
    f.ClaimSourceFactory(
        claim=responsibility, article=report, passage="the world has been alerted."
    )
    text = report.clean_text
    for actor, surface in ((putin, "Vladimir Putin"), (zelensky, "Volodymyr Zelensky")):
        start = text.index(surface)
        m.Mention.objects.create(
            article=report,
            actor=actor,
            start_offset=start,
            end_offset=start + len(surface),
            surface=surface,
            confirmed=True,
        )
    start = text.index("Crocus City Hall")
    m.Mention.objects.create(
        article=report,
        location=venue,
        start_offset=start,
        end_offset=start + 16,
        surface="Crocus City Hall",
        confirmed=True,
    )
    m.Correction.objects.create(
        content_type=ContentType.objects.get_for_model(m.Event),
        object_id=attack.pk,
        note="An earlier version gave the wrong start time.",
    )
    draft_actor = f.ActorFactory(name=f"Secret draft actor{suffix}", status=m.Status.DRAFT)
    draft_claim_speaker = f.ClaimFactory(
        event=attack, speaker=draft_actor, text="Draft speaker's words", made_at=at(23, 10)
    )
    f.ClaimSourceFactory(
        claim=draft_claim_speaker, article=report, passage="the world has been alerted."
    )
    f.ParticipationFactory(event=attack, actor=draft_actor, role=m.Role.COMMENTATOR, source=report)
    f.ClaimFactory(
        event=attack,
        speaker=fsb,
        text="Draft claim words",
        status=m.Status.DRAFT,
        made_at=at(23, 11),
    )
    draft_event = f.EventFactory(
        title=f"Draft sub-event{suffix}",
        status=m.Status.DRAFT,
        parent=attack,
        start=at(26),
        location=city,
    )
    return Story(
        attack=attack,
        warning=warning,
        detention=detention,
        mourning=mourning,
        trial=trial,
        country=country,
        region=region,
        city=city,
        venue=venue,
        report=report,
        fsb=fsb,
        putin=putin,
        zelensky=zelensky,
        isis=isis,
        accusation=accusation,
        denial=denial,
        figures=figures,
        draft_event=draft_event,
        draft_actor=draft_actor,
    )


@pytest.fixture
def story(db) -> Story:
    return build_story()


@pytest.fixture
def staff_client(django_user_model):
    """A logged-in staff client, separate from the anonymous ``client`` fixture."""
    from django.test import Client

    user = django_user_model.objects.create_user("editor", password="unused", is_staff=True)
    staff = Client()
    staff.force_login(user)
    return staff
