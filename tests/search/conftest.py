"""Fixtures for search tests: the Crocus names, from the loaded record or built to match it."""

from types import SimpleNamespace

import pytest
from django.db import connection

from events.models import Actor, Event, Location, Role
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleFactory,
    ClaimFactory,
    EventFactory,
    LocationFactory,
    ParticipationFactory,
)

ATTACK_SLUG = "crocus-city-hall-attack"


@pytest.fixture(autouse=True)
def _postgres_only(request):
    marker = request.node.get_closest_marker("postgres")
    if marker and connection.vendor != "postgresql":
        reason = marker.kwargs.get("reason") or marker.args and marker.args[0]
        pytest.skip(f"needs PostgreSQL: {reason or 'full-text ranking and pg_trgm'}")


def _build_crocus_names():
    """The names of the Crocus record as load_crocus stores them (slugs, aliases, places)."""
    from events.models import LocationAlias

    russia = LocationFactory(name="Russia", slug="russia", kind="country")
    oblast = LocationFactory(
        name="Moscow Oblast", slug="moscow-oblast", kind="region", parent=russia
    )
    krasnogorsk = LocationFactory(
        name="Krasnogorsk", slug="krasnogorsk", kind="city", parent=oblast
    )
    LocationAlias.objects.create(location=krasnogorsk, name="Красногорск", language="ru")
    venue = LocationFactory(
        name="Crocus City Hall",
        slug="crocus-city-hall",
        kind="venue",
        parent=krasnogorsk,
        address="20 Mezhdunarodnaya Street",
    )
    attack = EventFactory(
        title="Crocus City Hall attack",
        slug=ATTACK_SLUG,
        summary="Gunmen opened fire on people gathered for a sold-out concert of the rock band "
        "Picnic, then set the hall on fire.",
        location=venue,
    )
    zelensky = ActorFactory(name="Volodymyr Zelensky", slug="volodymyr-zelensky", kind="person")
    ActorAliasFactory(actor=zelensky, name="Zelenskyy", language="en")
    ActorAliasFactory(actor=zelensky, name="Володимир Зеленський", language="uk")
    islamic_state = ActorFactory(name="Islamic State", slug="islamic-state", kind="armed_group")
    for alias in ("ISIS", "ISIL", "IS", "Daesh"):
        ActorAliasFactory(actor=islamic_state, name=alias, is_abbreviation=alias != "Daesh")
    iskp = ActorFactory(
        name="Islamic State – Khorasan Province",
        slug="islamic-state-khorasan-province",
        kind="armed_group",
    )
    for alias in ("IS-K", "ISIS-K", "ISKP"):
        ActorAliasFactory(actor=iskp, name=alias, is_abbreviation=True)
    report = ArticleFactory(headline="Gunmen attack concert hall near Moscow")
    ParticipationFactory(event=attack, actor=iskp, role=Role.CLAIMANT, source=report)
    ClaimFactory(
        event=attack,
        speaker=zelensky,
        kind="denial",
        text="Putin spent a day thinking about how to link this to Ukraine.",
    )
    return attack


@pytest.fixture
def record(db):
    """The attack and the actors and places the issue's searches must find."""
    attack = Event.objects.filter(slug=ATTACK_SLUG).first() or _build_crocus_names()
    return SimpleNamespace(
        attack=attack,
        zelensky=Actor.objects.get(slug="volodymyr-zelensky"),
        iskp=Actor.objects.get(slug="islamic-state-khorasan-province"),
        islamic_state=Actor.objects.get(slug="islamic-state"),
        krasnogorsk=Location.objects.get(slug="krasnogorsk"),
    )


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("editor", password="x", is_staff=True)
