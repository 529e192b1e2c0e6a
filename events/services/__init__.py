"""Writes that touch several rows or models: ingestion, workflow, merges, bulk writes.

Keyword-only, typed, atomic, named ``<entity>_<action>``; the admin and the management
commands call these, so a write behaves the same wherever it starts.
"""

from .articles import (
    MentionCandidate,
    article_find_mentions,
    article_ingest,
    article_locate_passage,
    article_read_upload,
    mention_confirm,
)
from .history import rows_bulk_create, rows_bulk_update
from .merge import MergeResult, actor_merge, location_merge
from .publication import (
    publishable_check_publishable,
    publishable_correct,
    publishable_publish,
    publishable_submit,
    publishable_withdraw,
    user_can_publish,
)

__all__ = [
    "MentionCandidate",
    "MergeResult",
    "actor_merge",
    "article_find_mentions",
    "article_ingest",
    "article_locate_passage",
    "article_read_upload",
    "location_merge",
    "mention_confirm",
    "publishable_check_publishable",
    "publishable_correct",
    "publishable_publish",
    "publishable_submit",
    "publishable_withdraw",
    "rows_bulk_create",
    "rows_bulk_update",
    "user_can_publish",
]
