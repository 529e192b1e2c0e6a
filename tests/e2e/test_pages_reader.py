"""Reader pages in a real browser (Debian's Chromium via Playwright, against live_server).

Every page is opened with listeners for console errors, uncaught exceptions, failed
requests and Content Security Policy violations; any of them fails the test.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from events.models import Actor, Article, Claim, ClaimKind, Location, Mention

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


class Watched:
    """A page whose problems (console errors, CSP violations, failed requests) are recorded."""

    def __init__(self, page, base_url):
        self.page, self.base_url, self.problems = page, base_url, []
        page.add_init_script(WATCH_CSP)  # runs before any page script, outside the page's CSP
        page.on(
            "console",
            lambda m: (
                m.type in ("error", "warning") and self.problems.append(f"console: {m.text}")
            ),
        )
        page.on("pageerror", lambda e: self.problems.append(f"exception: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        page.on(
            "response",
            lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"),
        )

    def open(self, path):
        response = self.page.goto(self.base_url + path)
        assert response.status == 200, path
        self.page.wait_for_load_state("networkidle")
        return self

    def assert_accessible(self):
        """No WCAG 2.1 A/AA or best-practice violations found by axe-core on this page."""
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text())  # evaluated by Playwright: outside the CSP
        violations = self.page.evaluate(
            """async (tags) => {
              const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
              return result.violations.map(v => `${v.id}: ${v.help} — ` +
                v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
            }""",
            AXE_TAGS,
        )
        assert not violations, f"{self.page.url}: {violations}"
        return self

    def assert_clean(self):
        violations = self.page.evaluate("window.__cspViolations")
        assert not violations, violations
        assert not self.problems, self.problems


@pytest.fixture
def watched(page, live_server):
    return Watched(page, live_server.url)


def assert_no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"


def test_crocus_event_page(watched, crocus, artifacts_dir):
    page = watched.open(crocus.get_absolute_url()).page
    # Map: the marker shows although no tile server is configured in tests.
    page.wait_for_selector("#event-map[data-ready=true]")
    marker = page.locator("#event-map .leaflet-marker-icon")
    assert marker.count() >= 1 and marker.first.is_visible()
    assert page.locator("#event-map .leaflet-tile").count() == 0
    # Chart: server-rendered SVG with every figure.
    chart = page.locator("#chart-killed")
    assert chart.is_visible() and chart.locator("g.datum").count() >= 10
    assert chart.locator("circle.best-ring").count() == 1
    # Timeline and claims.
    items = page.locator("#timeline li.timeline-item")
    assert items.count() >= 6
    assert "mourning" in page.locator("#timeline").inner_text()
    # Each claim once: the competing claims side by side, the rest grouped by kind.
    shown = page.locator("#contradictions article.claim, #claims article.claim").count()
    assert shown == crocus.claims.filter(status="published").exclude(kind="figure").count()
    # Contradicting claims side by side on a wide screen.
    left, right = page.locator(".standoff").first.locator(".side").all()[:2]
    lbox, rbox = left.bounding_box(), right.bounding_box()
    assert rbox["x"] > lbox["x"] + lbox["width"] - 1 and abs(rbox["y"] - lbox["y"]) < 2
    assert "Vladimir Putin" in left.inner_text() and "Volodymyr Zelensky" in right.inner_text()
    # Issue 14: at most half of the 12,500 px the page took before (docs/pages.md, "Page
    # height"): claims in wide columns below the infobox, two cards a row.
    assert page.viewport_size == DESKTOP
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 6250, f"the Crocus page is {height}px tall at 1280px"
    watched.assert_accessible()
    # Keyboard: the first Tab reaches the skip link, which is visible when focused.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.screenshot(path=str(artifacts_dir / "crocus-event-desktop.png"), full_page=True)

    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_selector("#event-map[data-ready=true]")
    assert_no_horizontal_scroll(page)
    lbox, rbox = left.bounding_box(), right.bounding_box()
    assert rbox["y"] > lbox["y"]  # stacked on a phone
    # Every column of the figures table is shown on a phone (the chart's text and dates:
    # test_chart_points_are_dated_and_readable_on_a_phone).
    cells = page.locator("#figure-killed ~ .table-scroll table tr.best td")
    assert cells.count() == 5 and all(cell.is_visible() for cell in cells.all())
    assert cells.last.bounding_box()["x"] + cells.last.bounding_box()["width"] <= PHONE["width"]
    page.screenshot(path=str(artifacts_dir / "crocus-event-phone.png"), full_page=True)
    watched.assert_clean()


SMALL_PHONE = {"width": 375, "height": 812}

# The size a reader sees each piece of text at: an SVG's text scaled as its drawing is.
RENDERED_FONT_SIZES = """(selector) => [...document.querySelectorAll(selector)]
  .filter((el) => el.getClientRects().length && el.textContent.trim())
  .map((el) => {
    const svg = el.ownerSVGElement;
    const scale = svg ? svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : 1;
    return parseFloat(getComputedStyle(el).fontSize) * scale;
  })"""


def test_chart_points_are_dated_and_readable_on_a_phone(watched, crocus):
    """At 375 px, each point of each chart has its date (and its time, where known) in text
    shown beside the chart, no hovering needed, and no text of the chart or of its table is
    smaller than 11 px."""
    watched.page.set_viewport_size(SMALL_PHONE)
    page = watched.open(crocus.get_absolute_url()).page
    charts = page.locator("svg.figure-chart")
    assert charts.count() >= 2
    for chart in charts.all():
        chart_id = chart.get_attribute("id")
        table = page.locator(f"#{chart_id}").locator(
            "xpath=ancestor::section[contains(@class, 'figure')]//table"
        )
        points = page.locator(f"#{chart_id} g.datum")
        titles = [t.text_content() for t in page.locator(f"#{chart_id} g.datum title").all()]
        dates = table.locator("td[data-label='As of'] time")
        assert dates.count() == points.count() > 1, chart_id
        for when in dates.all():
            assert when.is_visible(), chart_id
            box = when.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= SMALL_PHONE["width"], chart_id
        shown = [d.inner_text() for d in dates.all()]
        # The hover titles hold nothing the visible dates do not: each point's date and time.
        for title in titles:
            when = title.split(" as of ", 1)[1].split(" — ", 1)[0]
            assert when in shown, (chart_id, when, shown)
        assert any(re.search(r"\d\d:\d\d", d) for d in shown), chart_id
        sizes = page.evaluate(RENDERED_FONT_SIZES, f"#{chart_id} text")
        sizes += table.locator("td, caption").evaluate_all(
            "(cells) => cells.map((c) => parseFloat(getComputedStyle(c).fontSize))"
        )
        assert sizes and min(sizes) >= 11, (chart_id, min(sizes))
    assert_no_horizontal_scroll(page)
    watched.assert_accessible()
    watched.assert_clean()


def test_crocus_event_page_as_of(watched, crocus):
    page = watched.open(crocus.get_absolute_url()).page
    page.fill("#as_of", "2024-03-23")
    page.click(".asof-form button")
    page.wait_for_load_state("networkidle")
    assert "as_of=2024-03-23" in page.url
    assert page.locator(".infobox .figure-value").first.inner_text() == "133 killed"
    watched.assert_clean()


def test_chart_and_page_work_without_javascript(browser, live_server, crocus):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    page.goto(live_server.url + crocus.get_absolute_url())
    assert page.locator("#chart-killed g.datum").count() >= 10
    assert page.locator("#chart-killed").is_visible()
    assert page.locator(".map-places li").count() >= 1  # place names and coordinates as text
    context.close()


@pytest.mark.parametrize("width", [DESKTOP["width"], PHONE["width"]])
def test_every_page_type_loads_cleanly(watched, crocus, width):
    watched.page.set_viewport_size({"width": width, "height": 900})
    claim = Claim.objects.public().filter(event=crocus, kind=ClaimKind.DENIAL).first()
    report = Article.objects.public().exclude(raw_text="").first()
    # A confirmed mention, made before the first visit: public pages carry max-age, so a
    # browser that saw the article before the mention existed may show it again unchanged.
    putin = Actor.objects.get(slug="vladimir-putin")
    start = report.clean_text.index("Vladimir Putin")
    Mention.objects.create(
        article=report,
        actor=putin,
        start_offset=start,
        end_offset=start + 14,
        surface="Vladimir Putin",
        confirmed=True,
    )
    pages = {
        reverse("events:home"): "h1",
        reverse("events:event-list"): ".event-list li",
        reverse("events:event-list") + "?type=attack": ".event-list li",
        Actor.objects.get(slug="vladimir-putin").get_absolute_url(): "#made-title",
        Location.objects.get(slug="krasnogorsk").get_absolute_url(): ".breadcrumb",
        report.get_absolute_url(): ".article-text p",
        claim.get_absolute_url(): "#sources-title",
        reverse("events:search") + "?q=Crocus": ".hits li",
    }
    for path, selector in pages.items():
        page = watched.open(path).page
        assert page.locator(selector).first.is_visible(), path
        assert page.locator("h1").count() == 1, path
        assert_no_horizontal_scroll(page)
        watched.assert_accessible()
    # Location page: its map shows a marker without tiles.
    page = watched.open(Location.objects.get(slug="crocus-city-hall").get_absolute_url()).page
    page.wait_for_selector("#location-map[data-ready=true]")
    assert page.locator("#location-map .leaflet-marker-icon").first.is_visible()
    # Article page: a confirmed mention is a link to its page, and following it works.
    page = watched.open(report.get_absolute_url()).page
    link = page.locator(".article-text a.mention", has_text="Vladimir Putin")
    assert link.get_attribute("href") == putin.get_absolute_url()
    link.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == putin.name
    watched.assert_clean()


def test_marker_shows_when_tiles_fail_to_load(page, live_server, crocus, settings):
    # A tile server that answers 404 for every tile (same origin, so the CSP allows it).
    settings.MAP_TILE_URL = live_server.url + "/no-such-tiles/{z}/{x}/{y}.png"
    page.goto(live_server.url + crocus.get_absolute_url())
    page.wait_for_selector("#event-map[data-ready=true]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#event-map img.leaflet-tile").count() > 0  # tiles were asked for…
    assert page.locator("#event-map img.leaflet-tile-loaded").count() == 0  # …and all failed
    assert page.locator("#event-map .leaflet-marker-icon").first.is_visible()
