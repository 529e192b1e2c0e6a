"""The figures chart: one figure over time as server-rendered SVG (no JavaScript)."""

import datetime as dt
import math

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from events.models import Assessment, Precision, Qualifier

from .reader_dates import partial_date, zone

register = template.Library()


# The chart is drawn at its own size (user units are CSS pixels): on a phone it scrolls sideways
# inside its figure rather than shrinking, so no text is ever smaller than 11 px.
CHART_W, CHART_H = 640, 230
PAD_L, PAD_R, PAD_T, PAD_B = 48, 16, 26, 34
BREAK_W = 34  # width of the break drawn for a long gap
SINGLE_W = 56  # width of a segment holding a single instant
NOT_STANDING = {Assessment.DISPUTED, Assessment.FALSE}
RAISED = {Qualifier.OVER, Qualifier.AT_LEAST}


def _nice_max(value: int) -> int:
    if value <= 0:
        return 10
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value * 1.05:
            return int(top) if top >= 10 else 10
    return int(10 * magnitude)


def _svg(fmt, *args):
    """format_html for SVG: floats are rounded to one decimal before escaping."""
    args = [f"{a:.1f}" if isinstance(a, float) else a for a in args]
    return format_html(fmt.replace("{:.1f}", "{}"), *args)


def segments(times: list[dt.datetime]) -> list[tuple[dt.datetime, dt.datetime]]:
    """Runs of times without a long gap: a gap longer than the rest of the story together
    (and than two weeks) is broken, so the first days are not squeezed against a later year.
    """
    times = sorted(times)
    runs = [[times[0], times[0]]]
    for before, after in zip(times, times[1:], strict=False):
        gap = after - before
        rest = (times[-1] - times[0]) - gap
        if gap > dt.timedelta(days=14) and gap > rest:
            runs.append([after, after])
        else:
            runs[-1][1] = after
    return [(a, b) for a, b in runs]


def _gap_text(delta: dt.timedelta) -> str:
    days = delta.days
    if days >= 60:
        months = round(days / 30.44)
        return f"{months} months later"
    if days >= 14:
        return f"{round(days / 7)} weeks later"
    return f"{days} days later"


class TimeAxis:
    """x for a time: proportional within each segment, segments joined by drawn breaks."""

    def __init__(self, times, left, width):
        self.runs = segments(times)
        spans = [(b - a).total_seconds() for a, b in self.runs]
        fixed = BREAK_W * (len(self.runs) - 1) + SINGLE_W * sum(1 for s in spans if s == 0)
        scalable = max(width - fixed, 1)
        total = sum(spans) or 1
        self.boxes, x = [], left
        for (a, b), span in zip(self.runs, spans, strict=True):
            w = SINGLE_W if span == 0 else scalable * span / total
            self.boxes.append((a, b, x, w))
            x += w + BREAK_W

    def x(self, when):
        for a, b, left, w in self.boxes:
            if a <= when <= b:
                return (
                    left + w / 2
                    if a == b
                    else left + w * (when - a).total_seconds() / (b - a).total_seconds()
                )
        return self.boxes[-1][2]

    def breaks(self):
        """(x where the break starts, gap) between consecutive segments."""
        return [
            (left + w, nxt[0] - b)
            for (a, b, left, w), nxt in zip(self.boxes, self.boxes[1:], strict=False)
        ]


def _day_ticks(axis: TimeAxis, tz) -> list[tuple[float, str]]:
    """Midnights inside each segment (thinned to fit), and each single instant's day."""
    ticks = []
    for a, b, left, w in axis.boxes:
        if a == b:
            ticks.append((left + w / 2, date_format(a.astimezone(tz), "j M Y")))
            continue
        day = a.astimezone(tz).date()
        days = []
        while True:
            midnight = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
            if midnight > b:
                break
            if midnight >= a:
                days.append(midnight)
            day += dt.timedelta(days=1)
        step = max(1, math.ceil(len(days) * 64 / max(w, 1)))
        shown = [(axis.x(m), date_format(m, "j M")) for k, m in enumerate(days) if k % step == 0]
        # The day the segment starts in, where its first midnight is far from the start.
        if not shown or shown[0][0] - left > 44:
            shown.insert(0, (left, date_format(a.astimezone(tz), "j M")))
        ticks.extend(shown)
    return ticks


