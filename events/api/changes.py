"""``/api/v1/changes/``: the change feed, for clients that keep a copy in sync.

Each entry names a public resource that changed (or was deleted, or merged into another)
in commit-safe order; fetch its ``url`` again to get the new state (a 404 means it is no
longer public). See :mod:`events.sync.feed` for why the cursor never skips a change.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from events.models import ChangeAction, ChangeKind
from events.sync.feed import BadCursor, CursorExpired, parse_cursor, read_page

from . import render
from .base import StrictQueryMixin
from .errors import CursorGone, ErrorSerializer
from .pagination import parse_page_size
from .resource_urls import detail_url, merged_into
from .serializers import MergedIntoSerializer, OptionalText


class ChangeSerializer(serializers.Serializer):
    position = serializers.CharField(help_text="This change's place in the feed (a cursor).")
    type = serializers.ChoiceField(choices=ChangeKind.choices, source="kind")
    id = serializers.IntegerField(source="object_id", help_text="The object's id.")
    slug = OptionalText(help_text="The object's slug (null for claims, which have none).")
    url = serializers.URLField(help_text="Fetch this to get the object as it is now.")
    action = serializers.ChoiceField(
        choices=ChangeAction.choices,
        help_text="changed: fetch url again (404: no longer public, drop it); deleted: drop "
        "it; merged: drop it, its links now lead to merged_into.",
    )
    merged_into = MergedIntoSerializer(allow_null=True)
    changed_at = serializers.DateTimeField(help_text="When the change was written.")


class ChangeFeedSerializer(serializers.Serializer):
    cursor = serializers.CharField(
        help_text="Pass it as `after` to read on; store it once you have applied the page."
    )
    has_more = serializers.BooleanField(help_text="More changes are ready now.")
    next = serializers.URLField(help_text="The next page (the same as after=cursor).")
    results = ChangeSerializer(many=True)


def change_entries(changes, request) -> list[dict]:
    """The feed's entries for ``changes``: the page's results, and a webhook delivery's
    (``request`` None: the URLs are paths, for the caller to make absolute)."""
    return [render.change(entry) for entry in feed_entries(changes, request)]


def feed_entries(changes, request) -> list[dict]:
    """The values of each change's entry, as events.api.render.change prints them."""
    return [
        {
            "position": f"{c.txid}-{c.id}",
            "kind": c.kind,
            "object_id": c.object_id,
            "slug": c.slug,
            "url": detail_url(request, c.kind, c.object_id, c.slug),
            "action": c.action,
            "merged_into": merged_into(request, c.kind, c.merged_into_id),
            "changed_at": c.created_at,
        }
        for c in changes
    ]


AFTER_PARAM = OpenApiParameter(
    "after",
    OpenApiTypes.STR,
    description="The `cursor` of the last page you applied (`0-0`, or none, for the start).",
    pattern=r"^\d{1,19}-\d{1,19}$",
)


class ChangeFeedView(StrictQueryMixin, APIView):
    """Every public change, once each, in an order safe against late commits."""

    renderer_classes = [JSONRenderer]

    def allowed_query_params(self):
        return {"after", "page_size", "format"}

    @extend_schema(
        tags=["sync"],
        parameters=[AFTER_PARAM],
        responses={
            200: ChangeFeedSerializer,
            410: OpenApiResponse(
                ErrorSerializer,
                description="`after` is before changes that have been pruned (the log keeps "
                "CHANGES_KEEP_DAYS days, and always what follows the newest snapshot): load "
                "the latest snapshot from /api/v1/exports/ and follow from its cursor.",
            ),
        },
    )
    def get(self, request, *args, **kwargs):
        size = parse_page_size(request)
        try:
            after = parse_cursor(request.query_params.get("after"))
        except BadCursor as exc:
            raise ValidationError({"after": [str(exc)]}) from None
        try:
            page = read_page(after, size)
        except CursorExpired as exc:
            raise CursorGone({"after": [str(exc)]}) from None
        data = {
            "cursor": page.cursor,
            "has_more": page.has_more,
            "next": replace_query_param(request.build_absolute_uri(), "after", page.cursor),
            "results": change_entries(page.changes, request),
        }
        return Response(data)
