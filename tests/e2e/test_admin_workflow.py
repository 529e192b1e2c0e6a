"""The editorial job end to end in a real browser (Debian's Chromium through Playwright).

An editor logs in, ingests the Crocus report, confirms the mentions, quotes a passage in a
new claim linked to the attack; the claim's public page is a 404 until a publisher publishes
it, and shows it afterwards. On failure a screenshot lands in test-artifacts/.
"""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from playwright.sync_api import expect

from events.models import (
    Actor,
    ActorAlias,
    Article,
    Claim,
    ClaimSource,
    Event,
    Location,
    Mention,
    Status,
)
from tests import factories as f

ROOT = Path(__file__).resolve().parent.parent.parent
# The report as scraped from another page: a share bar more than the copy load_crocus stores,
# so its raw text is new (the same text twice is refused) while its cleaned text is the same.
REPORT = (ROOT / "events" / "data" / "crocus" / "report.txt").read_text() + "\nShare this\n"
PASSAGE = (
    "Meanwhile, Ukrainian President Volodymyr Zelensky has repudiated attempts to attribute "
    "blame to Ukraine, highlighting the geopolitical sensitivities at play."
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newsroom(db, editorial_groups):
    """Two people, the known actors and places, and the published attack event."""
    for username, group in (("edna", "Editors"), ("paul", "Publishers")):
        user = User.objects.create_user(username, password=f"{username}-pass-1234", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
    # Use the Crocus record where it is loaded; build the few rows needed where it is not.
    zelensky = Actor.objects.filter(slug="volodymyr-zelensky").first()
    if zelensky is None:
        zelensky = f.ActorFactory(name="Volodymyr Zelensky", kind="person")
        ActorAlias.objects.create(actor=zelensky, name="Зеленський", language="uk")
    venue = Location.objects.filter(slug="crocus-city-hall").first()
    if venue is None:
        krasnogorsk = f.LocationFactory(name="Krasnogorsk")
        venue = f.LocationFactory(name="Crocus City Hall", kind="venue", parent=krasnogorsk)
    event = Event.objects.filter(slug="crocus-city-hall-attack").first()
    if event is None:
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


def test_editor_to_publisher_to_reader(browser, live_server, newsroom, request, artifacts_dir):
    base = live_server.url
    pages = []
    try:
        editor_context = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = log_in(editor_context, base, "edna")
        pages.append(page)

        # Ingest: paste the report as received.
        page.goto(base + reverse("admin:events_article_add"))
        page.fill("#id_raw_text", REPORT)
        page.click("input[name=_save]")
        page.wait_for_url(re.compile(r".*/mentions/$"))
        assert "Now confirm which known actors and places" in page.content()

        # Confirm the mentions the report really makes.
        article = Article.objects.get(raw_text=REPORT)
        rows = page.locator("tr.mention-row")
        zelensky_key = f"actor:{newsroom['zelensky'].pk}:"
        venue_key = f"location:{newsroom['event'].location_id}:"
        assert page.locator(f"tr[data-key^='{zelensky_key}']").count() >= 1
        assert rows.filter(has_text="Crocus City Hall").count() >= 1
        page.locator(f"tr[data-key^='{zelensky_key}'] input").first.check()
        page.locator(f"tr[data-key^='{venue_key}'] input").first.check()
        page.click("input[name=_confirm]")
        page.wait_for_selector("text=2 mention(s) confirmed")
        confirmed = Mention.objects.filter(article=article, confirmed=True)
        assert {m.actor_id or m.location_id for m in confirmed} == {
            newsroom["zelensky"].pk,
            newsroom["event"].location_id,
        }

        # Quote: select the passage in the cleaned text, as an editor would with the mouse.
        page.click("#quote-link")
        # Wait for the script that captures the selection, not only for the text: under
        # load the text is on screen before the deferred script has bound its listeners.
        page.wait_for_selector("#clean-text[data-ready=true]")
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
        expect(page.locator("#id_passage")).to_have_value(PASSAGE)
        expect(page.locator("#id_start")).not_to_have_value("")
        page.select_option("#id_speaker", str(newsroom["zelensky"].pk))
        page.click("#quote-form input[type=submit]")
        page.wait_for_url(re.compile(r".*/admin/events/claim/add/.*"))

        # The claim form arrives with speaker and source filled in; link it to the attack.
        expect(page.locator("#id_sources-0-passage")).to_have_value(PASSAGE)
        page.select_option("#id_kind", "denial")
        page.select_option("#id_mode", "quote")
        page.click(".field-event .select2-selection")
        title = newsroom["event"].title
        page.fill(".select2-search__field", title)
        exact = re.compile("^" + re.escape(title) + "$")
        page.locator(".select2-results__option", has_text=exact).first.click()
        page.fill("#id_made_at_0", "2024-03-23")
        page.fill("#id_made_at_1", "12:00")
        page.click("input[name=_save]")
        page.wait_for_url(re.compile(r".*/admin/events/claim/$"))

        claim = Claim.objects.get(text=PASSAGE, sources__article=article)
        assert claim.event == newsroom["event"]
        assert claim.speaker == newsroom["zelensky"]
        assert claim.status == Status.DRAFT
        source = ClaimSource.objects.get(claim=claim)
        assert source.article.clean_text[source.start_offset : source.end_offset] == PASSAGE

        # Readers cannot see the draft.
        reader_context = browser.new_context()
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
        publisher_context = browser.new_context(viewport={"width": 1280, "height": 1000})
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
        assert newsroom["zelensky"].name in body
        assert PASSAGE[:60] in body
        reader_context.close()
    except Exception:
        for i, p in enumerate(pages):
            if not p.is_closed():
                p.screenshot(
                    path=str(artifacts_dir / f"{request.node.name}-{i}.png"), full_page=True
                )
        raise
