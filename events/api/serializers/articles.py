"""Articles: the list form and the detail (with the texts)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import (
    Article,
)

from .base import WORKFLOW_FIELDS, ApiLink, HtmlUrlField, PublishedSerializer, optional
from .refs import ActorRefSerializer


# --- articles -----------------------------------------------------------------------------
class ArticleListSerializer(PublishedSerializer):
    api_url = ApiLink(view_name="api:article-detail", lookup_field="slug")
    html_url = HtmlUrlField()
    original_headline = optional(Article, "original_headline")
    byline = optional(Article, "byline")
    url = optional(Article, "url")
    carried_by = optional(Article, "carried_by")
    publisher = ActorRefSerializer(read_only=True, allow_null=True)
    is_citation = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "api_url",
            "html_url",
            "slug",
            "headline",
            "original_headline",
            "kind",
            "published_on",
            "publisher",
            "byline",
            "url",
            "carried_by",
            "language",
            "is_citation",
            *WORKFLOW_FIELDS,
        ]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_citation(self, obj) -> bool:
        """A bare citation of a report whose text newsbase does not hold."""
        return not obj.has_text


class ArticleDetailSerializer(ArticleListSerializer):
    text = optional(
        Article,
        "clean_text",
        source="clean_text",
        help_text="The cleaned text (debris removed, paragraphs kept); null for a bare citation.",
    )
    raw_text = optional(Article, "raw_text")
    provenance_note = optional(Article, "provenance_note")

    class Meta(ArticleListSerializer.Meta):
        fields = [
            *ArticleListSerializer.Meta.fields,
            "text",
            "raw_text",
            "retrieved_at",
            "provenance_note",
        ]
