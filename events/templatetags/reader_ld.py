"""schema.org JSON-LD for the reader pages, and the filter that embeds it safely."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .reader_dates import iso_datetime

register = template.Library()

# Same escapes as django.utils.html.json_script: the JSON cannot close its <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """A ``<script type="application/ld+json">`` block, escaped like ``json_script``."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_ESCAPES)),  # escaped just above
    )


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
    if location.wikidata_qid:
        data["sameAs"] = [f"https://www.wikidata.org/wiki/{location.wikidata_qid}"]
    if location.latitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(location.latitude),
            "longitude": float(location.longitude),
        }
    if chain:
        data["containedInPlace"] = place_ld(chain[0], request, chain[1:])
    return data


REPORT_TYPES = {"report": "NewsArticle", "official": "Article", "newsroom": "Article"}


def our_page_ld(request, path, name):
    """Our own page about something: published by newsbase, at our URL."""
    return {
        "@type": "WebPage",
        "url": _abs(request, path),
        "name": name,
        "publisher": {"@type": "Organization", "name": "newsbase", "url": _abs(request, "/")},
    }


def report_ld(article, request):
    """The outlet's report as the outlet published it: its own URL, headline and publisher.

    Our page about the report is not the report, so its URL never stands in for the report's.
    A report whose outlet is unknown and that names no author is a plain ``CreativeWork``:
    calling it a ``NewsArticle`` would claim a publisher nobody established.
    """
    publisher = article.publisher if article.publisher_id else None
    if publisher is not None and not publisher.is_public:
        publisher = None
    authors = [name.strip() for name in article.byline.split(",") if name.strip()]
    data = {
        "@type": REPORT_TYPES.get(article.kind, "Article")
        if publisher is not None or authors
        else "CreativeWork",
        "headline": article.original_headline or article.headline,
        "inLanguage": article.language,
    }
    if not article.original_headline:
        data["description"] = "The outlet's own headline is not known; newsbase's description."
    if article.url:
        data["url"] = article.url
    if article.published_on:
        data["datePublished"] = article.published_on.isoformat()
    if publisher is not None:
        data["publisher"] = {"@type": ORGANISATION_TYPES.get(publisher.kind, "Organization")}
        data["publisher"]["name"] = publisher.name
        if publisher.wikidata_qid:
            data["publisher"]["sameAs"] = [
                f"https://www.wikidata.org/wiki/{publisher.wikidata_qid}"
            ]
    if authors:
        data["author"] = [{"@type": "Person", "name": name} for name in authors]
    return data


def claim_ld(claim, request, sources=None):
    data = {
        "@type": "Claim",
        "url": _abs(request, claim.get_absolute_url()),
        "text": claim.text,
        "inLanguage": claim.language,
        "dateCreated": iso_datetime(claim.made_at, claim.made_precision, claim.event.timezone),
        "author": actor_ld(claim.speaker, request),
        "about": {
            "@type": "Event",
            "name": claim.event.title,
            "url": _abs(request, claim.event.get_absolute_url()),
        },
    }
    sources = claim.fetched_sources if sources is None else sources
    if sources:
        data["appearance"] = [report_ld(s.article, request) for s in sources]
        data["firstAppearance"] = data["appearance"][0]
    return data


@register.simple_tag(takes_context=True)
def event_ld(context, page):
    request, event = context.get("request"), page.event
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary_as_of(page.as_of),
        "url": _abs(request, event.get_absolute_url()),
        "startDate": iso_datetime(event.start, event.start_precision, event.timezone),
    }
    if event.end:
        data["endDate"] = iso_datetime(event.end, event.end_precision, event.timezone)
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
                "startDate": iso_datetime(e.start, e.start_precision, e.timezone),
            }
            for e in subs
        ]
    page_ld = our_page_ld(request, event.get_absolute_url(), event.title)
    if page.articles:
        reports = [report_ld(a, request) for a in page.articles]
        data["subjectOf"] = reports
        page_ld["citation"] = reports
    data["mainEntityOfPage"] = page_ld
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
    """Our page about a report (``WebPage``), based on the report at its own URL."""
    request, article = context.get("request"), page.article
    report = report_ld(article, request)
    data = {
        "@context": "https://schema.org",
        **our_page_ld(request, article.get_absolute_url(), article.headline),
        "mainEntity": report,
        "isBasedOn": report,
    }
    if page.events:
        data["about"] = [
            {"@type": "Event", "name": e.title, "url": _abs(request, e.get_absolute_url())}
            for e in page.events
        ]
    return data


@register.simple_tag(takes_context=True)
def claim_page_ld(context, page):
    request, claim = context.get("request"), page.claim
    data = {"@context": "https://schema.org", **claim_ld(claim, request)}
    page_ld = our_page_ld(request, claim.get_absolute_url(), str(claim))
    if data.get("appearance"):
        page_ld["citation"] = data["appearance"]
    data["mainEntityOfPage"] = page_ld
    return data
