"""The measure of issue 13: the Solingen story recorded in the admin, clicks counted.

An editor pastes two reports (``tests/data/solingen/``), creates what they name that the
database does not know, records the event with its participants, saves five claims (two
of them figures) from passages, and a publisher publishes the whole story at once. The test
counts what a person does (clicks, menu choices, typed fields) and the page loads, checks
the result in the database and on the reader's page, and writes the counts to
docs/admin.md (between the ``desk-measure`` markers) and test-artifacts/.

Counting: a click on a button, link or checkbox is one click; selecting a passage with the
mouse is one click; choosing from a menu is one *choice* (two clicks with the mouse, or
keys); filling a field is one typed field (the whole report pasted is one); following a
link to a page is one click. Logging in counts. Checks made after the story is published
(the panels fit, the claim form's length) are not counted.
"""

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from events import gazetteer
from events.models import Actor, Article, Claim, ClaimKind, Event, Location, Participation, Status
from events.reads.places import EVERY_PLACE, ancestors
from tests.conftest import make_editorial_groups

ROOT = Path(__file__).resolve().parent.parent.parent
REPORTS = ROOT / "tests" / "data" / "solingen"
DOCS = ROOT / "docs" / "admin.md"
MARKERS = ("<!-- desk-measure:start -->", "<!-- desk-measure:end -->")
TARGET_CLICKS, TARGET_TYPED = 80, 40
WAIT = 120_000  # ms: waits are for a state, generous for a loaded machine

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


class Desk:
    """A browser page whose every action by the person at it is counted."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.clicks = self.choices = self.typed = self.loads = 0
        page.on("load", self._loaded)
        # Every wait below is for a state (a page, a message, a value), never for a time;
        # on a loaded machine a state can take long to come, so the waits are generous.
        page.set_default_timeout(WAIT)
        page.set_default_navigation_timeout(WAIT)

    def _loaded(self, _page):
        self.loads += 1

    def go(self, path: str):
        self.clicks += 1  # following a link (or a bookmark) to the page
        self.page.goto(self.base + path)

    def click(self, selector: str, navigates: bool = True):
        self.clicks += 1
        if navigates:
            with self.page.expect_navigation():
                self.page.click(selector)
        else:
            self.page.click(selector)

    def tick(self, selector: str):
        self.clicks += 1
        self.page.check(selector)

    def choose(self, selector: str, value: str):
        self.choices += 1
        self.page.select_option(selector, value)

    def type(self, selector: str, text: str):
        self.typed += 1
        self.page.fill(selector, text)

    def select_passage(self, passage: str):
        """Select ``passage`` in the article's text with the mouse (one drag)."""
        self.clicks += 1
        self.page.evaluate(
            """(passage) => {
                const node = document.getElementById("clean-text").firstChild;
                const start = node.textContent.indexOf(passage);
                if (start < 0) throw new Error("passage not in the text: " + passage);
                const range = document.createRange();
                range.setStart(node, start);
                range.setEnd(node, start + passage.length);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                document.getElementById("clean-text").dispatchEvent(
                    new MouseEvent("mouseup", {bubbles: true}));
            }""",
            passage,
        )
        expect(self.page.locator("#id_passage")).to_have_value(passage, timeout=WAIT)

    def counts(self) -> dict:
        return {
            "clicks": self.clicks,
            "choices": self.choices,
            "typed": self.typed,
            "loads": self.loads,
        }


@pytest.fixture
def empty_newsroom(transactional_db):
    """Nothing recorded yet (the story is new to the database), an editor and a publisher."""
    call_command("flush", interactive=False, verbosity=0)
    make_editorial_groups()
    # The gazetteer loads on first use in a process (seconds; more under load): load it
    # before the browser starts, as a running server has it loaded.
    assert gazetteer.search("Solingen")
    for username, group in (("edna", "Editors"), ("paul", "Publishers")):
        user = User.objects.create_user(username, password=f"{username}-pass-1234", is_staff=True)
        user.groups.add(Group.objects.get(name=group))


def log_in(desk: Desk, username: str):
    desk.go(reverse("admin:login"))
    desk.type("#id_username", username)
    desk.type("#id_password", f"{username}-pass-1234")
    desk.click("input[type=submit]")
    expect(desk.page).to_have_url(re.compile(r".*/admin/$"), timeout=WAIT)


def create_suggestion(desk: Desk, name: str, **choices: str):
    row = desk.page.locator(
        "tr.suggestion-row", has=desk.page.locator(f'input[name=name][value="{name}"]')
    ).first
    form = row.get_attribute("data-key")
    for field, value in choices.items():
        desk.choose(f'tr.suggestion-row[data-key="{form}"] select[name={field}]', value)
    desk.click(f'tr.suggestion-row[data-key="{form}"] button.create-suggestion')
    expect(desk.page.locator(".messagelist")).to_contain_text(f"“{name}”", timeout=WAIT)


