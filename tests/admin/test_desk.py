"""Recording a story from a report: the event with its participants, then claims at once."""

import datetime as dt

import pytest
from django.urls import reverse

from events.models import (
    Claim,
    ClaimKind,
    Event,
    Mention,
    Participation,
    Precision,
    Role,
    Status,
)
from events.services import article_ingest
from tests import factories as f

UTC = dt.UTC
REPORT = (
    "SOLINGEN, Germany, Aug 24 - A man stabbed people at a festival in the western German "
    "city of Solingen late on Friday, killing three people and wounding eight, police said. "
    "North Rhine-Westphalia Interior Minister Herbert Reul said the attack happened at the "
    'Fronhof square at about 9:40 p.m. "This is an attack on our country," Reul said.'
)


@pytest.fixture
def desk(db):
    """A report whose places and people are known and confirmed."""
    germany = f.LocationFactory(name="Germany", kind="country", timezone="Europe/Berlin")
    solingen = f.LocationFactory(
        name="Solingen", parent=germany, timezone="Europe/Berlin", status=Status.DRAFT
    )
    fronhof = f.LocationFactory(
        name="Fronhof", kind="district", parent=solingen, timezone="Europe/Berlin"
    )
    reul = f.ActorFactory(name="Herbert Reul", kind="person", status=Status.DRAFT)
    police = f.ActorFactory(name="Solingen police", kind="state_body")
    article = article_ingest(
        raw_text=REPORT,
        headline="Three killed in Solingen knife attack",
        published_on=dt.date(2024, 8, 24),
        language="en",
    )
    text = article.clean_text
    for field, entity, surface in (
        ("location", solingen, "Solingen"),
        ("location", fronhof, "Fronhof"),
        ("location", germany, "Germany"),
        ("actor", reul, "Herbert Reul"),
        ("actor", police, "police"),
    ):
        start = text.index(surface)
        Mention.objects.create(
            article=article,
            start_offset=start,
            end_offset=start + len(surface),
            surface=surface,
            confirmed=True,
            **{field: entity},
        )
    return {"article": article, "fronhof": fronhof, "reul": reul, "police": police}


@pytest.mark.django_db
def test_record_the_event_from_the_report(editor_client, desk):
    article = desk["article"]
    url = reverse("admin:events_article_record_event", args=[article.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["location"] == desk["fronhof"].pk  # the most specific place
    assert form.initial["day"] == dt.date(2024, 8, 24)
    assert "Fronhof ⊂ Solingen ⊂ Germany (Europe/Berlin)" in page.content.decode()

    response = editor_client.post(
        url,
        {
            "title": "Solingen festival stabbing",
            "event_type": "attack",
            "day": "2024-08-23",
            "clock": "21:40",
            "location": desk["fronhof"].pk,
            "summary": "",
            f"role_{desk['reul'].pk}": Role.OFFICIAL,
            f"role_{desk['police'].pk}": Role.RESPONDER,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:events_article_quote", args=[article.pk])
    event = Event.objects.get(title="Solingen festival stabbing")
    assert (event.status, event.timezone, event.start_precision) == (
        Status.DRAFT,
        "Europe/Berlin",
        Precision.MINUTE,
    )
    assert event.start == dt.datetime(2024, 8, 23, 19, 40, tzinfo=UTC)  # 21:40 CEST
    roles = set(Participation.objects.filter(event=event).values_list("actor__name", "role"))
    assert roles == {("Herbert Reul", Role.OFFICIAL), ("Solingen police", Role.RESPONDER)}
    assert set(Participation.objects.filter(event=event).values_list("source", flat=True)) == {
        article.pk
    }


@pytest.mark.django_db
def test_bad_input_is_a_form_error_and_records_nothing(editor_client, desk):
    url = reverse("admin:events_article_record_event", args=[desk["article"].pk])
    response = editor_client.post(url, {"title": "", "event_type": "attack", "day": "soon"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "day"}
    assert not Event.objects.filter(participations__source=desk["article"]).exists()


@pytest.mark.django_db
def test_a_passage_is_saved_as_a_claim_or_a_figure_at_once(editor_client, desk):
    article = desk["article"]
    event = f.EventFactory(
        title="Solingen festival stabbing",
        location=desk["fronhof"],
        timezone="Europe/Berlin",
        status=Status.DRAFT,
    )
    url = reverse("admin:events_article_quote", args=[article.pk])
    page = editor_client.get(url)
    assert event in page.context["events"]
    quote = '"This is an attack on our country," Reul said.'
    response = editor_client.post(
        url,
        {
            "passage": quote,
            "start": "",
            "end": "",
            "speaker": desk["reul"].pk,
            "event": event.pk,
            "kind": ClaimKind.STATEMENT,
            "mode": "quote",
            "_record": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url
    claim = Claim.objects.get(event=event, kind=ClaimKind.STATEMENT)
    assert (claim.speaker, claim.text, claim.status) == (desk["reul"], quote, Status.DRAFT)
    assert claim.made_at == dt.datetime(2024, 8, 23, 22, 0, tzinfo=UTC)  # 24 August there
    source = claim.sources.get()
    assert article.clean_text[source.start_offset : source.end_offset] == quote

    figure = "killing three people and wounding eight, police said."
    response = editor_client.post(
        url,
        {
            "passage": figure,
            "speaker": desk["police"].pk,
            "event": event.pk,
            "kind": ClaimKind.FIGURE,
            "mode": "paraphrase",
            "figure_qualifier": "exact",
            "figure_value": "3",
            "figure_metric": "killed",
            "_record": "1",
        },
    )
    assert response.status_code == 302
    killed = Claim.objects.get(event=event, kind=ClaimKind.FIGURE)
    assert (killed.figure_metric, killed.figure_value) == ("killed", 3)
    assert killed.figure_as_of == killed.made_at

    # A figure without its number is refused and nothing is stored.
    response = editor_client.post(
        url,
        {
            "passage": figure,
            "speaker": desk["police"].pk,
            "event": event.pk,
            "kind": ClaimKind.FIGURE,
            "mode": "paraphrase",
            "figure_value": "",
            "figure_metric": "injured",
            "_record": "1",
        },
    )
    assert response.status_code == 200
    assert "A figure needs" in response.content.decode()
    assert Claim.objects.filter(event=event).count() == 2
