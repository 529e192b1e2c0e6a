"""Ingestion and mention finding as services (the admin and the command call these)."""

import pytest
from django.core.exceptions import ValidationError

from events.models import ActorAlias, Article
from events.services import article_find_mentions, article_ingest, article_locate_passage
from tests import factories as f


@pytest.mark.django_db
def test_the_longest_name_wins_and_words_must_be_whole():
    # Invented names, so the Crocus record loaded in every test database does not interfere.
    f.ActorFactory(name="Alpha Front")
    branch = f.ActorFactory(name="Alpha Front Northern Branch")
    ActorAlias.objects.create(actor=branch, name="AF-N")
    f.LocationFactory(name="Zedtown")
    article = article_ingest(
        raw_text="Alpha Front Northern Branch (AF-N) struck near Zedtown; Zedtowners "
        "mourned. Alpha Front praised it.",
    )
    found = [(c.surface, c.entity_name) for c in article_find_mentions(article=article)]
    assert found == [
        ("Alpha Front Northern Branch", "Alpha Front Northern Branch"),
        ("AF-N", "Alpha Front Northern Branch"),
        ("Zedtown", "Zedtown"),
        ("Alpha Front", "Alpha Front"),
    ]


@pytest.mark.django_db
def test_ingest_refuses_empty_and_duplicate_text():
    with pytest.raises(ValidationError):
        article_ingest(raw_text="   ")
    article_ingest(raw_text="Report.")
    with pytest.raises(ValidationError, match="already ingested"):
        article_ingest(raw_text="Report.")
    assert Article.objects.filter(raw_text="Report.").count() == 1


@pytest.mark.django_db
def test_locate_passage_checks_offsets_and_falls_back_to_searching():
    article = article_ingest(raw_text="One.\n\nTwo sentences here. Three.")
    text = article.clean_text
    start = text.index("Two")
    assert article_locate_passage(article=article, passage="Two sentences here.") == (
        "Two sentences here.",
        start,
        start + 19,
    )
    # Wrong offsets from a browser are not trusted.
    assert article_locate_passage(article=article, passage="Three.", start=0, end=6)[1] == (
        text.index("Three.")
    )
    with pytest.raises(ValidationError):
        article_locate_passage(article=article, passage="Four.")