def ingest(desk: Desk, report: str, published_on: str):
    desk.go(reverse("admin:events_article_add"))
    desk.type("#id_raw_text", report)
    desk.type("#id_published_on", published_on)  # the dateline gives no year
    desk.click("input[name=_save]")
    expect(desk.page).to_have_url(re.compile(r".*/mentions/$"), timeout=WAIT)


def save_claim(desk: Desk, passage: str, speaker: Actor, kind: str, **figure: str):
    desk.select_passage(passage)
    desk.choose("#id_speaker", str(speaker.pk))
    if desk.page.input_value("#id_kind") != kind:
        desk.choose("#id_kind", kind)
    mode = "quote" if passage.startswith('"') else "paraphrase"
    if desk.page.input_value("#id_mode") != mode:
        desk.choose("#id_mode", mode)
    if "value" in figure:
        desk.type("#id_figure_value", figure["value"])
    if figure.get("metric") and desk.page.input_value("#id_figure_metric") != figure["metric"]:
        desk.choose("#id_figure_metric", figure["metric"])
    desk.click("#record-claim")
    expect(desk.page.locator(".messagelist")).to_contain_text("as a draft claim", timeout=WAIT)


def write_counts(counts: dict, artifacts_dir: Path) -> None:
    (artifacts_dir / "desk_measure.json").write_text(json.dumps(counts, indent=2) + "\n")
    clicks = counts["clicks"] + counts["choices"]
    table = "\n".join(
        [
            MARKERS[0],
            "| what the people at the desk did | count |",
            "| --- | --- |",
            f"| clicks (buttons, links, checkboxes, passage selections) | {counts['clicks']} |",
            f"| menu choices | {counts['choices']} |",
            f"| **clicks, counting a menu choice as one** (target ≤ {TARGET_CLICKS}) "
            f"| **{clicks}** |",
            f"| clicks, counting a menu choice as two (open, pick) "
            f"| {counts['clicks'] + 2 * counts['choices']} |",
            f"| **typed fields** (target ≤ {TARGET_TYPED}) | **{counts['typed']}** |",
            f"| page loads | {counts['loads']} |",
            MARKERS[1],
        ]
    )
    text = DOCS.read_text()
    start, end = text.find(MARKERS[0]), text.find(MARKERS[1])
    if start >= 0 and end > start:
        DOCS.write_text(text[:start] + table + text[end + len(MARKERS[1]) :])


