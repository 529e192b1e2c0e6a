"""Template helpers for the reader pages: partial dates, JSON-LD, SVG figure charts, linked text.

Everything here returns escaped HTML built with ``format_html`` / ``escape``; nothing from the
database reaches the page unescaped.
"""

import datetime as dt
import json
import zoneinfo

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from events.models import Assessment, ClaimKind, Precision

register = template.Library()

# Same escapes as django.utils.html.json_script: the JSON cannot close its <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _tz(name):
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


@register.simple_tag
def partial_date(value, precision=Precision.DAY, tz="UTC", with_zone=True):
    """A datetime as exact as its precision, in the place's time zone.

    minute → "22 March 2024, 19:58 MSK (Europe/Moscow, UTC+03:00)"; day → "22 March 2024";
    month → "March 2024"; year → "2024".
    """
    if value is None:
        return ""
    local = value.astimezone(_tz(tz)) if isinstance(value, dt.datetime) else value
    if precision == Precision.YEAR:
        text = date_format(local, "Y")
    elif precision == Precision.MONTH:
        text = date_format(local, "F Y")
    elif precision == Precision.MINUTE and isinstance(local, dt.datetime):
        text = date_format(local, "j F Y, H:i")
        if with_zone:
            offset = date_format(local, "O")
            text += f" {local.tzname()} ({tz}, UTC{offset[:3]}:{offset[3:]})"
    else:
        text = date_format(local, "j F Y")
    return text


@register.simple_tag
def iso_datetime(value, precision=Precision.MINUTE):
    """ISO 8601 for <time datetime> and JSON-LD, only as exact as known."""
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return value.strftime("%Y")
    if precision == Precision.MONTH:
        return value.strftime("%Y-%m")
    if precision == Precision.DAY:
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    return value.isoformat()


