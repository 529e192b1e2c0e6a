"""Names the database does not know yet: suggested on the Mentions page, created in one click."""

import re

import pytest
from django.urls import reverse

from events.models import Actor, ActorAlias, Location, LocationAlias, Mention
from events.reads.places import EVERY_PLACE, ancestors
from events.services import article_ingest

SOLINGEN = (
    "A man stabbed people at a festival in the western German city of Solingen on Friday, "
    "police said. North Rhine-Westphalia Interior Minister Herbert Reul said the suspect had "
    "handed himself in. Reul told reporters the attack happened at the Fronhof, a square in "
    "the city centre."
)


@pytest.fixture
def article(db):
    return article_ingest(raw_text=SOLINGEN, headline="Solingen", language="en")


def rows(client, article):
    response = client.get(reverse("admin:events_article_mentions", args=[article.pk]))
    assert response.status_code == 200
    return {r["s"].name: r for r in response.context["suggestions"]}


@pytest.mark.django_db
def test_unknown_people_and_places_are_suggested_beside_the_known_mentions(editor_client, article):
    found = rows(editor_client, article)
    assert found["Herbert Reul"]["s"].kind == "person"
    assert found["Herbert Reul"]["s"].occurrences == [
        (SOLINGEN.index("Herbert Reul"), SOLINGEN.index("Herbert Reul") + 12),
        (SOLINGEN.index("Reul told"), SOLINGEN.index("Reul told") + 4),
    ]
    solingen = found["Solingen"]
    assert solingen["s"].kind == "place"
    assert solingen["places"][0].describe() == "Solingen ⊂ North Rhine-Westphalia ⊂ Germany"
    assert solingen["places"][0].timezone == "Europe/Berlin"
    page = editor_client.get(reverse("admin:events_article_mentions", args=[article.pk]))
    html = page.content.decode()
    assert "Create and confirm" in html
    # A row's fields sit in table cells, so they name their row's form (form="…"): a click
    # on a row's button posts that row's fields and no other row's.
    for number, row in enumerate(re.findall(r'<tr class="suggestion-row".*?</tr>', html, re.S)):
        form_id = f"suggestion-{number + 1}"
        assert f'<form id="{form_id}"' in row
        controls = re.findall(r"<(?:input|select|button)\b[^>]*>", row)
        named = [c for c in controls if 'name="csrfmiddlewaretoken"' not in c]
        assert all(f'form="{form_id}"' in c or 'type="hidden"' in c for c in named), row


@pytest.mark.django_db
def test_one_click_creates_a_person_with_the_alias_as_written_and_confirms_mentions(
    editor_client, editor, article
):
    key = rows(editor_client, article)["Herbert Reul"]["s"].key
    url = reverse("admin:events_article_suggestion_create", args=[article.pk])
    response = editor_client.post(url, {"key": key, "name": "Herbert Reul"})
    assert response.status_code == 302
    reul = Actor.objects.get(name="Herbert Reul")
    assert (reul.kind, reul.status, reul.description) == (
        "person",
        "draft",
        "North Rhine-Westphalia Interior Minister",
    )
    assert reul.history.first().history_user == editor
    mentions = Mention.objects.filter(article=article, actor=reul, confirmed=True)
    assert [m.surface for m in mentions] == ["Herbert Reul"]
    assert "Herbert Reul" not in rows(editor_client, article)  # now a known mention


