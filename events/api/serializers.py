"""API serializers: a list and a detail serializer per resource, plus small nested refs.

No serializer touches the database: everything they read was fetched by the plans in
events/api/queries.py (select_related / prefetch_related / annotations), and test settings
run those plans in FETCH_RAISE mode so a lazy load would fail loudly. A nested object the
client may not see (a draft location of a published event…) is rendered as ``null``.
"""

from urllib.parse import urlencode

from django.urls import reverse as django_reverse
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.links import fast_reverse
from events.models import (
    Actor,
    Article,
    Claim,
    ClaimRelationKind,
    Event,
    Location,
    Metric,
    Status,
    TombstoneKind,
    figure_series,
)

from .representation import FastRepresentationMixin


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
WORKFLOW_FIELDS = ["status", "public_note", "first_published_at", "created_at", "updated_at"]

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


# --- nested references --------------------------------------------------------------------
class LocationRefSerializer(VisibleOnlyMixin, ModelSerializer):
    url = ApiLink(view_name="api:location-detail", lookup_field="slug")

    class Meta:
        model = Location
        fields = ["url", "slug", "name", "kind", "latitude", "longitude"]


class ActorRefSerializer(VisibleOnlyMixin, ModelSerializer):
    url = ApiLink(view_name="api:actor-detail", lookup_field="slug")

    class Meta:
        model = Actor
        fields = ["url", "slug", "name", "kind"]


class EventRefSerializer(VisibleOnlyMixin, ModelSerializer):
    url = ApiLink(view_name="api:event-detail", lookup_field="slug")
    type = serializers.CharField(source="event_type", help_text="Kind of event.")

    class Meta:
        model = Event
        fields = ["url", "slug", "title", "type", "start", "start_precision"]


class ArticleRefSerializer(VisibleOnlyMixin, ModelSerializer):
    api_url = ApiLink(view_name="api:article-detail", lookup_field="slug")

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


class ClaimRefSerializer(ModelSerializer):
    url = ApiLink(view_name="api:claim-detail")
    speaker = ActorRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Claim
        fields = ["url", "id", "kind", "speaker", "text", "made_at", "assessment"]


class FigureSerializer(Serializer):
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


class FigurePointSerializer(ModelSerializer):
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


class FigureSeriesSerializer(Serializer):
    metric = serializers.ChoiceField(choices=Metric.choices, help_text="What is counted.")
    best = FigurePointSerializer(
        allow_null=True,
        help_text="The best current value: the latest of the most trusted claims (confirmed, "
        "then corroborated, then unverified), not the largest; null if all are disputed.",
    )
    series = FigurePointSerializer(many=True, help_text="Every stated value, oldest first.")


class ClaimSourceSerializer(Serializer):
    article = ArticleRefSerializer(read_only=True)
    passage = serializers.CharField(help_text="The passage of the article quoted exactly.")
    start_offset = serializers.IntegerField(allow_null=True)
    end_offset = serializers.IntegerField(allow_null=True)
    attributes_speaker = serializers.BooleanField(
        help_text="The report attributes the claim to its speaker although the passage does "
        "not name them: show it as “according to <outlet>”."
    )


class ClaimRelationSerializer(Serializer):
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


def claim_relations(claim) -> list[dict]:
    inverse = {
        ClaimRelationKind.SUPPORTS: "supported_by",
        ClaimRelationKind.CONTRADICTS: "contradicted_by",
        ClaimRelationKind.UPDATES: "updated_by",
    }
    rows = [{"relation": str(r.kind), "claim": r.to_claim} for r in claim.fetched_relations_out]
    rows += [
        {"relation": inverse[r.kind], "claim": r.from_claim} for r in claim.fetched_relations_in
    ]
    return rows


# --- claims -------------------------------------------------------------------------------
class ClaimListSerializer(ModelSerializer):
    url = ApiLink(view_name="api:claim-detail")
    html_url = HtmlUrlField()
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
        others = [
            r["claim"]
            for r in claim_relations(obj)
            if r["relation"] in {"contradicts", "contradicted_by"}
        ]
        unique = list({c.pk: c for c in others}.values())
        return self._claim_refs.to_representation(unique)

    @extend_schema_field(ClaimRelationSerializer(many=True))
    def get_related_claims(self, obj):
        return self._relations.to_representation(claim_relations(obj))

    @cached_property
    def _claim_refs(self):
        return ClaimRefSerializer(many=True, context=self.context)

    @cached_property
    def _relations(self):
        return ClaimRelationSerializer(many=True, context=self.context)


