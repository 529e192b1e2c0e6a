"""ingest_article with saved HTML pages and --url (a local server), and safe URL fetching."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from events.models import Article
from events.services.pages import url_fetch
from tests.replay import PAGES


def check_solingen(article: Article) -> None:
    assert article.headline == "Three killed in knife attack at Solingen festival"
    assert str(article.published_on) == "2024-08-24"
    assert article.byline == "Jane Example"
    assert article.url == "https://news.example.org/world/2024/08/24/solingen-knife-attack"
    assert article.language == "en-gb"
    assert article.clean_text.startswith("A man stabbed people at random")
    assert "Subscribe" not in article.clean_text and "Most read" not in article.clean_text
    assert len(article.paragraphs()) >= 3
    assert "Example News" in article.provenance_note


@pytest.mark.django_db
def test_a_saved_page_is_ingested_with_its_metadata_and_names_suggested():
    out, err = StringIO(), StringIO()
    call_command("ingest_article", str(PAGES / "solingen-report.html"), stdout=out, stderr=err)
    check_solingen(Article.objects.get(headline__startswith="Three killed"))
    said = out.getvalue()
    assert "name(s) not in the database yet: " in said and "Herbert Reul (person)" in said
    assert "Summary: 1 of 1 report(s) stored" in said
    assert "1/1" in err.getvalue()  # the progress bar


@pytest.mark.django_db
def test_a_url_is_fetched_and_ingested(page_server, settings):
    settings.PAGE_FETCH_ALLOW_LOOPBACK = True
    out = StringIO()
    call_command(
        "ingest_article",
        "--url",
        f"{page_server}/solingen-report.html",
        "--headline",
        "Solingen: three dead",
        "--published",
        "2024-08-23",
        "--no-progress",
        stdout=out,
        stderr=StringIO(),
    )
    article = Article.objects.get(headline="Solingen: three dead")
    assert str(article.published_on) == "2024-08-23"  # given, so it wins over the page's
    assert article.retrieved_at is not None
    assert "solingen-report.html" in article.provenance_note


@pytest.mark.django_db
def test_a_failed_url_changes_nothing_and_the_command_fails(page_server, settings):
    settings.PAGE_FETCH_ALLOW_LOOPBACK = True
    before = Article.objects.count()
    with pytest.raises(CommandError, match="1 of 1 report"):
        call_command(
            "ingest_article",
            "--url",
            f"{page_server}/missing.html",
            "--no-progress",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert Article.objects.count() == before


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "http:// or https://"),
        ("ftp://example.org/x", "http:// or https://"),
        ("http://127.0.0.1:9/", "private or local network"),
        ("http://10.0.0.1/", "private or local network"),
        ("http://169.254.169.254/latest/meta-data/", "private or local network"),
        ("http://[::1]/", "private or local network"),
    ],
)
def test_url_fetching_refuses_other_schemes_and_non_public_addresses(url, message):
    with pytest.raises(ValidationError, match=message):
        url_fetch(url)


def test_a_redirect_to_a_private_address_is_refused(page_server, settings):
    """Each hop is checked: a public page may not send the fetcher into the network."""
    settings.PAGE_FETCH_ALLOW_LOOPBACK = True
    # Loopback is allowed for the test server; the redirect target is private.
    with pytest.raises(ValidationError, match="private or local network"):
        url_fetch(f"{page_server}/redirect-to-private")
