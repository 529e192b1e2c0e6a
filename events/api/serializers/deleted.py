"""The sync feeds' rows: objects that stopped being public, and the record a merge kept."""

from rest_framework import serializers

from events.models import (
    TombstoneKind,
)

from .base import OptionalText


class MergedIntoSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the record kept.")
    url = serializers.URLField(help_text="API URL of the record kept.")


class DeletedSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=TombstoneKind.choices,
        help_text="Resource the object belonged to.",
    )
    id = serializers.IntegerField(help_text="The object's id.")
    slug = OptionalText(help_text="The object's slug (null for claims, which have none).")
    reason = serializers.ChoiceField(
        choices=["withdrawn", "unpublished", "deleted", "merged"],
        help_text="withdrawn (with a public note), unpublished (back to draft, or hidden "
        "because the event or speaker it hangs on is no longer public), deleted, or merged "
        "into another record (merged_into; its old address answers 301 there).",
    )
    at = serializers.DateTimeField(help_text="When it stopped being public (sync cursor).")
    public_note = OptionalText(help_text="Why, when the newsroom said so (else null).")
    merged_into = MergedIntoSerializer(
        allow_null=True, help_text="For a merge: the record kept (null otherwise)."
    )
