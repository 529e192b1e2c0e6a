"""Actors: aliases, links to other actors, and where to find their events and claims."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import (
    Actor,
    ActorAlias,
    Affiliation,
)

from .base import WORKFLOW_FIELDS, ApiLink, HtmlUrlField, PublishedSerializer, list_link, optional
from .refs import ActorRefSerializer


# --- actors -------------------------------------------------------------------------------
class AliasSerializer(serializers.Serializer):
    name = serializers.CharField()
    language = optional(ActorAlias, "language")
    script = optional(ActorAlias, "script")


class ActorAliasSerializer(AliasSerializer):
    is_abbreviation = serializers.BooleanField()


class ActorListSerializer(PublishedSerializer):
    url = ApiLink(view_name="api:actor-detail", lookup_field="slug")
    description = optional(Actor, "description")
    website = optional(Actor, "website")
    html_url = HtmlUrlField()
    aliases = ActorAliasSerializer(source="fetched_aliases", many=True, read_only=True)

    class Meta:
        model = Actor
        fields = [
            "url",
            "html_url",
            "slug",
            "name",
            "kind",
            "description",
            "aliases",
            "wikidata_qid",
            "website",
            *WORKFLOW_FIELDS,
        ]


class AffiliationSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="branch_of, member_of, leader_of, …")
    kind_label = serializers.CharField(source="get_kind_display")
    organisation = ActorRefSerializer(read_only=True)
    title = optional(Affiliation, "title")
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)


class AffiliatedSerializer(AffiliationSerializer):
    organisation = None
    actor = ActorRefSerializer(read_only=True)


class ActorDetailSerializer(ActorListSerializer):
    affiliations = AffiliationSerializer(source="fetched_affiliations", many=True, read_only=True)
    affiliated = AffiliatedSerializer(source="fetched_affiliated", many=True, read_only=True)
    events_url = serializers.SerializerMethodField()
    claims_url = serializers.SerializerMethodField()

    class Meta(ActorListSerializer.Meta):
        fields = [
            *ActorListSerializer.Meta.fields,
            "affiliations",
            "affiliated",
            "events_url",
            "claims_url",
        ]

    def _list_url(self, name, **params):
        return list_link(self.context.get("request"), name, **params)

    @extend_schema_field(OpenApiTypes.URI)
    def get_events_url(self, obj):
        return self._list_url("api:event-list", actor=obj.slug)

    @extend_schema_field(OpenApiTypes.URI)
    def get_claims_url(self, obj):
        return self._list_url("api:claim-list", speaker=obj.slug)
