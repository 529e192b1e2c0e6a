"""The database itself refuses bad data, and full_clean() says why in plain words."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from events.models import (
    Actor,
    Article,
    Claim,
    ClaimKind,
    ClaimRelation,
    ClaimSource,
    Event,
    EventType,
    Location,
    Mention,
    Metric,
    Precision,
    Status,
)
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    ClaimFactory,
    EventFactory,
    FigureFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db


def assert_db_rejects(callable_):
    """The write fails in the database (not only in a form) and leaves nothing behind."""
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_latitude_91_is_rejected_by_database_and_validation():
    location = LocationFactory.build(latitude=Decimal("91"), longitude=Decimal("10"))
    with pytest.raises(ValidationError) as err:
        location.full_clean()
    assert "Latitude must be between −90 and 90 degrees." in str(err.value)
    before = Location.objects.count()
    assert_db_rejects(lambda: LocationFactory(latitude=Decimal("91"), longitude=Decimal("10")))
    assert Location.objects.count() == before


def test_longitude_out_of_range_and_half_coordinates_are_rejected():
    assert_db_rejects(lambda: LocationFactory(latitude=Decimal("10"), longitude=Decimal("-181")))
    assert_db_rejects(lambda: LocationFactory(latitude=Decimal("10"), longitude=None))
    ok = LocationFactory(latitude=Decimal("-90"), longitude=Decimal("180"))
    assert ok.pk


def test_location_cannot_be_its_own_ancestor():
    a = LocationFactory()
    b = LocationFactory(parent=a)
    a.parent = b
    with pytest.raises(ValidationError) as err:
        a.full_clean()
    assert "loop" in str(err.value)


def test_event_end_before_start_is_rejected():
    start = timezone.now()
    event = EventFactory.build(
        start=start, end=start - dt.timedelta(hours=1), end_precision=Precision.MINUTE
    )
    event.location.save()
    with pytest.raises(ValidationError) as err:
        event.full_clean()
    assert "An event cannot end before it starts." in str(err.value)
    assert_db_rejects(
        lambda: EventFactory(
            start=start, end=start - dt.timedelta(hours=1), end_precision=Precision.MINUTE
        )
    )


def test_event_end_needs_its_precision_and_type_must_be_known():
    start = timezone.now()
    assert_db_rejects(lambda: EventFactory(start=start, end=start, end_precision=""))
    assert_db_rejects(lambda: EventFactory(event_type="picnic"))
    assert EventFactory(event_type=EventType.VERDICT).pk


def test_event_time_zone_must_be_iana():
    event = EventFactory.build(timezone="Mars/Olympus")
    event.location.save()
    with pytest.raises(ValidationError) as err:
        event.full_clean()
    assert "IANA" in str(err.value)


def test_figure_without_value_is_rejected():
    figure = FigureFactory.build(figure_value=None)
    for related in (figure.event.location, figure.event, figure.speaker):
        related.save()
    figure.event_id, figure.speaker_id = figure.event.pk, figure.speaker.pk
    with pytest.raises(ValidationError) as err:
        figure.full_clean()
    assert err.value.message_dict["figure_value"] == ["A figure needs a value."]
    assert_db_rejects(lambda: FigureFactory(figure_value=None))
    assert_db_rejects(lambda: FigureFactory(figure_as_of=None))


def test_only_figures_carry_values():
    assert_db_rejects(
        lambda: ClaimFactory(kind=ClaimKind.STATEMENT, figure_metric=Metric.KILLED, figure_value=3)
    )


def test_claim_without_speaker_is_rejected():
    claim = ClaimFactory.build(speaker=None)
    claim.event.location.save()
    claim.event.save()
    claim.event_id = claim.event.pk
    with pytest.raises(ValidationError) as err:
        claim.full_clean()
    assert "speaker" in err.value.message_dict
    assert_db_rejects(lambda: ClaimFactory(speaker=None))


def test_claim_needs_text_and_a_known_assessment():
    assert_db_rejects(lambda: ClaimFactory(text=""))
    assert_db_rejects(lambda: ClaimFactory(assessment="probably"))


def test_claim_source_passage_must_be_in_the_article():
    article = ArticleFactory(raw_text="The mayor said the bridge is closed.\n\nAdvertisment\n")
    claim = ClaimFactory()
    good = ClaimSource(claim=claim, article=article, passage="the bridge is closed")
    good.full_clean()
    assert (good.start_offset, good.end_offset) == (15, 35)
    assert article.clean_text[15:35] == "the bridge is closed"
    bad = ClaimSource(claim=claim, article=article, passage="the bridge is open")
    with pytest.raises(ValidationError) as err:
        bad.full_clean()
    assert "does not occur in the article" in str(err.value)
    assert_db_rejects(
        lambda: ClaimSource.objects.create(
            claim=claim, article=article, passage="x", start_offset=5, end_offset=2
        )
    )


def test_claim_cannot_contradict_itself_and_relations_are_unique():
    claim = ClaimFactory()
    assert_db_rejects(
        lambda: ClaimRelation.objects.create(from_claim=claim, to_claim=claim, kind="contradicts")
    )
    other = ClaimFactory()
    ClaimRelation.objects.create(from_claim=claim, to_claim=other, kind="contradicts")
    assert_db_rejects(
        lambda: ClaimRelation.objects.create(from_claim=claim, to_claim=other, kind="contradicts")
    )


def test_wikidata_qid_is_unique_and_well_formed():
    ActorFactory(wikidata_qid="Q99999999")
    assert_db_rejects(lambda: ActorFactory(wikidata_qid="Q99999999"))
    actor = ActorFactory.build(wikidata_qid="42")
    with pytest.raises(ValidationError) as err:
        actor.full_clean()
    assert "Q42" in str(err.value)


def test_mention_names_exactly_one_entity():
    article = ArticleFactory()
    assert_db_rejects(
        lambda: Mention.objects.create(article=article, start_offset=0, end_offset=3, surface="x")
    )
    assert_db_rejects(
        lambda: Mention.objects.create(
            article=article,
            actor=ActorFactory(),
            location=LocationFactory(),
            start_offset=0,
            end_offset=3,
            surface="x",
        )
    )


def test_slug_is_frozen_once_published():
    actor = ActorFactory(name="Someone", status=Status.DRAFT)
    actor.slug = "someone-else"
    actor.save()  # drafts may still change their slug
    actor.status = Status.PUBLISHED
    actor.save()
    assert actor.first_published_at is not None
    actor.slug = "a-third-slug"
    with pytest.raises(ValidationError) as err:
        actor.full_clean()
    assert "cannot change once published" in str(err.value)
    with pytest.raises(ValidationError):
        actor.save()
    assert Actor.objects.get(pk=actor.pk).slug == "someone-else"


def test_slugs_are_derived_and_unique():
    first = ActorFactory(name="Islamic State Branch")
    second = ActorFactory(name="Islamic State Branch")
    assert first.slug == "islamic-state-branch"
    assert second.slug == "islamic-state-branch-2"


def test_article_raw_text_is_kept_unchanged_and_cleaned_beside_it():
    raw = "Lead paragraph line one\nline two.\n\nAdvertisment\n\nSecond paragraph.\n"
    article = ArticleFactory(raw_text=raw)
    article.refresh_from_db()
    assert article.raw_text == raw
    assert article.clean_text == "Lead paragraph line one line two.\n\nSecond paragraph."
    article.raw_text = raw + "tampered"
    with pytest.raises(ValidationError):
        article.save()
    assert Article.objects.get(pk=article.pk).raw_text == raw


def test_same_report_text_cannot_be_ingested_twice():
    ArticleFactory(raw_text="Exactly this text.")
    assert_db_rejects(lambda: ArticleFactory(raw_text="Exactly this text."))


def test_bare_citation_has_no_text():
    citation = ArticleFactory(raw_text="", headline="Reuters, 26 March 2024 (cited)")
    assert citation.is_citation
    assert citation.clean_text == ""
    ClaimSource(claim=ClaimFactory(), article=citation, passage="").full_clean()


def test_drafts_are_hidden_from_the_public_querysets(django_user_model):
    draft = EventFactory(status=Status.DRAFT)
    withdrawn = EventFactory(status=Status.WITHDRAWN)
    published = EventFactory()
    public_ids = set(Event.objects.visible_to(None).values_list("pk", flat=True))
    assert published.pk in public_ids
    assert draft.pk not in public_ids and withdrawn.pk not in public_ids
    staff = django_user_model(username="ed", is_staff=True)
    assert draft.pk in set(Event.objects.visible_to(staff).values_list("pk", flat=True))


def test_every_public_field_has_help_text():
    from django.apps import apps

    missing = []
    for model in apps.get_app_config("events").get_models():
        if model.__name__.startswith("Historical"):
            continue
        for f in model._meta.get_fields():
            if f.auto_created or not getattr(f, "concrete", False) or f.name == "id":
                continue
            if not f.help_text:
                missing.append(f"{model.__name__}.{f.name}")
    assert missing == []


def test_every_model_has_timestamps():
    from django.apps import apps

    for model in apps.get_app_config("events").get_models():
        if model.__name__.startswith("Historical"):
            continue
        names = {f.name for f in model._meta.get_fields()}
        assert {"created_at", "updated_at"} <= names, model.__name__


def test_every_public_entity_has_a_status():
    for model in (Event, Actor, Location, Article, Claim):
        field = model._meta.get_field("status")
        assert {c[0] for c in field.choices} >= {"draft", "published", "withdrawn"}
