"""What every API serializer is built from: links, the site root, visibility, fields
shared by every published resource."""

from urllib.parse import urlencode

from django.urls import reverse as django_reverse
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.links import fast_reverse
from events.models import (
    Status,
)

from ..representation import FastRepresentationMixin


class SiteRootMixin:
    """``_root``: the request's ``scheme://host`` (what build_absolute_uri puts before a
    path), worked out once per field and request rather than once per link."""

    @cached_property
    def _root(self) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri("/")[:-1] if request else ""


# The API's base serializers (representation.py: how they run). No docstrings here or on
# the mixins below: drf-spectacular would publish them as every subclass's description.
class Serializer(FastRepresentationMixin, serializers.Serializer):
    pass


class ModelSerializer(FastRepresentationMixin, serializers.ModelSerializer):
    pass


class ApiLink(SiteRootMixin, serializers.HyperlinkedIdentityField):
    """A link to an API object, without the request's ``?format=`` carried over.

    DRF's link fields reverse() with ``format`` from the current request, so an actor linked
    from a GeoJSON response would point at ``?format=geojson``, which actors do not offer.
    This one builds the plain URL (from a per-route template, events/links.py) and returns
    it as a string.
    """

    def __init__(self, view_name, **kwargs):
        kwargs.setdefault("lookup_field", "pk")
        super().__init__(view_name=view_name, **kwargs)

    def to_representation(self, value):
        path = fast_reverse(
            self.view_name, self.lookup_url_kwarg, getattr(value, self.lookup_field)
        )
        return self._root + path


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
class HtmlUrlField(SiteRootMixin, serializers.Field):
    """The object's page on the site (absolute URL)."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault("help_text", "The object's page on the site.")
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self._root + value.get_absolute_url()
