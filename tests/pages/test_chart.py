"""The figures chart is a chart of time (events/templatetags/reader_chart.py)."""

import datetime as dt
import re

import pytest

from events.templatetags.reader_chart import CHART_W, TimeAxis, segments

from .test_event_page import section

T0 = dt.datetime(2024, 3, 22, 19, 0, tzinfo=dt.UTC)


def test_x_is_proportional_to_time_within_a_run():
    times = [T0, T0 + dt.timedelta(hours=1), T0 + dt.timedelta(hours=3)]
    axis = TimeAxis(times, 0, 300)
    xs = [axis.x(t) for t in times]
    assert xs[0] == 0 and xs[2] == pytest.approx(300)
    assert (xs[2] - xs[1]) == pytest.approx(2 * (xs[1] - xs[0]))
    assert axis.breaks() == []


def test_a_long_gap_is_a_break_not_a_squeeze():
    times = [T0, T0 + dt.timedelta(days=1), T0 + dt.timedelta(days=8), T0 + dt.timedelta(days=465)]
    assert len(segments(times)) == 2
    axis = TimeAxis(times, 0, 500)
    ((start, gap),) = axis.breaks()
    assert gap == dt.timedelta(days=457)
    # The first eight days get most of the width, not 8/465 of it.
    assert axis.x(times[2]) - axis.x(times[0]) > 300
    # Short gaps are not broken.
    assert len(segments([T0, T0 + dt.timedelta(days=3), T0 + dt.timedelta(days=10)])) == 1


def chart(html, metric):
    start = html.index(f'<svg class="figure-chart" id="chart-{metric}"')
    return html[start : html.index("</svg>", start)]


@pytest.mark.django_db
def test_crocus_charts_draw_time_qualifiers_breaks_and_explain_every_mark(client, crocus):
    html = client.get(crocus.get_absolute_url()).content.decode()
    figures = section(html, "figures")
    killed = chart(html, "killed")
    # Drawn at its own size: user units are CSS pixels, so 12px text stays 12px on a phone.
    assert f'width="{CHART_W}"' in killed and f'viewBox="0 0 {CHART_W} ' in killed
    assert "months later" in killed and 'class="break"' in killed
    assert ">over 60<" in killed and 'class="qualifier-arrow"' in killed
    assert ">over 100<" in chart(html, "injured")
    # Each point's <title> gives its date at its precision and who said it.
    titles = re.findall(r'<g class="datum"><title>([^<]+)</title>', killed)
    assert len(titles) == 10 and all(
        " as of " in t and " 2024" in t or " 2025" in t for t in titles
    )
    assert any("12:00 MSK" in t for t in titles)  # a minute-precision point names its time
    # A metric reported once is a value, not a chart.
    assert 'id="chart-missing"' not in html
    assert "figure-single" in figures and "1 missing" in figures
    # The legend names every kind of mark the charts draw.
    legend = figures[figures.index('<ul class="chart-legend"') : figures.index("</ul>")]
    for mark in re.findall(
        r'class="(point point-\w+|best-ring|series|qualifier-arrow|break-mark)"', figures
    ):
        kind = mark.split()[-1]
        if kind == "point-disputed":
            kind = "point-false"  # one legend entry for both crosses
        assert kind in legend, kind


@pytest.mark.django_db
def test_each_claim_appears_once(client, crocus):
    html = client.get(crocus.get_absolute_url()).content.decode()
    body = section(html, "contradictions") + section(html, "claims")
    ids = re.findall(r'<a class="permalink" href="/claims/(\d+)/"', body)
    assert ids and len(ids) == len(set(ids))
    expected = crocus.claims.filter(status="published").exclude(kind="figure").count()
    assert len(ids) == expected
