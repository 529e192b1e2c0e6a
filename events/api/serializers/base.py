"""What every API serializer is built from: links, visibility, fields shared by every
published resource.

The serializers are the API's declared schema (drf-spectacular, ``fields=`` / ``omit=``)
and run on DRF's own path, only in the schema generator and tests/api/test_render.py, which
holds events/api/render.py (what answers requests) to them field by field.
"""

from urllib.parse import urlencode

from django.db import models
from django.urls import reverse as django_reverse
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import (
    PublishableModel,
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


# --- absent is null, never "" ---------------------------------------------------------------
class _BlankAsNull:
    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)  # so the schema says nullable
        super().__init__(**kwargs)

    def to_representation(self, value):
        return super().to_representation(value) or None


class OptionalText(_BlankAsNull, serializers.CharField):
    """A text that may be absent: ``null`` then, never ``""``."""


class OptionalURL(_BlankAsNull, serializers.URLField):
    """A URL that may be absent: ``null`` then, never ``""``."""


class OptionalChoice(_BlankAsNull, serializers.ChoiceField):
    """A choice that may be absent: ``null`` then, never ``""``."""


def optional(model, name: str, **kwargs):
    """The API field of ``model``'s blank-or-value column ``name``: its value, or ``null``
    when blank (the schema says nullable, with the column's help text)."""
    column = model._meta.get_field(name)
    kwargs.setdefault("help_text", column.help_text)
    if column.choices:
        return OptionalChoice(choices=column.choices, **kwargs)
    if column.max_length:
        kwargs.setdefault("max_length", column.max_length)
    if isinstance(column, models.URLField):
        return OptionalURL(**kwargs)
    return OptionalText(**kwargs)


# What every published resource's serializer derives from (its public_note may be absent).
class PublishedSerializer(serializers.ModelSerializer):
    public_note = optional(PublishableModel, "public_note")


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
