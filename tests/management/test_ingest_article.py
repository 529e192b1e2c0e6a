"""manage.py ingest_article FILE…: a batch of reports through the same service as the admin."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from events.models import Article, Status
from tests import factories as f


@pytest.mark.django_db
def test_ingests_a_batch_with_a_progress_bar(tmp_path):
    outlet = f.ActorFactory(name="Example News", kind="media_outlet")
    first = tmp_path / "one.txt"
    first.write_text("Gunmen attacked a hall.\n\nAdvertisment\n\nFour were detained.\n")
    second = tmp_path / "two.txt"
    second.write_text("Officials declared a day of mourning.\n")
    out, err = StringIO(), StringIO()
    call_command(
        "ingest_article",
        str(first),
        str(second),
        "--publisher",
        outlet.slug,
        "--published-on",
        "2024-03-23",
        stdout=out,
        stderr=err,
    )
    one = Article.objects.get(headline="Gunmen attacked a hall.")
    assert one.raw_text == first.read_text()
    assert one.clean_text == "Gunmen attacked a hall.\n\nFour were detained."
    assert (one.publisher, str(one.published_on), one.status) == (
        outlet,
        "2024-03-23",
        Status.DRAFT,
    )
    assert Article.objects.filter(headline="Officials declared a day of mourning.").exists()
    assert "2/2" in err.getvalue()  # tqdm's bar
    assert out.getvalue().count("stored as") == 2


@pytest.mark.django_db
def test_bad_and_duplicate_files_are_reported_and_fail_the_command(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("A report.\n")
    binary = tmp_path / "bad.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    call_command("ingest_article", str(good), "--no-progress", stderr=StringIO())
    before = Article.objects.count()
    err = StringIO()
    with pytest.raises(CommandError, match="3 of 3 report"):
        call_command(
            "ingest_article", str(good), str(binary), str(tmp_path / "gone.txt"), stderr=err
        )
    assert "already ingested" in err.getvalue()
    assert "not UTF-8" in err.getvalue()
    assert "cannot read" in err.getvalue()
    assert Article.objects.count() == before


@pytest.mark.django_db
def test_unknown_publisher_is_refused_before_anything_is_stored(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("Text.\n")
    with pytest.raises(CommandError, match="No actor has the slug"):
        call_command("ingest_article", str(path), "--publisher", "nobody")
    assert not Article.objects.filter(raw_text="Text.\n").exists()
