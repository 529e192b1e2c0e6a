"""What every API serializer is built from: links, visibility, fields shared by every
published resource.

The serializers are the API's declared schema (drf-spectacular, ``fields=`` / ``omit=``)
and run on DRF's own path, only in the schema generator and tests/api/test_render.py, which
holds events/api/render.py (what answers requests) to them field by field.
"""

from urllib.parse import urlencode

from django.urls import reverse as django_reverse
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import (
    Status,
)


class ApiLink(serializers.HyperlinkedIdentityField):
    """A link to an API object, without the request's ``?format=`` carried over.

    DRF's link fields reverse() with ``format`` from the current request, so an actor linked
    from a GeoJSON response would point at ``?format=geojson``, which actors do not offer.
    """

    def __init__(self, view_name, **kwargs):
        kwargs.setdefault("lookup_field", "pk")
        super().__init__(view_name=view_name, **kwargs)

    def get_url(self, obj, view_name, request, format):
        return super().get_url(obj, view_name, request, None)


def list_link(request, name: str, **params) -> str:
    url = django_reverse(name)
    url = request.build_absolute_uri(url) if request else url
    return f"{url}?{urlencode(params)}"


# Every published resource ends with its workflow state and timestamps.
WORKFLOW_FIELDS = [
    "status",
    "public_note",
    "first_published_at",
    "created_at",
    "updated_at",
    "version",
]

AS_OF_HELP = "The as_of date asked for, or null for what is known now."


# No docstrings on the mixins: drf-spectacular would publish them as every subclass's
# description.
class VisibleOnlyMixin:
    """Render ``null`` for an object the client may not see (drafts for anonymous clients)."""

    @cached_property
    def _public_only(self) -> bool:
        return self.context.get("public_only", True)

    def to_representation(self, instance):
        if self._public_only and getattr(instance, "status", Status.PUBLISHED) != Status.PUBLISHED:
            return None
        return super().to_representation(instance)


@extend_schema_field(OpenApiTypes.URI)
class HtmlUrlField(serializers.Field):
    """The object's page on the site (absolute URL)."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault("help_text", "The object's page on the site.")
        super().__init__(**kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        url = value.get_absolute_url()
        return request.build_absolute_uri(url) if request else url
