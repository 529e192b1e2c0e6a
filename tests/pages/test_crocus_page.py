"""The Crocus City Hall attack page, from the loaded record (manage.py load_crocus)."""

import pytest

from .helpers import assert_heading_order, json_ld
from .test_event_page import section

pytestmark = pytest.mark.django_db


def infobox(html: str) -> str:
    return html[html.index('<aside class="infobox"') : html.index("</aside>")]


def test_crocus_page_on_23_march_shows_133_dead(client, crocus):
    response = client.get(crocus.get_absolute_url(), {"as_of": "2024-03-23"})
    assert response.status_code == 200
    box = infobox(response.content.decode())
    assert '<span class="figure-value">133 killed</span>' in box
    assert "as it stood on 23 March 2024" in response.content.decode()


def test_crocus_page_today(client, crocus):
    response = client.get(crocus.get_absolute_url())
    html = response.content.decode()
    box = infobox(html)
    assert "22 March 2024" in box and "Europe/Moscow" in box
    assert "Crocus City Hall" in box and "Krasnogorsk" in box and "Moscow Oblast" in box
    assert "Islamic State" in box  # claimant / perpetrator
    # Best current killed figure is the latest confirmed one, not the largest false one.
    assert '<span class="figure-value">149 killed</span>' in box
    figures = section(html, "figures")
    assert figures.count('<g class="datum">') >= 10 and "150 killed" in figures
    timeline = section(html, "timeline")
    for words in ("US Embassy", "detained", "mourning", "sentenced"):
        assert words in timeline, words
    standoffs = section(html, "contradictions")
    left, right = standoffs.split('aria-labelledby="standoff-1-right"', 1)
    assert "Vladimir Putin" in left and "Volodymyr Zelensky" in right
    assert "Accusations" in left and "Denials" in right
    (data,) = json_ld(response)
    assert data["location"]["geo"]["latitude"] == pytest.approx(55.82583)
    assert_heading_order(response)


def test_crocus_page_query_count(client, crocus, django_assert_max_num_queries):
    client.get(crocus.get_absolute_url())
    # 1 event + 9 prefetches + corrections + 1 recursive query for the place's ancestors.
    with django_assert_max_num_queries(12):
        client.get(crocus.get_absolute_url())
    # as_of adds the summary versions (the day ends in the zone of the event already fetched).
    with django_assert_max_num_queries(13):
        client.get(crocus.get_absolute_url(), {"as_of": "2024-03-23"})
