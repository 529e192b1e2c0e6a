"""Tombstones: published objects that were deleted, for API clients that sync.

Withdrawn or unpublished objects need no row here: they still exist with a non-published
status and ``first_published_at`` set, so ``/api/v1/deleted/`` finds them live. A hard
delete leaves nothing to query, so a ``post_delete`` receiver records it. This is sync
bookkeeping for the API (like a search index), not domain logic, which is why it is a
signal: it must see every delete, including the admin's and ``QuerySet.delete()``.
"""

from django.db import models
from django.db.models.signals import post_delete
from django.utils import timezone

from .actor import Actor
from .article import Article
from .base import TimeStampedModel
from .claim import Claim
from .event import Event
from .location import Location


class TombstoneKind(models.TextChoices):
    EVENT = "event", "Event"
    ACTOR = "actor", "Actor"
    LOCATION = "location", "Location"
    CLAIM = "claim", "Claim"
    ARTICLE = "article", "Article"


class TombstoneReason(models.TextChoices):
    DELETED = "deleted", "Deleted"
    MERGED = "merged", "Merged into another record"


class Tombstone(TimeStampedModel):
    """A once-published object that no longer exists (deleted or merged), as clients knew it."""

    kind = models.CharField(
        max_length=12, choices=TombstoneKind.choices, help_text="Type of the deleted object."
    )
    object_id = models.PositiveBigIntegerField(help_text="Id the object had.")
    slug = models.SlugField(
        max_length=120, blank=True, help_text="Slug the object had (blank for claims)."
    )
    deleted_at = models.DateTimeField(
        default=timezone.now, db_index=True, help_text="When the object was deleted."
    )
    reason = models.CharField(
        max_length=8,
        choices=TombstoneReason.choices,
        default=TombstoneReason.DELETED,
        db_default=TombstoneReason.DELETED,
        help_text="deleted, or merged into another record (merged_into_id).",
    )
    merged_into_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="For a merge: the id of the record kept (same kind)."
    )

    class Meta:
        ordering = ["deleted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                name="tombstone_unique_object",
                violation_error_message="This object already has a tombstone.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=TombstoneKind.values),
                name="tombstone_kind_valid",
                violation_error_message="Unknown kind.",
            ),
            models.CheckConstraint(
                condition=models.Q(reason=TombstoneReason.DELETED, merged_into_id__isnull=True)
                | models.Q(reason=TombstoneReason.MERGED, merged_into_id__isnull=False),
                name="tombstone_merged_into_with_merge",
                violation_error_message="A merged record names the record kept; only it does.",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.slug or self.object_id} deleted {self.deleted_at:%Y-%m-%d}"


TRACKED = {
    Event: TombstoneKind.EVENT,
    Actor: TombstoneKind.ACTOR,
    Location: TombstoneKind.LOCATION,
    Claim: TombstoneKind.CLAIM,
    Article: TombstoneKind.ARTICLE,
}


def _record_delete(sender, instance, **kwargs):
    if instance.first_published_at is None:
        return  # never public: clients never saw it, and a draft's existence stays private
    merged_into = getattr(instance, "_merged_into", None)  # set by events.services.merge
    Tombstone.objects.update_or_create(
        kind=TRACKED[sender],
        object_id=instance.pk,
        defaults={
            "slug": getattr(instance, "slug", ""),
            "deleted_at": timezone.now(),
            "reason": TombstoneReason.MERGED if merged_into else TombstoneReason.DELETED,
            "merged_into_id": merged_into.pk if merged_into else None,
        },
    )


for _model in TRACKED:
    post_delete.connect(_record_delete, sender=_model, dispatch_uid=f"tombstone-{_model}")

__all__ = ["Tombstone", "TombstoneKind", "TombstoneReason"]
