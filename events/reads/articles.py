"""The article page: its text with confirmed mentions, the claims it reports, their events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, Value
from django.db.models.functions import Coalesce

from events.fetch_plans import guarded
from events.models import Article, ClaimSource, Correction, Event, Mention
from events.models.base import is_staff

from .common import LIST_LIMIT, corrections_for, get_visible


@dataclass
class ArticlePage:
    article: Article
    mentions: list[Mention]
    claim_sources: list[ClaimSource]
    events: list[Event]
    corrections: list[Correction]


def article_page(slug: str, user) -> ArticlePage:
    mentions = Mention.objects.filter(confirmed=True)
    if not is_staff(user):
        mentions = mentions.public(under="article")
    qs = Article.objects.select_related("publisher").prefetch_related(
        Prefetch(
            "mentions",
            queryset=guarded(
                mentions.select_related("actor", "location").order_by(
                    "start_offset", "-end_offset"
                )
            ),
        ),
        Prefetch(
            "claim_sources",
            queryset=guarded(
                ClaimSource.objects.visible_to(user, under="article")
                .select_related("claim__speaker", "claim__event")
                .order_by("start_offset", "pk")
            ),
        ),
    )
    article = get_visible(qs, user, slug=slug)
    if article.publisher is not None and not (is_staff(user) or article.publisher.is_public):
        article.publisher = None
    sources = list(article.claim_sources.all())[:LIST_LIMIT]
    events: dict[int, Event] = {}
    for s in sources:
        events.setdefault(s.claim.event_id, s.claim.event)
    return ArticlePage(
        article=article,
        mentions=list(article.mentions.all()),
        claim_sources=sources,
        events=sorted(events.values(), key=lambda e: e.start),
        corrections=corrections_for(article),
    )


# --- The API's articles -------------------------------------------------------------------------


def _with_sort_keys(qs):
    """``published_sort`` (undated articles first when ascending) and ``has_text``."""
    return qs.annotate(
        published_sort=Coalesce("published_on", Value(dt.date(1, 1, 1))),
        has_text=ExpressionWrapper(~Q(raw_text=""), output_field=BooleanField()),
    )


def articles_for_list(user):
    """The articles list (API), without their texts."""
    return guarded(_with_sort_keys(Article.objects.visible_to(user).for_list()))


def details_queryset(user):
    """The articles ``user`` may see, with their texts and publishers (the detail)."""
    return guarded(_with_sort_keys(Article.objects.visible_to(user).select_related("publisher")))


def article_detail(slug: str, user) -> Article | None:
    """One article (API), with its texts and publisher."""
    return details_queryset(user).filter(slug=slug).first()
