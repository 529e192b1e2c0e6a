"""Nested references: the short form of an object inside another one."""

from rest_framework import serializers

from events.models import (
    Actor,
    Article,
    Claim,
    Event,
    Location,
)

from .base import ApiLink, VisibleOnlyMixin, optional


# --- nested references --------------------------------------------------------------------
class LocationRefSerializer(VisibleOnlyMixin, serializers.ModelSerializer):
    url = ApiLink(view_name="api:location-detail", lookup_field="slug")

    class Meta:
        model = Location
        fields = ["url", "slug", "name", "kind", "latitude", "longitude"]


class ActorRefSerializer(VisibleOnlyMixin, serializers.ModelSerializer):
    url = ApiLink(view_name="api:actor-detail", lookup_field="slug")

    class Meta:
        model = Actor
        fields = ["url", "slug", "name", "kind"]


class EventRefSerializer(VisibleOnlyMixin, serializers.ModelSerializer):
    url = ApiLink(view_name="api:event-detail", lookup_field="slug")
    type = serializers.CharField(source="event_type", help_text="Kind of event.")

    class Meta:
        model = Event
        fields = ["url", "slug", "title", "type", "start", "start_precision"]


class ArticleRefSerializer(VisibleOnlyMixin, serializers.ModelSerializer):
    api_url = ApiLink(view_name="api:article-detail", lookup_field="slug")
    original_headline = optional(Article, "original_headline")
    url = optional(Article, "url")

    class Meta:
        model = Article
        fields = [
            "api_url",
            "slug",
            "headline",
            "original_headline",
            "kind",
            "published_on",
            "url",
        ]


class ClaimRefSerializer(serializers.ModelSerializer):
    url = ApiLink(view_name="api:claim-detail")
    speaker = ActorRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Claim
        fields = ["url", "id", "kind", "speaker", "text", "made_at", "assessment"]