class LabelPlacer:
    """Puts each value label where it overlaps no earlier label and no point.

    Tries above, below, right, left, then further above and below; text is ~7 px a character
    at 12 px. A label that fits nowhere still goes above (the table and <title> repeat it).
    """

    CHAR_W, LINE_H = 7.0, 13.0

    def __init__(self, points):
        self.taken = [(x - 6, y - 6, x + 6, y + 6) for x, y in points]

    def place(self, x, y, text):
        w = len(text) * self.CHAR_W
        candidates = [
            (x, y - 12, "middle"),
            (x, y + 20, "middle"),
            (x + 10, y + 4, "start"),
            (x - 10, y + 4, "end"),
            (x, y - 26, "middle"),
            (x, y + 34, "middle"),
        ]
        for cx, cy, anchor in candidates:
            left = {"middle": cx - w / 2, "start": cx, "end": cx - w}[anchor]
            box = (left, cy - self.LINE_H + 2, left + w, cy + 2)
            if box[1] >= 0 and not any(self._overlap(box, other) for other in self.taken):
                self.taken.append(box)
                return cx, cy, anchor
        return candidates[0]

    @staticmethod
    def _overlap(a, b):
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _point_time(c, tz) -> str:
    precision = getattr(c, "figure_as_of_precision", Precision.MINUTE)
    return partial_date(c.figure_as_of, precision, tz, with_zone=False)


