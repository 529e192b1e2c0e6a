"""From an ingested article: confirm the names it mentions, then quote a passage in a claim."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from events.models import ActorAlias, Claim, ClaimSource, Mention, Status
from events.services import article_ingest
from tests import factories as f
from tests.admin.conftest import form_data, inline_prefix

TEXT = (
    "Президент Зеленський denied any link. Zelensky said Ukraine had nothing to do with it.\n\n"
    "The attack at Crocus City Hall in KRASNOGORSK was claimed by IS-K."
)


@pytest.fixture
def article(db):
    zelensky = f.ActorFactory(name="Volodymyr Zelensky", kind="person")
    ActorAlias.objects.create(actor=zelensky, name="Zelensky", language="en")
    ActorAlias.objects.create(actor=zelensky, name="Зеленський", language="uk")
    isk = f.ActorFactory(name="Islamic State Khorasan Province")
    ActorAlias.objects.create(actor=isk, name="IS-K")
    f.LocationFactory(name="Krasnogorsk")
    f.LocationFactory(name="Crocus City Hall", kind="venue")
    f.ActorFactory(name="Nobody In This Text")
    article = article_ingest(raw_text=TEXT, headline="Denial")
    article.zelensky = zelensky
    return article


@pytest.mark.django_db
def test_mentions_page_lists_names_and_aliases_in_any_script_with_offsets(editor_client, article):
    response = editor_client.get(reverse("admin:events_article_mentions", args=[article.pk]))
    assert response.status_code == 200
    found = {(r["c"].surface, r["c"].entity_name, r["c"].start) for r in response.context["rows"]}
    text = article.clean_text
    # ⊇ rather than ==: the Crocus record in the test database knows some of these too.
    assert found >= {
        ("Зеленський", "Volodymyr Zelensky", text.index("Зеленський")),
        ("Zelensky", "Volodymyr Zelensky", text.index("Zelensky")),
        ("Crocus City Hall", "Crocus City Hall", text.index("Crocus")),
        ("KRASNOGORSK", "Krasnogorsk", text.index("KRASNOGORSK")),
        ("IS-K", "Islamic State Khorasan Province", text.index("IS-K")),
    }
    for row in response.context["rows"]:
        assert text[row["c"].start : row["c"].end] == row["c"].surface
    assert "Nobody In This Text" not in response.content.decode()


@pytest.mark.django_db
def test_confirmed_mentions_are_stored_with_offsets_and_can_be_unconfirmed(
    editor_client, editor, article
):
    url = reverse("admin:events_article_mentions", args=[article.pk])
    rows = editor_client.get(url).context["rows"]
    chosen = [
        r["c"].key
        for r in rows
        if (r["c"].surface == "Зеленський" and r["c"].entity_id == article.zelensky.pk)
        or r["c"].surface == "KRASNOGORSK"
    ][:2]
    response = editor_client.post(url, {"mention": chosen})
    assert response.status_code == 302
    stored = Mention.objects.filter(article=article).order_by("start_offset")
    assert [(m.surface, m.confirmed, m.confirmed_by) for m in stored] == [
        ("Зеленський", True, editor),
        ("KRASNOGORSK", True, editor),
    ]
    for mention in stored:
        assert article.clean_text[mention.start_offset : mention.end_offset] == mention.surface
    assert Mention.history.filter(history_type="+").count() == 2
    # The page now shows them ticked; unticking one removes it.
    rows = editor_client.get(url).context["rows"]
    assert {r["c"].surface for r in rows if r["c"].confirmed} == {"Зеленський", "KRASNOGORSK"}
    keep = [r["c"].key for r in rows if r["c"].surface == "KRASNOGORSK" and r["c"].confirmed]
    editor_client.post(url, {"mention": keep})
    assert list(Mention.objects.filter(article=article).values_list("surface", flat=True)) == [
        "KRASNOGORSK"
    ]


@pytest.mark.django_db
def test_an_unknown_mention_key_is_refused_and_nothing_stored(editor_client, article):
    url = reverse("admin:events_article_mentions", args=[article.pk])
    response = editor_client.post(url, {"mention": ["actor:999999:0:5"]})
    assert response.status_code == 200
    assert "no longer found in the text" in response.content.decode()
    assert not Mention.objects.filter(article=article).exists()


@pytest.mark.django_db
def test_quote_a_passage_prefills_a_claim_with_its_source(editor_client, article):
    mentions_url = reverse("admin:events_article_mentions", args=[article.pk])
    rows = editor_client.get(mentions_url).context["rows"]
    editor_client.post(
        mentions_url,
        {
            "mention": [
                r["c"].key
                for r in rows
                if r["c"].surface == "Zelensky" and r["c"].entity_id == article.zelensky.pk
            ]
        },
    )
    zelensky = Mention.objects.get(article=article).actor
    assert zelensky == article.zelensky
    passage = "Zelensky said Ukraine had nothing to do with it."
    start = article.clean_text.index(passage)
    response = editor_client.post(
        reverse("admin:events_article_quote", args=[article.pk]),
        {"passage": passage, "start": start, "end": start + len(passage), "speaker": zelensky.pk},
    )
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.path == reverse("admin:events_claim_add")
    params = parse_qs(target.query)
    assert params["source_passage"] == [passage]
    assert params["speaker"] == [str(zelensky.pk)]

    add = editor_client.get(response["Location"])
    form = add.context["adminform"].form
    assert form["speaker"].value() == str(zelensky.pk)
    prefix = inline_prefix(add, "claimsource")
    source_form = next(
        i.formset for i in add.context["inline_admin_formsets"] if i.formset.prefix == prefix
    ).forms[0]
    assert source_form["passage"].value() == passage
    assert int(source_form["start_offset"].value()) == start

    # The editor links it to an event and saves: the claim and its source exist, as drafts.
    event = f.EventFactory()
    data = form_data(add)
    data.update(
        {
            "event": event.pk,
            "kind": "denial",
            "text": passage,
            "mode": "quote",
            "language": "en",
            "made_at_0": "2024-03-23",
            "made_at_1": "12:00:00",
            "status": "draft",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-article": article.pk,
            f"{prefix}-0-passage": passage,
            f"{prefix}-0-start_offset": start,
            f"{prefix}-0-end_offset": start + len(passage),
        }
    )
    saved = editor_client.post(reverse("admin:events_claim_add"), data)
    assert saved.status_code == 302, saved.context and saved.context["adminform"].form.errors
    claim = Claim.objects.get(text=passage)
    assert (claim.speaker, claim.event, claim.status) == (zelensky, event, Status.DRAFT)
    source = ClaimSource.objects.get(claim=claim)
    assert (source.article, source.start_offset, source.end_offset) == (
        article,
        start,
        start + len(passage),
    )


@pytest.mark.django_db
def test_quote_of_text_not_in_the_article_is_refused(editor_client, article):
    response = editor_client.post(
        reverse("admin:events_article_quote", args=[article.pk]),
        {"passage": "Words the article never says."},
    )
    assert response.status_code == 200
    assert "does not occur in the article" in response.content.decode()


@pytest.mark.django_db
def test_a_claim_source_whose_passage_is_not_in_the_article_saves_nothing(editor_client, article):
    add = editor_client.get(reverse("admin:events_claim_add"))
    prefix = inline_prefix(add, "claimsource")
    data = form_data(add)
    data.update(
        {
            "event": f.EventFactory().pk,
            "speaker": f.ActorFactory().pk,
            "kind": "statement",
            "text": "Something.",
            "mode": "paraphrase",
            "language": "en",
            "made_at_0": "2024-03-23",
            "made_at_1": "12:00:00",
            "status": "draft",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-article": article.pk,
            f"{prefix}-0-passage": "A passage that is not there.",
        }
    )
    before = Claim.objects.count()
    response = editor_client.post(reverse("admin:events_claim_add"), data)
    assert response.status_code == 200
    assert "does not occur in the article" in response.content.decode()
    assert Claim.objects.count() == before