def test_the_solingen_story_from_pasted_reports_to_a_published_page(
    browser, live_server, empty_newsroom, request, artifacts_dir
):
    report_1 = (REPORTS / "report-1.txt").read_text()
    report_2 = (REPORTS / "report-2.txt").read_text()
    base = live_server.url
    editor_context = browser.new_context(viewport={"width": 1280, "height": 1000})
    publisher_context = browser.new_context(viewport={"width": 1280, "height": 1000})
    editor = Desk(editor_context.new_page(), base)
    publisher = Desk(publisher_context.new_page(), base)
    try:
        log_in(editor, "edna")

        # Report 1: the attack. Create the places and people it names; Solingen comes from
        # the gazetteer with its chain, Fronhof goes inside it.
        ingest(editor, report_1, "2024-08-24")
        create_suggestion(editor, "Solingen")
        solingen = Location.objects.get(name="Solingen")
        create_suggestion(editor, "Fronhof", parent=f"loc:{solingen.pk}", location_kind="venue")
        create_suggestion(editor, "Düsseldorf Police")
        create_suggestion(editor, "Herbert Reul")

        # The event, with the two participants this report names.
        police = Actor.objects.get(name="Düsseldorf Police")
        reul = Actor.objects.get(name="Herbert Reul")
        editor.click("#record-event-link")
        editor.type("#id_title", "Solingen festival stabbing")
        editor.type("#id_day", "2024-08-23")
        editor.type("#id_clock", "21:40")
        editor.choose(f"#id_role_{police.pk}", "responder")
        editor.choose(f"#id_role_{reul.pk}", "official")
        editor.click("input[name=_record_event]")
        messages = editor.page.locator(".messagelist")
        expect(messages).to_contain_text("with 2 participant(s)", timeout=WAIT)

        # Its claims: two figures and the minister's words.
        editor.page.wait_for_selector("#clean-text[data-ready=true]")
        figures = "killing three people and wounding eight, police said."
        save_claim(editor, figures, police, ClaimKind.FIGURE, value="3", metric="killed")
        save_claim(editor, figures, police, ClaimKind.FIGURE, value="8", metric="injured")
        save_claim(editor, '"This is an attack on our country," Reul said.', reul, "statement")

        # Report 2: the suspect, the claim of responsibility, the prosecutors, the chancellor.
        ingest(editor, report_2, "2024-08-26")
        fronhof_row = editor.page.locator("tr.mention-row", has_text="Fronhof").first
        editor.tick(f'tr.mention-row[data-key="{fronhof_row.get_attribute("data-key")}"] input')
        editor.click("input[name=_confirm]")
        for name in (
            "Islamic State",
            "Olaf Scholz",
            "Federal Prosecutor's Office",
            "Issa al H",
            "Amaq",
        ):
            create_suggestion(editor, name)
        event = Event.objects.get(title="Solingen festival stabbing")
        roles = {
            "Issa al H": "suspected_perpetrator",
            "Islamic State": "claimant",
            "Federal Prosecutor's Office": "investigator",
            "Olaf Scholz": "commentator",
        }
        editor.click("#record-event-link")
        editor.choose("#id_existing", str(event.pk))
        for name, role in roles.items():
            editor.choose(f"#id_role_{Actor.objects.get(name=name).pk}", role)
        editor.click("input[name=_record_event]")
        expect(messages).to_contain_text("with 4 participant(s)", timeout=WAIT)
        editor.page.wait_for_selector("#clean-text[data-ready=true]")
        save_claim(
            editor,
            'saying the attacker was "a soldier of the Islamic State" who had acted to avenge '
            "Muslims.",
            Actor.objects.get(name="Amaq"),
            "responsibility",
        )
        save_claim(
            editor,
            '"This was terrorism, terrorism against all of us," Scholz said',
            Actor.objects.get(name="Olaf Scholz"),
            "statement",
        )

        # The publisher publishes the story at once.
        log_in(publisher, "paul")
        publisher.go(reverse("admin:events_event_change", args=[event.pk]))
        publisher.click("#publish-story-link")
        expect(publisher.page.locator("tr.story-item")).not_to_have_count(0, timeout=WAIT)
        publisher.click("input[name=_publish_story]")
        expect(publisher.page.locator(".messagelist")).to_contain_text("Published", timeout=WAIT)

        # The reader's page.
        reader = publisher_context.new_page()
        reader.goto(base + event.get_absolute_url())
        body = reader.content()
        assert "23 August 2024, 21:40 CEST" in body
        for name in ("Herbert Reul", "Olaf Scholz", "Issa al H", "Federal Prosecutor"):
            assert name in body

        # The story as stored.
        event.refresh_from_db()
        assert event.status == Status.PUBLISHED
        chain = [event.location, *ancestors(event.location, EVERY_PLACE)]
        assert [p.name for p in chain] == [
            "Fronhof",
            "Solingen",
            "North Rhine-Westphalia",
            "Germany",
        ]
        assert all(p.status == Status.PUBLISHED for p in chain)
        participations = Participation.objects.filter(event=event)
        assert participations.count() == 6
        claims = Claim.objects.filter(event=event)
        assert claims.count() == 5
        assert claims.filter(kind=ClaimKind.FIGURE).count() == 2
        assert not claims.exclude(status=Status.PUBLISHED).exists()
        speakers = set(claims.values_list("speaker", flat=True))
        actors = {p.actor_id for p in participations} | speakers
        assert len(actors) == 7
        assert not Actor.objects.filter(pk__in=actors).exclude(status=Status.PUBLISHED).exists()
        assert Article.objects.filter(status=Status.PUBLISHED).count() == 2

        counts = {"editor": editor.counts(), "publisher": publisher.counts()}
        total = {k: counts["editor"][k] + counts["publisher"][k] for k in counts["editor"]}
        counts["total"] = total
        write_counts(total, artifacts_dir)
        assert total["clicks"] + total["choices"] <= TARGET_CLICKS, counts
        assert total["typed"] <= TARGET_TYPED, counts

        # Not counted: the panels fit and the claim form is short.
        page = publisher.page
        page.goto(base + reverse("admin:events_event_change", args=[event.pk]))
        overflow = page.evaluate(
            """() => {
                const group = document.getElementById("participations-group");
                return group.scrollWidth - group.clientWidth;
            }"""
        )
        assert overflow <= 0, f"the participants inline is {overflow}px wider than its panel"
        statement = claims.exclude(kind=ClaimKind.FIGURE).first()
        page.goto(base + reverse("admin:events_claim_change", args=[statement.pk]))
        expect(page.locator("fieldset.figure-fields")).to_be_hidden(timeout=WAIT)
        height = page.evaluate("() => document.documentElement.scrollHeight")
        (artifacts_dir / "claim_form_height.txt").write_text(f"{height}\n")
        assert height < 3000, f"the claim form is {height}px tall (2,528 measured, 3,700 before)"
        page.select_option("#id_kind", "figure")
        expect(page.locator("fieldset.figure-fields")).to_be_visible(timeout=WAIT)
    except Exception:
        for i, p in enumerate([editor.page, publisher.page]):
            if not p.is_closed():
                p.screenshot(
                    path=str(artifacts_dir / f"{request.node.name}-{i}.png"), full_page=True
                )
        raise
    finally:
        editor_context.close()
        publisher_context.close()