@register.simple_tag
def figure_chart(series, best, metric_label, tz="UTC", chart_id="chart"):
    """An SVG chart of one figure over time, drawn on the server (no JavaScript).

    x is proportional to time within each run of reports; a gap longer than the rest of the
    story is drawn as a break labelled with its length. Day ticks name the days (in the
    place's zone); each point is labelled with its value as reported ("over 100", with an
    arrow: the true figure is higher) and carries a <title> with its date, time at its
    precision, speaker and assessment. The line follows the figures that may stand; disputed
    and false figures are crosses off the line; the current best value has a ring. The
    legend (``chart_legend``) names every mark.
    """
    if not series:
        return ""
    zone_info = zone(tz)
    top = _nice_max(max(c.figure_value for c in series))
    plot_w, plot_h = CHART_W - PAD_L - PAD_R, CHART_H - PAD_T - PAD_B
    axis = TimeAxis([c.figure_as_of for c in series], PAD_L + 8, plot_w - 16)

    def y(v):
        return PAD_T + plot_h - (v / top) * plot_h

    parts = []
    for k in range(5):
        v = top * k / 4
        parts.append(
            _svg(
                '<line class="grid" x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}"/>'
                '<text class="tick" x="{}" y="{:.1f}" text-anchor="end">{}</text>',
                PAD_L,
                CHART_W - PAD_R,
                y(v),
                y(v),
                PAD_L - 6,
                y(v) + 4,
                f"{int(v):,}",
            )
        )
    for x, label in _day_ticks(axis, zone_info):
        parts.append(
            _svg(
                '<line class="axis" x1="{:.1f}" x2="{:.1f}" y1="{}" y2="{}"/>'
                '<text class="tick date" x="{:.1f}" y="{}" text-anchor="middle">{}</text>',
                x,
                x,
                PAD_T + plot_h,
                PAD_T + plot_h + 4,
                x,
                PAD_T + plot_h + 17,
                label,
            )
        )
    for x, gap in axis.breaks():
        mid = x + BREAK_W / 2
        parts.append(
            _svg(
                '<g class="break"><title>Time axis broken: {}</title>'
                '<rect class="break-band" x="{:.1f}" y="{}" width="{}" height="{}"/>'
                '<path class="break-mark" d="M{:.1f},{}l6,-8m-2,8l6,-8"/>'
                '<text class="tick gap" x="{:.1f}" y="{}" text-anchor="middle">{}</text></g>',
                _gap_text(gap),
                x + 4,
                PAD_T,
                BREAK_W - 8,
                plot_h,
                mid - 5,
                PAD_T + plot_h + 4,
                mid,
                PAD_T + plot_h + 30,
                _gap_text(gap),
            )
        )
    standing = [c for c in series if c.assessment not in NOT_STANDING]
    if len(standing) > 1:
        path, last_box = [], None
        for c in standing:
            cx, cy = axis.x(c.figure_as_of), y(c.figure_value)
            box = next(
                i for i, (a, b, _l, _w) in enumerate(axis.boxes) if a <= c.figure_as_of <= b
            )
            if not path:
                path.append(f"M{cx:.1f},{cy:.1f}")
            elif box != last_box:
                path.append(f"M{cx:.1f},{cy:.1f}")  # the line does not cross a break
            else:
                path.append(f"H{cx:.1f}V{cy:.1f}")
            last_box = box
        parts.append(_svg('<path class="series" d="{}"/>', " ".join(path)))
    labels = LabelPlacer([(axis.x(c.figure_as_of), y(c.figure_value)) for c in series])
    for c in series:
        cx, cy = axis.x(c.figure_as_of), y(c.figure_value)
        title = (
            f"{c.figure_display}, as of {_point_time(c, tz)} — {c.speaker.name}; "
            f"newsroom assessment: {c.get_assessment_display().lower()}"
        )
        if c.assessment in NOT_STANDING:
            mark = _svg(
                '<path class="point point-{}" d="M{:.1f},{:.1f}l8,8m0,-8l-8,8"/>',
                c.assessment,
                cx - 4,
                cy - 4,
            )
        else:
            mark = _svg(
                '<circle class="point point-{}" cx="{:.1f}" cy="{:.1f}" r="5"/>',
                c.assessment,
                cx,
                cy,
            )
        if c.figure_qualifier in RAISED:
            mark += _svg(
                '<path class="qualifier-arrow" d="M{:.1f},{:.1f}v-14m-4,5l4,-5l4,5"/>',
                cx + 9,
                cy + 4,
            )
        ring = ""
        if best is not None and c.pk == best.pk:
            ring = _svg('<circle class="best-ring" cx="{:.1f}" cy="{:.1f}" r="10"/>', cx, cy)
        value = (
            f"{c.get_figure_qualifier_display()} {c.figure_value}"
            if c.figure_qualifier and c.figure_qualifier != Qualifier.EXACT
            else str(c.figure_value)
        )
        label_x, label_y, anchor = labels.place(cx, cy, value)
        parts.append(
            _svg(
                '<g class="datum"><title>{}</title>{}{}'
                '<text class="value" x="{:.1f}" y="{:.1f}" text-anchor="{}">{}</text></g>',
                title,
                ring,
                mark,
                label_x,
                label_y,
                anchor,
                value,
            )
        )
    axis_lines = _svg(
        '<line class="axis" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<line class="axis" x1="{}" x2="{}" y1="{}" y2="{}"/>',
        PAD_L,
        CHART_W - PAD_R,
        PAD_T + plot_h,
        PAD_T + plot_h,
        PAD_L,
        PAD_L,
        PAD_T,
        PAD_T + plot_h,
    )
    first, last = series[0], series[-1]
    return _svg(
        # The chart scrolls sideways on a phone: its box takes the keyboard's focus so it can
        # be scrolled without a pointer, and is named for what it holds.
        '<div class="chart-scroll" tabindex="0" role="region" aria-label="{} chart">'
        '<svg class="figure-chart" id="{}" width="{}" height="{}" '
        'viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc">'
        '<title id="{}-title">{} over time</title>'
        '<desc id="{}-desc">{} reported figures, from {} ({}) to {} ({}); the ringed point is '
        "the current best value. The table below gives every figure with its source.</desc>"
        "{}{}</svg></div>",
        metric_label,
        chart_id,
        CHART_W,
        CHART_H,
        CHART_W,
        CHART_H,
        chart_id,
        chart_id,
        chart_id,
        metric_label,
        chart_id,
        len(series),
        first.figure_display,
        _point_time(first, tz),
        last.figure_display,
        _point_time(last, tz),
        axis_lines,
        mark_safe("".join(parts)),  # each part built with format_html
    )


@register.inclusion_tag("events/includes/chart_legend.html")
def chart_legend():
    """What every mark of the figures charts means (one legend for all of them)."""
    return {"assessments": [a for a in Assessment if a not in NOT_STANDING]}
