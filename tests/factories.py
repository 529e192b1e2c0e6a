"""factory-boy factories: one per model, producing valid, published rows by default."""

import datetime as dt

import factory
from django.utils import timezone

from events import models as m


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Location

    name = factory.Sequence(lambda n: f"Place {n}")
    kind = m.LocationKind.CITY
    status = m.Status.PUBLISHED
    latitude = factory.Faker(
        "pydecimal", left_digits=2, right_digits=5, min_value=-80, max_value=80
    )
    longitude = factory.Faker(
        "pydecimal", left_digits=3, right_digits=5, min_value=-170, max_value=170
    )
    timezone = "UTC"


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Actor

    name = factory.Sequence(lambda n: f"Actor {n}")
    kind = m.ActorKind.ORGANISATION
    status = m.Status.PUBLISHED


class ActorAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ActorAlias

    actor = factory.SubFactory(ActorFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")
    language = "en"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Article

    headline = factory.Sequence(lambda n: f"Report number {n}")
    raw_text = factory.LazyAttribute(
        lambda o: f"{o.headline}.\n\nAdvertisment\n\nSomething happened and officials spoke."
    )
    published_on = dt.date(2024, 3, 23)
    status = m.Status.PUBLISHED


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Event

    title = factory.Sequence(lambda n: f"Event number {n}")
    summary = "Something happened."
    event_type = m.EventType.ATTACK
    start = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    start_precision = m.Precision.DAY
    location = factory.SubFactory(LocationFactory)
    status = m.Status.PUBLISHED


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Participation

    event = factory.SubFactory(EventFactory)
    actor = factory.SubFactory(ActorFactory)
    role = m.Role.PERPETRATOR
    source = factory.SubFactory(ArticleFactory)


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Claim

    event = factory.SubFactory(EventFactory)
    speaker = factory.SubFactory(ActorFactory)
    kind = m.ClaimKind.STATEMENT
    text = factory.Sequence(lambda n: f"Statement number {n}.")
    made_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=29))
    status = m.Status.PUBLISHED


class FigureFactory(ClaimFactory):
    kind = m.ClaimKind.FIGURE
    figure_metric = m.Metric.KILLED
    figure_value = 10
    figure_qualifier = m.Qualifier.EXACT
    figure_as_of = factory.SelfAttribute("made_at")
    assessment = m.Assessment.CONFIRMED


class ClaimSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ClaimSource

    claim = factory.SubFactory(ClaimFactory)
    article = factory.SubFactory(ArticleFactory)
    passage = "Something happened and officials spoke."
