"""/api/v1/deleted/: objects that were public and no longer are, for clients that sync.

The feed merges six sources (the withdrawn or unpublished rows of each public model, and
the tombstones of deleted or merged rows), each annotated with the same sort key ``(at, type,
key_id)``, and pages through them with the keyset paginator every list uses.
"""

from django import forms
from django.db.models import CharField, F, Value
from django.db.models.functions import Greatest
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from events import dates
from events.models import Actor, Article, Claim, Event, Location, Status, Tombstone

from . import filters, render
from . import serializers as s
from .base import StrictQueryMixin
from .pagination import KeysetPagination
from .resource_urls import merged_into

SINCE_PARAM = OpenApiParameter(
    "since",
    OpenApiTypes.DATETIME,
    description="Only objects that stopped being public at or after this time (ISO 8601).",
)

LIVE = (
    (Actor, "actor"),
    (Article, "article"),
    (Claim, "claim"),
    (Event, "event"),
    (Location, "location"),
)


class DeletedPagination(KeysetPagination):
    """The keyset paginator over (at, type, key_id); the feed has one fixed order."""

    def get_schema_operation_parameters(self, view):
        return [
            p for p in super().get_schema_operation_parameters(view) if p["name"] != "ordering"
        ]


def live_hidden(model, kind: str):
    """Rows of ``model`` that were published once and are not public now.

    "Not public" is the negation of the model's own rule (``public_q``): a claim whose
    event or speaker stopped being public is gone for clients too, and its time is the
    latest change of the three.
    """
    rule = type(model.objects.all()).public_q()
    at = (
        Greatest("updated_at", "event__updated_at", "speaker__updated_at")
        if model is Claim
        else F("updated_at")
    )
    fields = ["at", "type", "key_id", "status", "public_note"]
    if model is not Claim:
        fields.append("slug")
    return (
        model._base_manager.filter(first_published_at__isnull=False)
        .exclude(rule)
        .annotate(at=at, type=Value(kind, output_field=CharField()), key_id=F("pk"))
        .values(*fields)
    )


def tombstones():
    return Tombstone.objects.annotate(
        at=F("deleted_at"), type=F("kind"), key_id=F("object_id")
    ).values("at", "type", "key_id", "slug", "reason", "merged_into_id")


class DeletedViewSet(StrictQueryMixin, viewsets.GenericViewSet):
    """Objects that were public and no longer are, for clients that sync.

    list: Withdrawn, unpublished (back to draft, or a claim whose event or speaker is no
    longer public) and deleted objects, oldest first. Sync with ``modified_since`` on each
    list plus this feed with ``since``.
    """

    serializer_class = s.DeletedSerializer
    pagination_class = DeletedPagination
    default_ordering = "at"
    ordering_fields = {"at": "at"}
    ordering_tiebreak = ("type", "key_id")

    def allowed_query_params(self):
        return {"since", "cursor", "count", "page_size", "format"}

    def get_queryset(self):  # for the schema generator; the feed merges several sources
        return Tombstone.objects.none()

    def since(self, request):
        raw = request.query_params.get("since")
        if not raw:
            return None
        try:
            since = forms.DateTimeField().clean(raw)
        except forms.ValidationError:
            raise ValidationError(
                {"since": [f"Give a time in ISO 8601 (2024-03-23T00:00:00Z), not “{raw}”."]}
            ) from None
        if not dates.datetime_in_range(since):
            raise ValidationError({"since": [dates.out_of_range_message(since)]})
        return filters.as_utc(since)

    @extend_schema(tags=["sync"], parameters=[SINCE_PARAM])
    def list(self, request, *args, **kwargs):
        since = self.since(request)
        sources = [live_hidden(model, kind) for model, kind in LIVE] + [tombstones()]
        if since is not None:
            sources = [qs.filter(at__gte=since) for qs in sources]
        page = self.paginator.paginate_sources(sources, request, self)
        rows = [render.deleted(row) for row in feed_rows(page, request)]
        return Response({**self.paginator.envelope(), "results": rows})


def feed_rows(page, request) -> list[dict]:
    """The feed's rows for ``page`` (``values()`` of :func:`live_hidden` and
    :func:`tombstones`), as events.api.render.deleted prints them."""
    return [
        {
            "type": row["type"],
            "id": row["key_id"],
            "slug": row.get("slug") or None,  # claims have none
            "reason": row["reason"]
            if "status" not in row
            else "withdrawn"
            if row["status"] == Status.WITHDRAWN
            else "unpublished",
            "at": row["at"],
            "public_note": row.get("public_note") or None,
            "merged_into": merged_into(request, row["type"], row.get("merged_into_id")),
        }
        for row in page
    ]
