"""Locations: the list form and the detail (ancestors, children, aliases)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import (
    Location,
)

from .actors import AliasSerializer
from .base import WORKFLOW_FIELDS, ApiLink, HtmlUrlField, PublishedSerializer, list_link, optional
from .events import AncestorsMixin
from .refs import LocationRefSerializer


# --- locations ----------------------------------------------------------------------------
class LocationListSerializer(PublishedSerializer):
    url = ApiLink(view_name="api:location-detail", lookup_field="slug")
    html_url = HtmlUrlField()
    address = optional(Location, "address")
    timezone = optional(Location, "timezone")
    description = optional(Location, "description")
    parent = LocationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Location
        fields = [
            "url",
            "html_url",
            "slug",
            "name",
            "kind",
            "parent",
            "latitude",
            "longitude",
            "address",
            "timezone",
            "wikidata_qid",
            "description",
            *WORKFLOW_FIELDS,
        ]


class LocationDetailSerializer(AncestorsMixin, LocationListSerializer):
    ancestors = serializers.SerializerMethodField()
    children = LocationRefSerializer(source="fetched_children", many=True, read_only=True)
    aliases = AliasSerializer(source="fetched_aliases", many=True, read_only=True)
    events_url = serializers.SerializerMethodField()

    class Meta(LocationListSerializer.Meta):
        fields = [*LocationListSerializer.Meta.fields, "ancestors", "children", "aliases"] + [
            "events_url"
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_events_url(self, obj):
        return list_link(self.context.get("request"), "api:event-list", location=obj.slug)