@register.filter
def json_ld(data):
    """A ``<script type="application/ld+json">`` block, escaped like ``json_script``."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_ESCAPES)),  # escaped just above
    )


@register.filter
def assessment_class(value):
    return f"assessment assessment-{value}" if value in Assessment.values else "assessment"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def kind_label(value):
    try:
        return ClaimKind(value).label
    except ValueError:
        return value


# --- Charts --------------------------------------------------------------------------------

CHART_W, CHART_H = 640, 300
PAD_L, PAD_R, PAD_T, PAD_B = 72, 24, 24, 78
NOT_STANDING = {Assessment.DISPUTED, Assessment.FALSE}


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


@register.simple_tag
def figure_chart(series, best, metric_label, tz="UTC", chart_id="chart"):
    """An SVG chart of one figure over time, drawn on the server (no JavaScript).

    Reports are spaced evenly in the order of their as-of time (a story's first hours
    would otherwise be squeezed against the axis next to a count a year later); each point
    is labelled with its date. The line follows the figures that may stand (confirmed,
    corroborated, unverified); disputed and false figures are crosses off the line. The
    current best value has a ring. Every point carries a <title> with its attribution.
    """
    if not series:
        return ""
    n = len(series)
    top = _nice_max(max(c.figure_value for c in series))
    plot_w, plot_h = CHART_W - PAD_L - PAD_R, CHART_H - PAD_T - PAD_B

    def x(i):
        return PAD_L + (plot_w / 2 if n == 1 else i * plot_w / (n - 1))

    def y(v):
        return PAD_T + plot_h - (v / top) * plot_h

    parts = []
    # Grid and y-axis labels.
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
    standing = [(i, c) for i, c in enumerate(series) if c.assessment not in NOT_STANDING]
    if len(standing) > 1:
        path = []
        for k, (i, c) in enumerate(standing):
            if k == 0:
                path.append(f"M{x(i):.1f},{y(c.figure_value):.1f}")
            else:
                path.append(f"H{x(i):.1f}V{y(c.figure_value):.1f}")
        parts.append(_svg('<path class="series" d="{}"/>', " ".join(path)))
    for i, c in enumerate(series):
        local = c.figure_as_of.astimezone(_tz(tz))
        precision = getattr(c, "figure_as_of_precision", Precision.MINUTE)
        label = {Precision.YEAR: "Y", Precision.MONTH: "M Y"}.get(precision, "j M Y")
        label = date_format(local, label)
        title = (
            f"{c.figure_display}, as of "
            f"{partial_date(c.figure_as_of, precision, tz, with_zone=False)} ({tz}) — "
            f"{c.speaker.name}; newsroom assessment: {c.get_assessment_display().lower()}"
        )
        cx, cy = x(i), y(c.figure_value)
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
        ring = ""
        if best is not None and c.pk == best.pk:
            ring = _svg('<circle class="best-ring" cx="{:.1f}" cy="{:.1f}" r="10"/>', cx, cy)
        parts.append(
            _svg(
                '<g class="datum"><title>{}</title>{}{}'
                '<text class="value" x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>'
                '<text class="tick date" x="{:.1f}" y="{}" text-anchor="end" '
                'transform="rotate(-40 {:.1f} {})">{}</text></g>',
                title,
                ring,
                mark,
                cx,
                cy - 12,
                c.figure_value,
                cx,
                CHART_H - PAD_B + 16,
                cx,
                CHART_H - PAD_B + 16,
                label,
            )
        )
    axis = _svg(
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
    return _svg(
        '<svg class="figure-chart" id="{}" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" preserveAspectRatio="xMidYMid meet">'
        '<title id="{}-title">{} over time</title>'
        '<desc id="{}-desc">{} reported figures from {} to {}; the ringed point is the current '
        "best value. The table below gives every figure with its source.</desc>"
        "{}{}</svg>",
        chart_id,
        CHART_W,
        CHART_H,
        chart_id,
        chart_id,
        chart_id,
        metric_label,
        chart_id,
        n,
        series[0].figure_value,
        series[-1].figure_value,
        axis,
        mark_safe("".join(parts)),  # each part built with format_html
    )


# --- Article text with linked mentions ------------------------------------------------------


@register.simple_tag
def article_body(article, mentions, passages=()):
    """The cleaned text as paragraphs, confirmed mentions linked by their offsets.

    Mentions whose offsets no longer match their surface text, or that overlap an earlier
    mention or cross a paragraph break, are left as plain text. Everything is escaped.
    """
    text = article.clean_text
    if not text:
        return ""
    usable, last_end = [], -1
    for m in sorted(mentions, key=lambda m: (m.start_offset, -m.end_offset)):
        if m.start_offset < last_end or m.end_offset > len(text):
            continue
        if text[m.start_offset : m.end_offset] != m.surface or "\n" in m.surface:
            continue
        usable.append(m)
        last_end = m.end_offset
    paragraphs, offset = [], 0
    for chunk in text.split("\n\n"):
        start, end = offset, offset + len(chunk)
        offset = end + 2
        if not chunk.strip():
            continue
        pieces, cursor = [], start
        for m in usable:
            if m.start_offset >= start and m.end_offset <= end:
                pieces.append(escape(text[cursor : m.start_offset]))
                target = m.target
                pieces.append(
                    format_html(
                        '<a class="mention mention-{}" href="{}">{}</a>',
                        "actor" if m.actor_id else "location",
                        target.get_absolute_url(),
                        text[m.start_offset : m.end_offset],
                    )
                )
                cursor = m.end_offset
        pieces.append(escape(text[cursor:end]))
        paragraphs.append(format_html("<p>{}</p>", mark_safe("".join(pieces))))
    return mark_safe("\n".join(paragraphs))  # built from escaped pieces


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


@register.filter
def local_date(value, tz="UTC"):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return date_format(value.astimezone(_tz(tz)), "j F Y")
    return date_format(value, "j F Y")


@register.simple_tag
def now_year():
    return timezone.now().year


# --- schema.org JSON-LD ---------------------------------------------------------------------

ORGANISATION_TYPES = {
    "government": "GovernmentOrganization",
    "state_body": "GovernmentOrganization",
    "media_outlet": "NewsMediaOrganization",
}


def _abs(request, path):
    return request.build_absolute_uri(path) if request is not None else path


def actor_ld(actor, request, *, full=False):
    data = {
        "@type": "Person"
        if actor.kind == "person"
        else ORGANISATION_TYPES.get(actor.kind, "Organization"),
        "name": actor.name,
        "url": _abs(request, actor.get_absolute_url()),
    }
    if actor.wikidata_qid:
        data["sameAs"] = [f"https://www.wikidata.org/wiki/{actor.wikidata_qid}"]
    if full:
        if actor.description:
            data["description"] = actor.description
        aliases = [a.name for a in actor.aliases.all()]
        if aliases:
            data["alternateName"] = aliases
    return data


def place_ld(location, request, chain=()):
    data = {
        "@type": "Place",
        "name": location.name,
        "url": _abs(request, location.get_absolute_url()),
    }
    if location.address:
        data["address"] = location.address
    if location.latitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(location.latitude),
            "longitude": float(location.longitude),
        }
    if chain:
        data["containedInPlace"] = place_ld(chain[0], request, chain[1:])
    return data


def article_ld(article, request):
    data = {
        "@type": "NewsArticle",
        "headline": article.headline,
        "url": _abs(request, article.get_absolute_url()),
        "inLanguage": article.language,
    }
    if article.published_on:
        data["datePublished"] = article.published_on.isoformat()
    if article.url:
        data["isBasedOn"] = article.url
    # The publisher is fetched with the article (select_related) by every page plan.
    publisher = article.publisher if article.publisher_id else None
    if publisher is not None and publisher.status == "published":
        data["publisher"] = actor_ld(publisher, request)
    if article.byline:
        data["author"] = {"@type": "Person", "name": article.byline}
    return data


def claim_ld(claim, request, sources=None):
    data = {
        "@type": "Claim",
        "url": _abs(request, claim.get_absolute_url()),
        "text": claim.text,
        "inLanguage": claim.language,
        "dateCreated": iso_datetime(claim.made_at, claim.made_precision),
        "author": actor_ld(claim.speaker, request),
        "about": {
            "@type": "Event",
            "name": claim.event.title,
            "url": _abs(request, claim.event.get_absolute_url()),
        },
    }
    sources = list(claim.sources.all()) if sources is None else sources
    if sources:
        data["appearance"] = [article_ld(s.article, request) for s in sources]
        data["firstAppearance"] = data["appearance"][0]
    return data


@register.simple_tag(takes_context=True)
def event_ld(context, page):
    request, event = context.get("request"), page.event
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "url": _abs(request, event.get_absolute_url()),
        "startDate": iso_datetime(event.local_start, event.start_precision),
    }
    if event.end:
        data["endDate"] = iso_datetime(event.local_end, event.end_precision)
    if page.place_chain:
        data["location"] = place_ld(page.place_chain[0], request, page.place_chain[1:])
    if event.parent is not None and event.parent in [i.event for i in page.timeline]:
        data["superEvent"] = {
            "@type": "Event",
            "name": event.parent.title,
            "url": _abs(request, event.parent.get_absolute_url()),
        }
    subs = [i.event for i in page.timeline if i.event.parent_id == event.pk]
    if subs:
        data["subEvent"] = [
            {
                "@type": "Event",
                "name": e.title,
                "url": _abs(request, e.get_absolute_url()),
                "startDate": iso_datetime(e.local_start, e.start_precision),
            }
            for e in subs
        ]
    if page.articles:
        data["subjectOf"] = [article_ld(a, request) for a in page.articles]
    return data


@register.simple_tag(takes_context=True)
def actor_page_ld(context, page):
    data = {
        "@context": "https://schema.org",
        **actor_ld(page.actor, context.get("request"), full=True),
    }
    return data


@register.simple_tag(takes_context=True)
def location_page_ld(context, page):
    chain = list(reversed(page.ancestors))  # nearest parent first
    return {
        "@context": "https://schema.org",
        **place_ld(page.location, context.get("request"), chain),
    }


@register.simple_tag(takes_context=True)
def article_page_ld(context, page):
    request = context.get("request")
    data = {"@context": "https://schema.org", **article_ld(page.article, request)}
    if page.events:
        data["about"] = [
            {"@type": "Event", "name": e.title, "url": _abs(request, e.get_absolute_url())}
            for e in page.events
        ]
    return data


@register.simple_tag(takes_context=True)
def claim_page_ld(context, page):
    return {"@context": "https://schema.org", **claim_ld(page.claim, context.get("request"))}
