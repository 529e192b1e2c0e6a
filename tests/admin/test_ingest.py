"""Ingesting a report in the admin: pasted or uploaded, stored unchanged, cleaned beside it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.models import Actor, Article, Status
from tests.replay import PAGES

REPORT = (
    " date 2024-03-23 Gunmen attacked Crocus City Hall in Krasnogorsk.\r\n\r\n"
    "Advertisment\r\n\r\nIslamic State claimed the attack.\r\n"
)


def post_article(client, **data):
    fields = {
        "headline": "",
        "raw_text": "",
        "published_on": "",
        "publisher": "",
        "byline": "",
        "url": "",
        "language": "en",
        "retrieved_at_0": "",
        "retrieved_at_1": "",
        "provenance_note": "",
        "version": "",
    }
    fields.update(data)
    return client.post(reverse("admin:events_article_add"), fields)


@pytest.mark.django_db
def test_pasted_report_is_stored_unchanged_and_cleaned_beside_it(editor_client, editor):
    response = post_article(editor_client, raw_text=REPORT)
    assert response.status_code == 302
    article = Article.objects.get(headline="Gunmen attacked Crocus City Hall in Krasnogorsk.")
    assert response["Location"] == reverse("admin:events_article_mentions", args=[article.pk])
    # As received, debris and dateline included; only the browser's CRLF form encoding of
    # the textarea is undone.
    assert article.raw_text == REPORT.replace("\r\n", "\n")
    assert "Advertisment" not in article.clean_text
    assert article.clean_text == (
        "Gunmen attacked Crocus City Hall in Krasnogorsk.\n\nIslamic State claimed the attack."
    )
    assert article.headline == "Gunmen attacked Crocus City Hall in Krasnogorsk."
    assert str(article.published_on) == "2024-03-23"
    assert article.status == Status.DRAFT
    assert article.history.get().history_user == editor


@pytest.mark.django_db
def test_uploaded_txt_file_is_ingested(editor_client):
    upload = SimpleUploadedFile("report.txt", REPORT.encode(), content_type="text/plain")
    response = post_article(editor_client, headline="Attack report", upload=upload)
    assert response.status_code == 302
    assert Article.objects.get(headline="Attack report").raw_text == REPORT  # byte for byte


@pytest.mark.django_db
def test_a_pasted_copy_of_an_uploaded_report_is_a_duplicate(editor_client):
    text = REPORT.replace("\r\n", "\n")
    upload = SimpleUploadedFile("report.txt", text.encode(), content_type="text/plain")
    assert post_article(editor_client, upload=upload).status_code == 302
    response = post_article(editor_client, raw_text=text.replace("\n", "\r\n"))
    assert "This exact text was already ingested" in response.content.decode()
    assert Article.objects.filter(raw_text=text).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"%PDF-1.4", "Upload a plain-text .txt file."),
        ("report.txt", "caf\u00e9".encode("latin-1"), "The file is not UTF-8 text."),
        ("report.txt", b"   \n", "The file is empty."),
    ],
)
def test_bad_upload_is_a_form_error_and_saves_nothing(editor_client, name, content, message):
    before = Article.objects.count()
    response = post_article(editor_client, upload=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Article.objects.count() == before


@pytest.mark.django_db
def test_paste_and_upload_together_is_refused(editor_client):
    upload = SimpleUploadedFile("report.txt", b"Other text.")
    response = post_article(editor_client, raw_text=REPORT, upload=upload)
    assert "Paste the text or upload a file, not both." in response.content.decode()
    assert not Article.objects.filter(headline__startswith="Gunmen attacked").exists()


@pytest.mark.django_db
def test_the_same_text_twice_is_refused(editor_client):
    post_article(editor_client, raw_text=REPORT)
    response = post_article(editor_client, raw_text=REPORT, headline="Again")
    assert response.status_code == 200
    assert "This exact text was already ingested" in response.content.decode()
    assert Article.objects.filter(headline__startswith="Gunmen attacked").count() == 1


@pytest.mark.django_db
def test_empty_submission_is_refused(editor_client):
    before = Article.objects.count()
    response = post_article(editor_client, raw_text="   ")
    assert response.status_code == 200
    assert "Paste the report&#x27;s text or upload a .txt file" in response.content.decode()
    assert Article.objects.count() == before


@pytest.mark.django_db
def test_raw_text_is_read_only_once_stored(editor_client):
    post_article(editor_client, raw_text=REPORT)
    article = Article.objects.get(headline__startswith="Gunmen attacked")
    response = editor_client.get(reverse("admin:events_article_change", args=[article.pk]))
    form = response.context["adminform"].form
    assert "raw_text" not in form.fields
    assert "Advertisment" in response.content.decode()  # shown, not editable


# --- Pages: a saved .html file or an address, extracted and shown for confirmation ------


def confirm_page(client, response) -> object:
    """Save the add form as the page filled it (what the editor does after checking it)."""
    form = response.context["adminform"].form
    assert "Extracted from the page" in response.content.decode()
    data = {k: v for k, v in form.data.items() if k not in ("upload", "page_url")}
    return client.post(reverse("admin:events_article_add"), data)


@pytest.mark.django_db
def test_a_saved_page_fills_the_form_for_confirmation_then_is_ingested(editor_client):
    outlet = Actor.objects.create(name="Example News", kind="media_outlet")
    html = (PAGES / "solingen-report.html").read_bytes()
    upload = SimpleUploadedFile("solingen.html", html, content_type="text/html")
    response = post_article(editor_client, upload=upload)
    assert (
        response.status_code == 200
        and not Article.objects.filter(headline__startswith="Three killed").exists()
    )  # nothing is stored before the editor confirms
    form = response.context["adminform"].form
    assert form.data["headline"] == "Three killed in knife attack at Solingen festival"
    assert form.data["published_on"] == "2024-08-24"
    assert form.data["byline"] == "Jane Example"
    assert form.data["publisher"] == str(outlet.pk)  # the site name is a known outlet
    assert form.data["language"] == "en-gb"
    assert form.data["raw_text"].startswith("A man stabbed people")
    saved = confirm_page(editor_client, response)
    assert saved.status_code == 302
    article = Article.objects.get(headline="Three killed in knife attack at Solingen festival")
    assert article.url == "https://news.example.org/world/2024/08/24/solingen-knife-attack"
    assert (article.publisher, article.byline) == (outlet, "Jane Example")
    assert "saved page solingen.html" in article.provenance_note


@pytest.mark.django_db
def test_an_address_is_fetched_and_shown_for_confirmation(editor_client, page_server, settings):
    settings.PAGE_FETCH_ALLOW_LOOPBACK = True
    response = post_article(editor_client, page_url=f"{page_server}/solingen-report.html")
    assert response.status_code == 200
    assert response.context["adminform"].form.data["retrieved_at_0"]
    assert confirm_page(editor_client, response).status_code == 302
    assert Article.objects.get(headline__startswith="Three killed").retrieved_at is not None


@pytest.mark.django_db
def test_a_private_address_is_a_form_error_and_nothing_is_fetched(editor_client):
    before = Article.objects.count()
    response = post_article(editor_client, page_url="http://192.168.1.1/report")
    assert response.status_code == 200
    assert "private or local network" in response.content.decode()
    assert Article.objects.count() == before