@pytest.mark.django_db
def test_a_place_is_created_with_its_parent_chain_from_the_gazetteer(editor_client, article):
    row = rows(editor_client, article)["Solingen"]
    url = reverse("admin:events_article_suggestion_create", args=[article.pk])
    response = editor_client.post(
        url, {"key": row["s"].key, "gazetteer": row["places"][0].key}, follow=True
    )
    assert "Created the location" in response.content.decode(), [
        str(m) for m in response.context["messages"]
    ]
    solingen = Location.objects.get(name="Solingen")
    assert [(p.name, p.kind) for p in [solingen, *ancestors(solingen, EVERY_PLACE)]] == [
        ("Solingen", "city"),
        ("North Rhine-Westphalia", "region"),
        ("Germany", "country"),
    ]
    assert solingen.timezone == "Europe/Berlin"
    assert 51.1 < solingen.latitude < 51.2 and 7.0 < solingen.longitude < 7.2
    assert Mention.objects.filter(article=article, location=solingen, confirmed=True).exists()

    # Fronhof is not in any gazetteer: it is created inside Solingen, now known, in one click.
    article2 = article_ingest(
        raw_text="Flowers were laid at the Fronhof Square in Solingen on Sunday.",
        headline="Flowers",
    )
    found = rows(editor_client, article2)
    fronhof = found["Fronhof Square"]
    assert not fronhof["places"]
    at = article2.clean_text.index("Solingen")
    Mention.objects.create(
        article=article2, location=solingen, start_offset=at, end_offset=at + 8, confirmed=True
    )
    choices = dict(
        editor_client.get(reverse("admin:events_article_mentions", args=[article2.pk])).context[
            "parent_choices"
        ]
    )
    assert choices[f"loc:{solingen.pk}"] == "Solingen ⊂ North Rhine-Westphalia ⊂ Germany"
    editor_client.post(
        reverse("admin:events_article_suggestion_create", args=[article2.pk]),
        {
            "key": fronhof["s"].key,
            "name": "Fronhof",
            "parent": f"loc:{solingen.pk}",
            "location_kind": "venue",
        },
    )
    created = Location.objects.get(name="Fronhof")
    assert (created.parent, created.kind) == (solingen, "venue")
    assert LocationAlias.objects.filter(location=created, name="Fronhof Square").exists()


@pytest.mark.django_db
def test_a_stale_suggestion_is_refused_and_nothing_is_created(editor_client, article):
    before = Actor.objects.count()
    response = editor_client.post(
        reverse("admin:events_article_suggestion_create", args=[article.pk]),
        {"key": "person:nobody at all"},
        follow=True,
    )
    assert "no longer suggested" in response.content.decode()
    assert Actor.objects.count() == before


@pytest.mark.django_db
def test_an_abbreviation_in_brackets_becomes_a_case_sensitive_alias(editor_client):
    article = article_ingest(
        raw_text="The Popular Front for Testing (PFT) said it was behind the blast.",
        headline="PFT",
    )
    key = rows(editor_client, article)["Popular Front for Testing"]["s"].key
    editor_client.post(
        reverse("admin:events_article_suggestion_create", args=[article.pk]), {"key": key}
    )
    alias = ActorAlias.objects.get(name="PFT")
    assert alias.is_abbreviation and alias.actor.kind == "organisation"


@pytest.mark.django_db
def test_a_participation_passage_must_stand_in_its_source(article):
    """Issue 13, item 7: checked as a claim source's passage is (one rule, on Article)."""
    from django.core.exceptions import ValidationError

    from tests import factories as f

    participation = f.ParticipationFactory.build(
        event=f.EventFactory(), actor=f.ActorFactory(), source=article, passage="Not in it."
    )
    with pytest.raises(ValidationError, match="does not occur in the article's text"):
        participation.full_clean()
    participation.passage = "police said"
    participation.full_clean()  # a passage that stands in the text passes


@pytest.mark.django_db
def test_a_dateline_gives_the_name_as_written_elsewhere_and_no_person():
    article = article_ingest(
        raw_text="SOLINGEN, Germany, Aug 24 - A man stabbed people at the Fronhof, a square "
        "in Solingen, police said.",
        headline="Dateline",
        language="en",
    )
    from events.services.suggestions import article_suggest_names

    names = {(s.kind, s.name) for s in article_suggest_names(article=article)}
    assert ("place", "Solingen") in names  # not the dateline's SOLINGEN
    assert ("place", "Fronhof") in names  # glossed as a square: a place
    assert not [name for kind, name in names if kind == "person"]  # not "Aug 24 - A"
