"""Events: the list form and the detail (participants, claims, figures, timeline)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import (
    Event,
    Participation,
    figure_series,
)

from .base import AS_OF_HELP, WORKFLOW_FIELDS, ApiLink, HtmlUrlField, PublishedSerializer, optional
from .claims import ClaimInEventSerializer, CorrectionSerializer, FigureSeriesSerializer
from .refs import (
    ActorRefSerializer,
    ArticleRefSerializer,
    EventRefSerializer,
    LocationRefSerializer,
)


# --- events -------------------------------------------------------------------------------
class EventListSerializer(PublishedSerializer):
    url = ApiLink(view_name="api:event-detail", lookup_field="slug")
    html_url = HtmlUrlField()
    summary = optional(Event, "summary")
    end_precision = optional(Event, "end_precision")
    type = serializers.ChoiceField(
        source="event_type", choices=Event._meta.get_field("event_type").choices
    )
    location = LocationRefSerializer(read_only=True, allow_null=True)
    parent = EventRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = [
            "url",
            "html_url",
            "slug",
            "title",
            "summary",
            "type",
            "start",
            "start_precision",
            "end",
            "end_precision",
            "timezone",
            "location",
            "parent",
            "featured",
            *WORKFLOW_FIELDS,
        ]


# ``get_ancestors`` for an ``ancestors`` method field: the places a location lies in,
# nearest first, as fetched by the view (``api_ancestors``, visible ones only).
class AncestorsMixin:
    @extend_schema_field(LocationRefSerializer(many=True))
    def get_ancestors(self, obj):
        chain = getattr(obj, "api_ancestors", [])
        return LocationRefSerializer(many=True, context=self.context).to_representation(chain)


class LocationWithAncestorsSerializer(AncestorsMixin, LocationRefSerializer):
    ancestors = serializers.SerializerMethodField()

    class Meta(LocationRefSerializer.Meta):
        fields = [*LocationRefSerializer.Meta.fields, "ancestors"]


class ParticipantSerializer(serializers.Serializer):
    actor = ActorRefSerializer(read_only=True)
    role = serializers.CharField(help_text="The actor's role in the event.")
    role_label = serializers.CharField(source="get_role_display")
    source = ArticleRefSerializer(
        read_only=True, allow_null=True, help_text="The article that states the role."
    )
    passage = optional(Participation, "passage")
    note = optional(Participation, "note")


class RelatedEventSerializer(serializers.Serializer):
    relation = serializers.CharField(
        help_text="Kind of link (warned_of, led_to, response_to, part_of, follows, related)."
    )
    direction = serializers.ChoiceField(
        choices=["out", "in"],
        help_text="out: this event <relation> the other; in: the other <relation> this one.",
    )
    event = EventRefSerializer()


class EventDetailSerializer(EventListSerializer):
    location = LocationWithAncestorsSerializer(read_only=True, allow_null=True)
    participants = ParticipantSerializer(
        source="fetched_participations", many=True, read_only=True
    )
    claims = ClaimInEventSerializer(source="fetched_claims", many=True, read_only=True)
    figures = serializers.SerializerMethodField()
    sub_events = EventRefSerializer(source="fetched_children", many=True, read_only=True)
    related_events = serializers.SerializerMethodField()
    corrections = CorrectionSerializer(
        source="fetched_corrections",
        many=True,
        read_only=True,
        help_text="Corrections logged on the event (by as_of), newest first.",
    )
    as_of = serializers.SerializerMethodField()

    class Meta(EventListSerializer.Meta):
        fields = [
            *EventListSerializer.Meta.fields,
            "participants",
            "claims",
            "figures",
            "sub_events",
            "related_events",
            "corrections",
            "as_of",
        ]

    @extend_schema_field(FigureSeriesSerializer(many=True))
    def get_figures(self, obj):
        series = figure_series(obj.fetched_claims)
        rows = [{"metric": metric, **values} for metric, values in series.items()]
        return FigureSeriesSerializer(many=True, context=self.context).to_representation(rows)

    @extend_schema_field(RelatedEventSerializer(many=True))
    def get_related_events(self, obj):
        rows = [
            {"relation": str(r.kind), "direction": "out", "event": r.target}
            for r in obj.fetched_relations_out
        ]
        rows += [
            {"relation": str(r.kind), "direction": "in", "event": r.source}
            for r in obj.fetched_relations_in
        ]
        return RelatedEventSerializer(many=True, context=self.context).to_representation(rows)

    @extend_schema_field(serializers.DateField(allow_null=True, help_text=AS_OF_HELP))
    def get_as_of(self, obj):
        as_of = self.context.get("as_of")
        return as_of.isoformat() if as_of else None
