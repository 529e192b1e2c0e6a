"""A hostile place name reaches the map as text, never as markup, even with the Content
Security Policy switched off in the browser (issue 12: map tooltips took HTML)."""

import pytest

from events.models import LocationKind, Status
from tests import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOSTILE = '<img src="x" id="injected" onerror="window.__pwned = 1"><b id="bold">Krasnogorsk</b>'


@pytest.mark.parametrize("page_kind", ["location", "event"])
def test_a_hostile_place_name_is_shown_as_text(browser, live_server, page_kind):
    place = f.LocationFactory(
        name=HOSTILE, kind=LocationKind.VENUE, status=Status.PUBLISHED, timezone="UTC"
    )
    event = f.EventFactory(title=HOSTILE, location=place, status=Status.PUBLISHED)
    target = place if page_kind == "location" else event
    # bypass_csp: the policy that stopped the payload before is off; only the code protects.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + target.get_absolute_url())
        page.wait_for_selector(".map[data-ready=true]")
        page.wait_for_selector(".leaflet-marker-icon")
        marker = page.locator(".leaflet-marker-icon").first
        marker.hover()  # shows the tooltip when it is not permanent
        tooltip = page.locator(".leaflet-tooltip").first
        tooltip.wait_for()
        assert tooltip.inner_text() == HOSTILE  # the name, character for character
        marker.click()  # the popup's link, too
        page.locator(".leaflet-popup-content a").first.wait_for()
        assert page.locator(".leaflet-popup-content a").first.inner_text() == HOSTILE
        assert page.locator("#injected").count() == 0
        assert page.locator("#bold").count() == 0
        assert page.evaluate("window.__pwned") is None
        assert marker.get_attribute("title") == HOSTILE  # an attribute: inert text
    finally:
        context.close()
