"""Small HTML helpers for page tests (parsing with the standard library, no regex guessing)."""

import json
from html.parser import HTMLParser


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.blocks = []  # (attrs, text) of <script type="application/ld+json">
        self.meta = {}
        self.links = []
        self.headings = []
        self._script = None
        self._heading = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._script = []
        elif tag == "meta" and "property" in attrs:
            self.meta[attrs["property"]] = attrs.get("content")
        elif tag == "link":
            self.links.append(attrs)
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading = [tag, []]

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.blocks.append("".join(self._script))
            self._script = None
        elif self._heading is not None and tag == self._heading[0]:
            self.headings.append((int(tag[1]), " ".join("".join(self._heading[1]).split())))
            self._heading = None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        if self._heading is not None:
            self._heading[1].append(data)


def parse(response):
    collector = _Collector()
    collector.feed(response.content.decode())
    return collector


def json_ld(response) -> list[dict]:
    return [json.loads(block) for block in parse(response).blocks]


def canonical(response) -> str | None:
    for link in parse(response).links:
        if link.get("rel") == "canonical":
            return link.get("href")
    return None


def assert_heading_order(response):
    """Exactly one h1, first; no heading level skipped on the way down."""
    headings = parse(response).headings
    assert [h for h in headings if h[0] == 1] == headings[:1], headings
    assert headings and headings[0][0] == 1, headings
    for (prev, _), (cur, text) in zip(headings, headings[1:], strict=False):
        assert cur <= prev + 1, f"heading jumps from h{prev} to h{cur} at “{text}”"
