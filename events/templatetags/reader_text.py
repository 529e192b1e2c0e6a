"""An article's cleaned text as paragraphs, its confirmed mentions linked (escaped HTML)."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


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
