"""Small helpers for the reader pages' markup: assessment classes, lookups, absolute URLs.

The other template libraries hold one concern each: ``reader_dates`` (partial dates),
``reader_chart`` (the figures chart), ``reader_ld`` (JSON-LD), ``reader_text`` (article text).
"""

from django import template

from events.models import Assessment

register = template.Library()


@register.filter
def assessment_class(value):
    return f"assessment assessment-{value}" if value in Assessment.values else "assessment"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


@register.filter
def outlet(article):
    """The outlet that published ``article`` when the public may see it, else None."""
    publisher = article.publisher if article.publisher_id else None
    return publisher.name if publisher is not None and publisher.is_public else None


@register.filter
def according_to(claim) -> str:
    """ "according to Sputnik" when a cited report, not a quoted passage, names the speaker.

    Reads the claim's prefetched sources; blank when every source's passage names the speaker.
    """
    outlets = []
    for source in claim.fetched_sources:
        if source.attributes_speaker:
            name = outlet(source.article) or source.article.headline
            if name not in outlets:
                outlets.append(name)
    if not outlets:
        return ""
    names = outlets[0] if len(outlets) == 1 else ", ".join(outlets[:-1]) + " and " + outlets[-1]
    return f"according to {names}"


@register.filter
def summary_on(event, day):
    """The event's summary as it stood on ``day`` (today's when ``day`` is None)."""
    return event.summary_as_of(day)


@register.filter
def without_standoffs(groups, standoffs):
    """Claim groups less the claims already shown side by side as competing claims."""
    shown = {c.pk for s in standoffs for c in (*s.left, *s.right)}
    result = []
    for label, claims in groups:
        rest = [c for c in claims if c.pk not in shown]
        if rest:
            result.append((label, rest))
    return result
