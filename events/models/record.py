"""What a record loader last wrote to each row, so it never overwrites an editor's work.

A record file (``events/data/<name>/record.toml``) is loaded into ordinary rows that editors
then own. Each row the loader writes gets a ``LoadedRow``: the values it wrote, by field.
Comparing three things — the record now, what the loader last wrote, the row now — tells a
change to the shipped record (safe to apply) from an editor's change (never overwritten
unless forced for that row). See ``events.services.record``.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .base import TimeStampedModel


class LoadedRow(TimeStampedModel):
    """The values a record loader last wrote to one row (its fingerprint)."""

    record = models.CharField(
        max_length=64, help_text="The record the row comes from (the data folder's name)."
    )
    key = models.CharField(
        max_length=300,
        help_text="The row's stable key in the record (claim:killed-133-sk, article:<slug>…).",
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, help_text="Type of the loaded row."
    )
    object_id = models.PositiveBigIntegerField(help_text="Id of the loaded row.")
    values = models.JSONField(
        default=dict,
        help_text="Field → value as the loader last wrote it (JSON: dates in ISO 8601 UTC, "
        "decimals as strings, related rows by id).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record", "key"],
                name="loaded_row_unique_key",
                violation_error_message="This record row is already tracked.",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="loaded_row_target")]

    def __str__(self):
        return f"{self.record}: {self.key}"


__all__ = ["LoadedRow"]
