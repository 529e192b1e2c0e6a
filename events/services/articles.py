"""Article ingestion: store a report as received, find the known names in it, quote it."""

import hashlib
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max

from events.matching import NameEntry, NameMatcher, matcher_for
from events.models import (
    Actor,
    ActorAlias,
    Article,
    Location,
    LocationAlias,
    Mention,
    Status,
)
from events.text import clean_report_text, leading_date

from .history import rows_bulk_create

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def article_read_upload(*, name: str, content: bytes) -> str:
    """The text of an uploaded report: a UTF-8 ``.txt`` file, refused clearly otherwise."""
    if not name.lower().endswith(".txt"):
        raise ValidationError({"upload": "Upload a plain-text .txt file."})
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError({"upload": "The file is larger than 5 MB; is it really a report?"})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"upload": "The file is not UTF-8 text."}) from None
    if "\x00" in text:
        raise ValidationError({"upload": "The file contains binary data, not text."})
    if not text.strip():
        raise ValidationError({"upload": "The file is empty."})
    return text


def _default_headline(raw_text: str) -> str:
    clean = clean_report_text(raw_text)
    first = clean.split("\n\n", 1)[0].strip()
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    return (sentence[:297] + "…") if len(sentence) > 300 else sentence


@transaction.atomic
def article_ingest(
    *,
    raw_text: str,
    headline: str = "",
    published_on=None,
    publisher: Actor | None = None,
    url: str | None = None,
    byline: str = "",
    language: str = "en",
    provenance_note: str = "",
    retrieved_at=None,
    user=None,
) -> Article:
    """Store a report exactly as received (cleaned text beside it) as a draft article.

    The same text twice is refused with the headline it was stored under. Without a headline
    the first sentence is used; without a date, a scraped dateline at the top is.
    """
    if not raw_text or not raw_text.strip():
        raise ValidationError({"raw_text": "Paste the report's text or upload a .txt file."})
    digest = hashlib.sha256(raw_text.encode()).hexdigest()
    existing = Article._base_manager.filter(raw_text_sha256=digest).first()
    if existing is not None:
        raise ValidationError(
            {"raw_text": f"This exact text was already ingested as “{existing.headline}”."}
        )
    if published_on is None and (dateline := leading_date(raw_text)):
        published_on = dateline
    article = Article(
        headline=(headline or "").strip() or _default_headline(raw_text),
        raw_text=raw_text,
        published_on=published_on,
        publisher=publisher,
        url=url or None,
        byline=byline,
        language=language or "en",
        provenance_note=provenance_note,
        retrieved_at=retrieved_at,
        status=Status.DRAFT,
        raw_text_sha256=digest,  # (save() derives both again; full_clean needs them now)
        clean_text=clean_report_text(raw_text),
    )
    if user is not None and user.is_authenticated:
        article._history_user = user
    article._change_reason = "Ingested"
    article.full_clean()
    article.save()
    return article


@dataclass(frozen=True)
class MentionCandidate:
    """A known name found in an article's cleaned text."""

    kind: str  # "actor" or "location"
    entity_id: int
    entity_name: str
    surface: str
    start: int
    end: int
    confirmed: bool = False

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.entity_id}:{self.start}:{self.end}"


def _names_signature() -> tuple:
    """Changes whenever a name or alias is added, edited or removed (cheap: four aggregates)."""
    return tuple(
        tuple(model._base_manager.aggregate(n=Count("pk"), last=Max("updated_at")).values())
        for model in (Actor, ActorAlias, Location, LocationAlias)
    )


def _known_names():
    """Every name and alias of every actor and location, for the matcher (read lazily)."""
    for pk, name in Actor._base_manager.values_list("pk", "name").iterator():
        yield NameEntry("actor", pk, name)
    aliases = ActorAlias.objects.values_list("actor_id", "name", "is_abbreviation")
    for pk, name, abbreviation in aliases.iterator():
        yield NameEntry("actor", pk, name, abbreviation)
    for pk, name in Location._base_manager.values_list("pk", "name").iterator():
        yield NameEntry("location", pk, name)
    for pk, name in LocationAlias.objects.values_list("location_id", "name").iterator():
        yield NameEntry("location", pk, name)


def known_names_matcher() -> NameMatcher:
    """The matcher over every known name, rebuilt only when the names have changed."""
    return matcher_for(_names_signature(), _known_names())


