"""The API's resources, one read-only viewset each, and the root.

Each viewset says where its rows come from in the read layer (events/reads): the list's
queryset and the detail's object, fetched by the plan the resource's page uses.
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers as drf_serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from events.reads import actors as actor_reads
from events.reads import articles as article_reads
from events.reads import claims as claim_reads
from events.reads import events as event_reads
from events.reads import locations as location_reads

from . import filters, render
from . import serializers as s
from .base import AS_OF_PARAM, ApiViewSet, StrictQueryMixin, resource_schema


@resource_schema("events", detail_params=[AS_OF_PARAM], example_slug="crocus-city-hall-attack")
class EventViewSet(ApiViewSet):
    """Events: attacks, claims of responsibility, detentions, statements, verdicts…

    list: Events, newest first by default, in reading order (``start`` orders by when each
    event happened as far as is known: a day- or month-precision start is placed after the
    events that led to it that day, not at midnight). Filter by type, dates, location
    (including every place inside it), actor and role, parent event; search with q.

    retrieve: One event with its location (and the places it lies in), participants and
    their roles, claims with their sources and contradicting claims, figures with their
    series and best current value, sub-events and related events. ``as_of`` shows what was
    known on a date.
    """

    list_serializer_class = s.EventListSerializer
    detail_serializer_class = s.EventDetailSerializer
    render_list = staticmethod(render.event_list)
    render_detail = staticmethod(render.event_detail)
    filterset_class = filters.EventFilter
    ordering_fields = {
        "start": "reading_at",  # the stored reading order (events.chronology)
        "updated_at": "updated_at",
        "created_at": "created_at",
        "title": "title",
    }
    ordering_tiebreak = ("reading_rank", "start", "id")  # READING_ORDER after reading_at
    ordering_ties = (
        "start is reading order: an event known only to the day or month is placed by what "
        "it follows (the arrests after the attack that night), not at midnight; ties are "
        "broken by the exact start, then id."
    )
    default_ordering = "-start"
    detail_params = {"as_of"}
    geojson = True

    def list_queryset(self, user):
        return event_reads.events_for_list(user)

    #: plan part → the response fields that need it (any of them).
    PARTS = {
        "participations": (("participants",),),
        "claims": (("claims",), ("figures",)),
        "claim_sources": (("claims", "sources"),),
        "claim_relations": (("claims", "related_claims"), ("claims", "contradicting_claims")),
        "children": (("sub_events",),),
        "relations": (("related_events",),),
        "corrections": (("corrections",),),
        "summary": (("summary",),),
        "place_ancestors": (("location", "ancestors"),),
    }

    def detail_object(self, lookup, user):
        parts = self.parts(self.PARTS)  # never "grandchildren": the page's timeline only
        return event_reads.event_detail(lookup, user, self.as_of, parts)

    def locate(self, obj):
        return obj.location


@resource_schema("claims", detail_params=[AS_OF_PARAM])
class ClaimViewSet(ApiViewSet):
    """Claims: statements attributed to a speaker, each with the articles that report it.

    list: Claims, oldest first by default. Filter by event, speaker, kind, assessment; as_of
    keeps the claims made by a date.

    retrieve: One claim with its sources, the actors it is about and the claims it supports,
    contradicts or updates (and those that do so to it).
    """

    lookup_field = "pk"
    lookup_value_regex = r"[0-9]+"
    list_serializer_class = s.ClaimListSerializer
    detail_serializer_class = s.ClaimDetailSerializer
    render_list = staticmethod(render.claim_list)
    render_detail = staticmethod(render.claim_detail)
    filterset_class = filters.ClaimFilter
    ordering_fields = {
        "made_at": "made_at",
        "updated_at": "updated_at",
        "created_at": "created_at",
    }
    default_ordering = "made_at"
    detail_params = {"as_of"}

    PARTS = {
        "sources": (("sources",),),
        "relations": (("related_claims",), ("contradicting_claims",)),
        "about_actors": (("about_actors",),),
        "corrections": (("corrections",),),
    }

    def list_queryset(self, user):
        return claim_reads.claims_for_list(user, self.parts(self.PARTS))

    def prepare_page(self, rows):
        claim_reads.empty_parts(rows)

    def detail_object(self, lookup, user):
        return claim_reads.claim_detail(int(lookup), user, self.as_of, self.parts(self.PARTS))


@resource_schema("actors", example_slug="islamic-state-khorasan-province")
class ActorViewSet(ApiViewSet):
    """Actors: people, organisations, armed groups, state bodies, media outlets…"""

    list_serializer_class = s.ActorListSerializer
    detail_serializer_class = s.ActorDetailSerializer
    render_list = staticmethod(render.actor_list)
    render_detail = staticmethod(render.actor_detail)
    filterset_class = filters.ActorFilter
    ordering_fields = {"name": "name", "updated_at": "updated_at", "created_at": "created_at"}
    default_ordering = "name"

    PARTS = {
        "aliases": (("aliases",),),
        "affiliations": (("affiliations",),),
        "affiliated": (("affiliated",),),
    }

    def list_queryset(self, user):
        return actor_reads.actors_for_list(user, self.parts(self.PARTS))

    def prepare_page(self, rows):
        actor_reads.empty_parts(rows)

    def detail_object(self, lookup, user):
        return actor_reads.actor_detail(lookup, user, self.parts(self.PARTS))


@resource_schema("locations", example_slug="krasnogorsk")
class LocationViewSet(ApiViewSet):
    """Locations, each inside another (venue ⊂ city ⊂ region ⊂ country); GeoJSON too."""

    list_serializer_class = s.LocationListSerializer
    detail_serializer_class = s.LocationDetailSerializer
    render_list = staticmethod(render.location_list)
    render_detail = staticmethod(render.location_detail)
    filterset_class = filters.LocationFilter
    ordering_fields = {"name": "name", "updated_at": "updated_at", "created_at": "created_at"}
    default_ordering = "name"
    geojson = True

    def list_queryset(self, user):
        return location_reads.locations_for_list(user)

    PARTS = {
        "aliases": (("aliases",),),
        "children": (("children",),),
        "ancestors": (("ancestors",),),
    }

    def detail_object(self, lookup, user):
        return location_reads.location_detail(lookup, user, self.parts(self.PARTS))

    def locate(self, obj):
        return obj


@resource_schema("articles", example_slug="crocus-report-2024-03-23")
class ArticleViewSet(ApiViewSet):
    """Articles: the source documents claims cite (some are bare citations without text)."""

    list_serializer_class = s.ArticleListSerializer
    detail_serializer_class = s.ArticleDetailSerializer
    render_list = staticmethod(render.article_list)
    render_detail = staticmethod(render.article_detail)
    filterset_class = filters.ArticleFilter
    ordering_fields = {
        "published_on": "published_sort",
        "updated_at": "updated_at",
        "created_at": "created_at",
    }
    default_ordering = "-published_on"

    def list_queryset(self, user):
        return article_reads.articles_for_list(user)

    def detail_object(self, lookup, user):
        return article_reads.article_detail(lookup, user)


# --- root -----------------------------------------------------------------------------------
class ApiRootView(StrictQueryMixin, APIView):
    """The resources of API v1 and where its documentation lives."""

    renderer_classes = [JSONRenderer]

    def allowed_query_params(self):
        return {"format"}

    @extend_schema(
        tags=["root"],
        responses=inline_serializer(
            "ApiRoot",
            {
                name: drf_serializers.URLField()
                for name in (
                    "events",
                    "actors",
                    "locations",
                    "claims",
                    "articles",
                    "deleted",
                    "changes",
                    "schema",
                    "docs",
                    "redoc",
                )
            },
        ),
    )
    def get(self, request, *args, **kwargs):
        def url(name):
            return reverse(f"api:{name}", request=request)

        return Response(
            {
                "events": url("event-list"),
                "actors": url("actor-list"),
                "locations": url("location-list"),
                "claims": url("claim-list"),
                "articles": url("article-list"),
                "deleted": url("deleted-list"),
                "changes": url("changes"),
                "schema": url("schema"),
                "docs": url("docs"),
                "redoc": url("redoc"),
            }
        )
