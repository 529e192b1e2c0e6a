"""A small client for Wikidata's API: search items, read them, check that a QID exists.

It calls the MediaWiki API at ``settings.WIKIDATA_API_URL`` (``wbsearchentities`` and
``wbgetentities``, JSON) with a timeout; anything that goes wrong on the way (no answer, an
HTTP error, a body that is not the API's JSON) is :class:`WikidataUnavailable`, which the
forms report as "Wikidata could not be reached" — never as "no such item". An empty
setting switches Wikidata off (:func:`enabled`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings

USER_AGENT = "newsbase/0.1 (editorial knowledge base; Wikidata look-ups by editors)"
LOCATED_IN = "P131"  # located in the administrative territorial entity
COUNTRY = "P17"
COORDINATES = "P625"
INSTANCE_OF = "P31"
COUNTRY_CLASSES = {"Q6256", "Q3624078"}  # country, sovereign state


class WikidataUnavailable(Exception):
    """Wikidata did not answer as its API does (down, unreachable, or an odd reply)."""


@dataclass
class WikidataItem:
    """What an import reads from one item, in the languages we keep."""

    qid: str
    labels: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    description: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    located_in: str = ""
    instance_of: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return self.labels.get("en") or next(iter(self.labels.values()), self.qid)


def enabled() -> bool:
    return bool(getattr(settings, "WIKIDATA_API_URL", ""))


def _call(params: dict) -> dict:
    if not enabled():
        raise WikidataUnavailable("Wikidata is switched off (WIKIDATA_API_URL is empty).")
    url = settings.WIKIDATA_API_URL + "?" + urlencode({**params, "format": "json"})
    request = Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
    try:
        with urlopen(request, timeout=settings.WIKIDATA_TIMEOUT) as response:
            body = json.loads(response.read(2_000_000))
    except (URLError, OSError, ValueError) as exc:
        raise WikidataUnavailable(f"Wikidata could not be reached ({exc}).") from None
    if not isinstance(body, dict) or "error" in body:
        raise WikidataUnavailable(f"Wikidata answered with an error: {body.get('error')}.")
    return body


def search(query: str, *, language: str = "en", limit: int = 7) -> list[dict]:
    """Items whose label or alias matches ``query``: id, label, description."""
    body = _call(
        {
            "action": "wbsearchentities",
            "search": query,
            "language": language,
            "uselang": language,
            "type": "item",
            "limit": limit,
        }
    )
    return [
        {"id": hit["id"], "label": hit.get("label", ""), "description": hit.get("description", "")}
        for hit in body.get("search", [])
    ]


def get_item(qid: str) -> WikidataItem | None:
    """The item, or None if Wikidata has no item with this QID."""
    languages = "|".join(settings.WIKIDATA_LANGUAGES)
    body = _call(
        {
            "action": "wbgetentities",
            "ids": qid,
            "props": "labels|aliases|descriptions|claims",
            "languages": languages,
        }
    )
    entity = body.get("entities", {}).get(qid)
    if entity is None or "missing" in entity:
        return None
    item = WikidataItem(
        qid=qid,
        labels={k: v["value"] for k, v in entity.get("labels", {}).items()},
        aliases={k: [a["value"] for a in v] for k, v in entity.get("aliases", {}).items()},
        description=entity.get("descriptions", {}).get("en", {}).get("value", ""),
    )
    claims = entity.get("claims", {})
    point = _first_value(claims, COORDINATES)
    if point:
        item.latitude = Decimal(f"{point['latitude']:.5f}")
        item.longitude = Decimal(f"{point['longitude']:.5f}")
    parent = _first_value(claims, LOCATED_IN)
    item.located_in = parent["id"] if parent else ""
    item.instance_of = {
        v["id"] for v in (_value(c) for c in claims.get(INSTANCE_OF, [])) if v and "id" in v
    }
    return item


def qid_exists(qid: str) -> bool:
    """Whether Wikidata has the item (raises :class:`WikidataUnavailable` if it cannot say)."""
    return get_item(qid) is not None


def _value(claim: dict):
    snak = claim.get("mainsnak", {})
    return snak.get("datavalue", {}).get("value") if snak.get("snaktype") == "value" else None


def _first_value(claims: dict, prop: str):
    """The preferred statement's value, else the first normal one (deprecated ones never)."""
    statements = [c for c in claims.get(prop, []) if c.get("rank") != "deprecated"]
    statements.sort(key=lambda c: c.get("rank") != "preferred")
    for claim in statements:
        value = _value(claim)
        if value is not None:
            return value
    return None
