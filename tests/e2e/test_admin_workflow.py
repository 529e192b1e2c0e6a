"""The editorial job end to end in a real browser (Debian's Chromium through Playwright).

An editor logs in, ingests the Crocus report, confirms the mentions, quotes a passage in a
new claim linked to the attack; the claim's public page is a 404 until a publisher publishes
it, and shows it afterwards. On failure a screenshot lands in test-artifacts/.
"""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from events.models import ActorAlias, Claim, ClaimSource, Mention, Status
from tests import factories as f

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "test-artifacts"
REPORT = (ROOT / "tests" / "data" / "crocus-city-hall-report.txt").read_text()
PASSAGE = (
    "Meanwhile, Ukrainian President Volodymyr Zelensky has repudiated attempts to attribute "
    "blame to Ukraine, highlighting the geopolitical sensitivities at play."
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def newsroom(db):
    """Two people, the known actors and places, and the published attack event."""
    for username, group in (("edna", "Editors"), ("paul", "Publishers")):
        user = User.objects.create_user(username, password=f"{username}-pass-1234", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
    zelensky = f.ActorFactory(name="Volodymyr Zelensky", kind="person")
    ActorAlias.objects.create(actor=zelensky, name="Зеленський", language="uk")
    f.ActorFactory(name="Vladimir Putin", kind="person")
    krasnogorsk = f.LocationFactory(name="Krasnogorsk")
    venue = f.LocationFactory(name="Crocus City Hall", kind="venue", parent=krasnogorsk)
    event = f.EventFactory(title="Crocus City Hall attack", location=venue)
    return {"zelensky": zelensky, "event": event}


def log_in(context, base: str, username: str):
    page = context.new_page()
    page.goto(base + reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", f"{username}-pass-1234")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))
    return page


def test_editor_to_publisher_to_reader(chromium, live_server, newsroom, request):
    base = live_server.url
    pages = []
    try:
        editor_context = chromium.new_context(viewport={"width": 1280, "height": 1000})
        page = log_in(editor_context, base, "edna")
        pages.append(page)

        # Ingest: paste the report as received.
        page.goto(base + reverse("admin:events_article_add"))
        page.fill("#id_raw_text", REPORT)
        page.click("input[name=_save]")
        page.wait_for_url(re.compile(r".*/mentions/$"))
        assert "Now confirm which known actors and places" in page.content()

        # Confirm the mentions the report really makes.
        rows = page.locator("tr.mention-row")
        assert rows.filter(has_text="Volodymyr Zelensky").count() >= 1
        assert rows.filter(has_text="Crocus City Hall").count() >= 1
        rows.filter(has_text="Volodymyr Zelensky").first.locator("input").check()
        rows.filter(has_text="Crocus City Hall").first.locator("input").check()
        page.click("input[name=_confirm]")
        page.wait_for_selector("text=2 mention(s) confirmed")
        assert Mention.objects.filter(confirmed=True).count() == 2

        # Quote: select the passage in the cleaned text, as an editor would with the mouse.
        page.click("#quote-link")
        page.wait_for_selector("#clean-text")
        page.evaluate(
            """(passage) => {
                const node = document.getElementById("clean-text").firstChild;
                const start = node.textContent.indexOf(passage);
                const range = document.createRange();
                range.setStart(node, start);
                range.setEnd(node, start + passage.length);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                document.getElementById("clean-text").dispatchEvent(
                    new MouseEvent("mouseup", {bubbles: true}));
            }""",
            PASSAGE,
        )
        assert page.input_value("#id_passage") == PASSAGE
        assert page.input_value("#id_start") != ""
        page.select_option("#id_speaker", label="Volodymyr Zelensky")
        page.click("#quote-form input[type=submit]")
        page.wait_for_url(re.compile(r".*/admin/events/claim/add/.*"))

        # The claim form arrives with speaker and source filled in; link it to the attack.
        assert page.input_value("#id_sources-0-passage") == PASSAGE
        page.select_option("#id_kind", "denial")
        page.select_option("#id_mode", "quote")
        page.click(".field-event .select2-selection")
        page.fill(".select2-search__field", "Crocus")
        page.click(".select2-results__option:has-text('Crocus City Hall attack')")
        page.fill("#id_made_at_0", "2024-03-23")
        page.fill("#id_made_at_1", "12:00:00")
        page.click("input[name=_save]")
        page.wait_for_url(re.compile(r".*/admin/events/claim/$"))

        claim = Claim.objects.get(text=PASSAGE)
        assert claim.event == newsroom["event"]
        assert claim.speaker == newsroom["zelensky"]
        assert claim.status == Status.DRAFT
        source = ClaimSource.objects.get(claim=claim)
        assert source.article.clean_text[source.start_offset : source.end_offset] == PASSAGE

        # Readers cannot see the draft.
        reader_context = chromium.new_context()
        reader = reader_context.new_page()
        pages.append(reader)
        public_url = base + reverse("events:claim-detail", args=[claim.pk])
        assert reader.goto(public_url).status == 404

        # The editor cannot publish: the status menu offers draft and review only.
        page.goto(base + reverse("admin:events_claim_change", args=[claim.pk]))
        options = page.locator("#id_status option").all_inner_texts()
        assert "Published" not in options
        editor_context.close()

        # A publisher publishes it.
        publisher_context = chromium.new_context(viewport={"width": 1280, "height": 1000})
        pub = log_in(publisher_context, base, "paul")
        pages.append(pub)
        pub.goto(base + reverse("admin:events_claim_change", args=[claim.pk]))
        pub.select_option("#id_status", "published")
        pub.click("input[name=_save]")
        pub.wait_for_url(re.compile(r".*/admin/events/claim/$"))
        claim.refresh_from_db()
        assert claim.status == Status.PUBLISHED
        publisher_context.close()

        # Now the public page shows it.
        response = reader.goto(public_url)
        assert response.status == 200
        body = reader.content()
        assert "Volodymyr Zelensky" in body
        assert PASSAGE[:60] in body
        reader_context.close()
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        for i, p in enumerate(pages):
            if not p.is_closed():
                p.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{i}.png"), full_page=True)
        raise