def _labels(targets: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
    labels = {}
    for kind, model in (("actor", Actor), ("location", Location)):
        ids = [pk for k, pk in targets if k == kind]
        if ids:
            for pk, name in model._base_manager.filter(pk__in=ids).values_list("pk", "name"):
                labels[(kind, pk)] = name
    return labels


def article_find_mentions(*, article: Article) -> list[MentionCandidate]:
    """Known actors and locations whose name or alias occurs in the cleaned text.

    The rules (folding, abbreviations, whole words, longest wins) are
    :mod:`events.matching`'s; each candidate carries its offsets in ``clean_text``.
    Mentions already confirmed are flagged, and kept even if the names have changed since.
    """
    text = article.clean_text
    confirmed = {
        (
            "actor" if m.actor_id else "location",
            m.actor_id or m.location_id,
            m.start_offset,
            m.end_offset,
        ): m
        for m in Mention.objects.filter(article=article, confirmed=True)
    }
    found: dict[tuple, MentionCandidate] = {}
    matches = known_names_matcher().find(text) if text else []
    targets = {target for match in matches for target in match.targets}
    labels = _labels(targets)
    for match in matches:
        surface = text[match.start : match.end]
        for kind, pk in match.targets:
            key = (kind, pk, match.start, match.end)
            found[key] = MentionCandidate(
                kind=kind,
                entity_id=pk,
                entity_name=labels.get((kind, pk), surface),
                surface=surface,
                start=match.start,
                end=match.end,
                confirmed=key in confirmed,
            )
    for key, mention in confirmed.items():
        if key not in found:
            found[key] = MentionCandidate(
                kind=key[0],
                entity_id=key[1],
                entity_name=str(mention.target),
                surface=mention.surface,
                start=mention.start_offset,
                end=mention.end_offset,
                confirmed=True,
            )
    return sorted(found.values(), key=lambda c: (c.start, c.kind, c.entity_name))


@transaction.atomic
def mention_confirm(*, article: Article, keys: list[str], user=None) -> dict[str, int]:
    """Store exactly the chosen candidates as confirmed mentions (others are unconfirmed).

    ``keys`` are :attr:`MentionCandidate.key` values from :func:`article_find_mentions`; an
    unknown key is refused (the text or the names changed since the page was drawn).
    """
    candidates = {c.key: c for c in article_find_mentions(article=article)}
    unknown = [k for k in keys if k not in candidates]
    if unknown:
        raise ValidationError(
            "Some chosen mentions are no longer found in the text; reload the page and choose "
            "again."
        )
    chosen = set(keys)
    removed = 0
    for mention in Mention.objects.filter(article=article, confirmed=True):
        kind = "actor" if mention.actor_id else "location"
        key = f"{kind}:{mention.actor_id or mention.location_id}:{mention.start_offset}:" + str(
            mention.end_offset
        )
        if key in chosen:
            chosen.discard(key)
        else:
            if user is not None and user.is_authenticated:
                mention._history_user = user
            mention.delete()
            removed += 1
    new = []
    for key in sorted(chosen):
        c = candidates[key]
        Mention.objects.filter(
            article=article,
            start_offset=c.start,
            end_offset=c.end,
            **{c.kind: c.entity_id},
        ).delete()  # an unconfirmed suggestion stored earlier becomes this confirmed one
        new.append(
            Mention(
                article=article,
                actor_id=c.entity_id if c.kind == "actor" else None,
                location_id=c.entity_id if c.kind == "location" else None,
                start_offset=c.start,
                end_offset=c.end,
                surface=c.surface[:200],
                confirmed=True,
                confirmed_by=user if user is not None and user.is_authenticated else None,
            )
        )
    rows_bulk_create(objs=new, user=user, reason="Mention confirmed")
    return {"created": len(new), "removed": removed}


def article_locate_passage(
    *, article: Article, passage: str, start: int | None = None, end: int | None = None
) -> tuple[str, int, int]:
    """Check that ``passage`` occurs in the article's cleaned text; return it with offsets.

    Offsets from a browser selection are trusted only if they point at the passage; without
    them the first occurrence is used.
    """
    if article.is_citation:
        raise ValidationError({"passage": "This article is a bare citation: it has no text."})
    passage = (passage or "").strip()
    if not passage:
        raise ValidationError({"passage": "Select or paste the passage to quote."})
    text = article.clean_text
    if start is not None and end is not None and text[start:end] == passage:
        return passage, start, end
    position = text.find(passage)
    if position < 0:
        collapsed = " ".join(passage.split())
        position = text.find(collapsed)
        if position >= 0:
            passage = collapsed
    if position < 0:
        raise ValidationError(
            {
                "passage": "This passage does not occur in the article's cleaned text; quote it "
                "exactly as it stands."
            }
        )
    return passage, position, position + len(passage)
