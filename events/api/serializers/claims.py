"""Claims: figures, sources, corrections, relations, and the list, in-event and detail forms."""

from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import (
    Claim,
    ClaimSource,
    Metric,
)
from events.reads.claims import contradicting, related_claims

from .base import AS_OF_HELP, WORKFLOW_FIELDS, ApiLink, HtmlUrlField, PublishedSerializer, optional
from .refs import ActorRefSerializer, ArticleRefSerializer, ClaimRefSerializer, EventRefSerializer


class FigureSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(
        source="figure_metric", choices=Metric.choices, help_text="What is counted."
    )
    value = serializers.IntegerField(source="figure_value", help_text="The number stated.")
    qualifier = serializers.CharField(
        source="figure_qualifier", help_text="exact, at_least, over or about."
    )
    as_of = serializers.DateTimeField(source="figure_as_of", help_text="When the count held.")
    as_of_precision = serializers.CharField(
        source="figure_as_of_precision", help_text="How much of as_of is known."
    )
    display = serializers.CharField(
        source="figure_display", help_text="e.g. “at least 40 killed”."
    )


class FigurePointSerializer(serializers.ModelSerializer):
    """One value of a figure series: the claim that states it."""

    claim = ApiLink(view_name="api:claim-detail")
    value = serializers.IntegerField(source="figure_value")
    qualifier = serializers.CharField(source="figure_qualifier")
    as_of = serializers.DateTimeField(source="figure_as_of")
    as_of_precision = serializers.CharField(source="figure_as_of_precision")
    display = serializers.CharField(source="figure_display")
    speaker = ActorRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Claim
        fields = [
            "claim",
            "id",
            "value",
            "qualifier",
            "as_of",
            "as_of_precision",
            "display",
            "assessment",
            "speaker",
            "made_at",
        ]


class FigureSeriesSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=Metric.choices, help_text="What is counted.")
    best = FigurePointSerializer(
        allow_null=True,
        help_text="The best current value: the latest of the most trusted claims (confirmed, "
        "then corroborated, then unverified), not the largest; null if all are disputed.",
    )
    series = FigurePointSerializer(many=True, help_text="Every stated value, oldest first.")


class ClaimSourceSerializer(serializers.Serializer):
    article = ArticleRefSerializer(read_only=True)
    passage = optional(
        ClaimSource,
        "passage",
        help_text="The passage of the article quoted exactly (null if none is quoted).",
    )
    start_offset = serializers.IntegerField(allow_null=True)
    end_offset = serializers.IntegerField(allow_null=True)
    attributes_speaker = serializers.BooleanField(
        help_text="The report attributes the claim to its speaker although the passage does "
        "not name them: show it as “according to <outlet>”."
    )


class CorrectionSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="correction, withdrawal or update.")
    note = serializers.CharField(help_text="What changed and why, as readers see it.")
    created_at = serializers.DateTimeField(help_text="When the correction was logged.")


class ClaimRelationSerializer(serializers.Serializer):
    relation = serializers.ChoiceField(
        choices=[
            "supports",
            "supported_by",
            "contradicts",
            "contradicted_by",
            "updates",
            "updated_by",
        ],
        help_text="How this claim relates to the other one.",
    )
    claim = ClaimRefSerializer()


# --- claims -------------------------------------------------------------------------------
class ClaimListSerializer(PublishedSerializer):
    url = ApiLink(view_name="api:claim-detail")
    html_url = HtmlUrlField()
    venue = optional(Claim, "venue")
    assessment_note = optional(Claim, "assessment_note")
    event = EventRefSerializer(read_only=True, allow_null=True)
    speaker = ActorRefSerializer(read_only=True, allow_null=True)
    figure = serializers.SerializerMethodField()
    sources = ClaimSourceSerializer(source="fetched_sources", many=True, read_only=True)

    class Meta:
        model = Claim
        fields = [
            "url",
            "html_url",
            "id",
            "event",
            "speaker",
            "kind",
            "text",
            "mode",
            "language",
            "made_at",
            "made_precision",
            "venue",
            "assessment",
            "assessment_note",
            "figure",
            "sources",
            *WORKFLOW_FIELDS,
        ]

    @extend_schema_field(FigureSerializer(allow_null=True))
    def get_figure(self, obj):
        if obj.figure_value is None:
            return None
        return self._figure.to_representation(obj)

    @cached_property
    def _figure(self):
        return FigureSerializer(context=self.context)


class ClaimInEventSerializer(ClaimListSerializer):
    """A claim inside an event: without the event, with its relations to other claims."""

    contradicting_claims = serializers.SerializerMethodField()
    related_claims = serializers.SerializerMethodField()

    class Meta(ClaimListSerializer.Meta):
        fields = [
            f for f in ClaimListSerializer.Meta.fields if f not in {"event", "public_note"}
        ] + ["contradicting_claims", "related_claims"]

    @extend_schema_field(ClaimRefSerializer(many=True))
    def get_contradicting_claims(self, obj):
        return self._claim_refs.to_representation(contradicting(obj))

    @extend_schema_field(ClaimRelationSerializer(many=True))
    def get_related_claims(self, obj):
        rows = [{"relation": r.relation, "claim": r.claim} for r in related_claims(obj)]
        return self._relations.to_representation(rows)

    @cached_property
    def _claim_refs(self):
        return ClaimRefSerializer(many=True, context=self.context)

    @cached_property
    def _relations(self):
        return ClaimRelationSerializer(many=True, context=self.context)


class ClaimDetailSerializer(ClaimInEventSerializer):
    event = EventRefSerializer(read_only=True, allow_null=True)
    about_actors = ActorRefSerializer(source="fetched_about_actors", many=True, read_only=True)
    corrections = CorrectionSerializer(
        source="fetched_corrections",
        many=True,
        read_only=True,
        help_text="Corrections logged on the claim (by as_of), newest first.",
    )
    as_of = serializers.SerializerMethodField()

    class Meta(ClaimListSerializer.Meta):
        fields = [*ClaimListSerializer.Meta.fields, "about_actors"] + [
            "contradicting_claims",
            "related_claims",
            "corrections",
            "as_of",
        ]

    @extend_schema_field(serializers.DateField(allow_null=True, help_text=AS_OF_HELP))
    def get_as_of(self, obj):
        as_of = self.context.get("as_of")
        return as_of.isoformat() if as_of else None