class ClaimDetailSerializer(ClaimInEventSerializer):
    event = EventRefSerializer(read_only=True, allow_null=True)
    about_actors = ActorRefSerializer(source="fetched_about_actors", many=True, read_only=True)
    as_of = serializers.SerializerMethodField()

    class Meta(ClaimListSerializer.Meta):
        fields = [*ClaimListSerializer.Meta.fields, "about_actors"] + [
            "contradicting_claims",
            "related_claims",
            "as_of",
        ]

    @extend_schema_field(serializers.DateField(allow_null=True, help_text=AS_OF_HELP))
    def get_as_of(self, obj):
        as_of = self.context.get("as_of")
        return as_of.isoformat() if as_of else None


# --- events -------------------------------------------------------------------------------
class EventListSerializer(ModelSerializer):
    url = ApiLink(view_name="api:event-detail", lookup_field="slug")
    html_url = HtmlUrlField()
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


class ParticipantSerializer(Serializer):
    actor = ActorRefSerializer(read_only=True)
    role = serializers.CharField(help_text="The actor's role in the event.")
    role_label = serializers.CharField(source="get_role_display")
    source = ArticleRefSerializer(
        read_only=True, allow_null=True, help_text="The article that states the role."
    )
    passage = serializers.CharField()
    note = serializers.CharField()


class RelatedEventSerializer(Serializer):
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
    as_of = serializers.SerializerMethodField()

    class Meta(EventListSerializer.Meta):
        fields = [
            *EventListSerializer.Meta.fields,
            "participants",
            "claims",
            "figures",
            "sub_events",
            "related_events",
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


# --- actors -------------------------------------------------------------------------------
class AliasSerializer(Serializer):
    name = serializers.CharField()
    language = serializers.CharField()
    script = serializers.CharField()


class ActorAliasSerializer(AliasSerializer):
    is_abbreviation = serializers.BooleanField()


class ActorListSerializer(ModelSerializer):
    url = ApiLink(view_name="api:actor-detail", lookup_field="slug")
    html_url = HtmlUrlField()
    aliases = ActorAliasSerializer(many=True, read_only=True)

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


class AffiliationSerializer(Serializer):
    kind = serializers.CharField(help_text="branch_of, member_of, leader_of, …")
    kind_label = serializers.CharField(source="get_kind_display")
    organisation = ActorRefSerializer(read_only=True)
    title = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)


class AffiliatedSerializer(AffiliationSerializer):
    organisation = None
    actor = ActorRefSerializer(read_only=True)


class ActorDetailSerializer(ActorListSerializer):
    affiliations = AffiliationSerializer(many=True, read_only=True)
    affiliated = AffiliatedSerializer(many=True, read_only=True)
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


# --- locations ----------------------------------------------------------------------------
class LocationListSerializer(ModelSerializer):
    url = ApiLink(view_name="api:location-detail", lookup_field="slug")
    html_url = HtmlUrlField()
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
    children = LocationRefSerializer(many=True, read_only=True)
    aliases = AliasSerializer(many=True, read_only=True)
    events_url = serializers.SerializerMethodField()

    class Meta(LocationListSerializer.Meta):
        fields = [*LocationListSerializer.Meta.fields, "ancestors", "children", "aliases"] + [
            "events_url"
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_events_url(self, obj):
        return list_link(self.context.get("request"), "api:event-list", location=obj.slug)


# --- articles -----------------------------------------------------------------------------
class ArticleListSerializer(ModelSerializer):
    api_url = ApiLink(view_name="api:article-detail", lookup_field="slug")
    html_url = HtmlUrlField()
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
    text = serializers.CharField(
        source="clean_text", help_text="The cleaned text (debris removed, paragraphs kept)."
    )

    class Meta(ArticleListSerializer.Meta):
        fields = [
            *ArticleListSerializer.Meta.fields,
            "text",
            "raw_text",
            "retrieved_at",
            "provenance_note",
        ]


# --- tombstones ---------------------------------------------------------------------------
class DeletedSerializer(Serializer):
    type = serializers.ChoiceField(
        choices=TombstoneKind.choices,
        help_text="Resource the object belonged to.",
    )
    id = serializers.IntegerField(help_text="The object's id.")
    slug = serializers.CharField(help_text="The object's slug (blank for claims).")
    reason = serializers.ChoiceField(
        choices=["withdrawn", "unpublished", "deleted"],
        help_text="withdrawn (with a public note), unpublished (back to draft, or hidden "
        "because the event or speaker it hangs on is no longer public) or deleted.",
    )
    at = serializers.DateTimeField(help_text="When it stopped being public (sync cursor).")
    public_note = serializers.CharField(help_text="Why, when the newsroom said so.")
