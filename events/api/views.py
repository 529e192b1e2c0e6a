"""Read-only API views (ReadOnlyModelViewSet per resource), the root and the tombstones.

Every view rejects unknown query parameters and repeated ones with a 400 naming them, so
a misspelt filter never silently returns the unfiltered list.
"""

import datetime as dt
import re
import zoneinfo

from django.db.models import F, Q
from django.db.models.functions import Greatest
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers as drf_serializers
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from events.models import Actor, Article, Claim, Event, Location, Status, Tombstone

from . import filters, geojson, queries
from . import serializers as s
from .fields import field_tree, parse_selection, select
from .pagination import KeysetPagination, parse_page_size

LIST_PARAMS = {"cursor", "page_size", "ordering", "fields", "omit", "format"}
DETAIL_PARAMS = {"fields", "omit", "format"}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

FIELDS_PARAM = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description="Comma-separated fields to return; nested ones as parent.child "
    "(e.g. slug,title,location.name).",
)
OMIT_PARAM = OpenApiParameter(
    "omit",
    OpenApiTypes.STR,
    description="Comma-separated fields to leave out; nested ones as parent.child.",
)
AS_OF_PARAM = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="What was known on this date (YYYY-MM-DD, UTC): only claims made by then, "
    "figures as they stood, sources published by then.",
)


def parse_date_param(request, name: str) -> dt.date | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        if not DATE_RE.match(raw):
            raise ValueError
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: [f"Give a date as YYYY-MM-DD, not “{raw}”."]}) from None


class StrictQueryMixin:
    """Unknown, repeated or badly formatted query parameters are a 400 that names them."""

    def allowed_query_params(self) -> set[str]:
        return set(DETAIL_PARAMS)

    def check_format(self, request):
        fmt = request._request.GET.get("format")
        if fmt is None:
            return
        formats = [r.format for r in self.get_renderers()]
        if fmt not in formats:
            raise ValidationError(
                {"format": [f"Unknown format “{fmt}”. Choose one of: {', '.join(formats)}."]}
            )

    def check_query_params(self, request):
        allowed = self.allowed_query_params()
        errors = {}
        for name in request.query_params:
            if name not in allowed:
                errors[name] = [
                    f"Unknown query parameter. Known here: {', '.join(sorted(allowed))}."
                ]
            elif len(request.query_params.getlist(name)) > 1:
                errors[name] = ["Give this parameter once."]
        if errors:
            raise ValidationError(errors)

    def initial(self, request, *args, **kwargs):
        self.check_format(request)
        super().initial(request, *args, **kwargs)
        self.check_query_params(request)

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are plain JSON even when GeoJSON was asked for.
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and getattr(renderer, "format", "json") != "json":
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, minus building a filter form when no filter is asked for.

    Every filter is optional and passes empty values through, so a request that names none
    (only paging, ordering or field selection) would get its queryset back unchanged, after
    django-filter had built a form class, a form and every filter's field: about a fifth of
    an unfiltered list's time in profiles.
    """

    def filter_queryset(self, request, queryset, view):
        if all(name in LIST_PARAMS or name in DETAIL_PARAMS for name in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class ApiViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Shared behaviour: visibility, list/detail serializers, field selection, GeoJSON."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    pagination_class = KeysetPagination
    filter_backends = [FilterBackend]
    list_serializer_class: type
    detail_serializer_class: type
    ordering_fields: dict[str, str]
    default_ordering: str
    detail_params: set[str] = set()
    geojson = False

    # --- plumbing --------------------------------------------------------------------------
    @property
    def public_only(self) -> bool:
        return queries.is_public_only(getattr(self.request, "user", None))

    def get_renderers(self):
        renderers = [JSONRenderer()]
        if self.geojson:
            renderers.append(geojson.GeoJSONRenderer())
        return renderers

    def allowed_query_params(self):
        if self.action == "list":
            names = set(LIST_PARAMS)
            if self.filterset_class is not None:
                names |= set(self.filterset_class.base_filters)
            return names
        return DETAIL_PARAMS | self.detail_params

    def get_serializer_class(self):
        return (
            self.list_serializer_class if self.action == "list" else self.detail_serializer_class
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["public_only"] = self.public_only
        context["as_of"] = getattr(self, "as_of", None)
        return context

    def list_queryset(self, user):
        raise NotImplementedError

    def detail_queryset(self, user):
        raise NotImplementedError

    def get_queryset(self):
        user = getattr(self.request, "user", None)
        if self.action == "list":
            return self.list_queryset(user)
        return self.detail_queryset(user)

    def locate(self, obj):
        """The Location whose coordinates place ``obj`` on a map (GeoJSON)."""
        return None

    def as_of_timezone(self, model, field):
        """With ``as_of``, the day ends in the event's time zone: one small lookup first."""
        if getattr(self, "as_of", None) is None:
            return dt.UTC
        lookup = {self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
        name = model._base_manager.filter(**lookup).values_list(field, flat=True).first()
        try:
            return zoneinfo.ZoneInfo(name or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return dt.UTC

    def prepare_object(self, obj):
        """Attach computed data (ancestors…) before serializing; one query at most."""

    def _selection(self, serializer):
        params = self.request.query_params
        if "fields" not in params and "omit" not in params:
            return None, None
        tree = field_tree(serializer.child if hasattr(serializer, "child") else serializer)
        include = parse_selection(params.get("fields"), tree, "fields")
        exclude = parse_selection(params.get("omit"), tree, "omit")
        return include, exclude

    def _wants_geojson(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return getattr(renderer, "format", None) == "geojson"

    # --- actions ---------------------------------------------------------------------------
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        include, exclude = self._selection(serializer)
        data = select(serializer.data, include, exclude)
        links = {
            "next": self.paginator.get_next_link(),
            "previous": self.paginator.get_previous_link(),
        }
        if self._wants_geojson():
            return Response(
                geojson.feature_collection(page, data, self.locate, self.public_only, links)
            )
        return Response({**links, "results": data})

    def retrieve(self, request, *args, **kwargs):
        self.as_of = parse_date_param(request, "as_of") if "as_of" in self.detail_params else None
        instance = self.get_object()
        self.prepare_object(instance)
        serializer = self.get_serializer(instance)
        include, exclude = self._selection(serializer)
        data = select(serializer.data, include, exclude)
        if self._wants_geojson():
            return Response(
                geojson.feature(instance, data, self.locate(instance), self.public_only)
            )
        return Response(data)


def _slug_param(example: str) -> OpenApiParameter:
    return OpenApiParameter(
        "slug",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description="The object's slug (stable once published).",
        examples=[OpenApiExample("Crocus record", value=example)],
    )


def _list_and_detail_schema(tag: str, detail_params=(), example_slug=None):
    path = [_slug_param(example_slug)] if example_slug else []
    return {
        "list": extend_schema(tags=[tag], parameters=[FIELDS_PARAM, OMIT_PARAM]),
        "retrieve": extend_schema(
            tags=[tag], parameters=[*path, FIELDS_PARAM, OMIT_PARAM, *detail_params]
        ),
    }


def _schema(tag, **kwargs):
    from drf_spectacular.utils import extend_schema_view

    return extend_schema_view(**_list_and_detail_schema(tag, **kwargs))


@_schema("events", detail_params=[AS_OF_PARAM], example_slug="crocus-city-hall-attack")
class EventViewSet(ApiViewSet):
    """Events: attacks, claims of responsibility, detentions, statements, verdicts…

    list: Events, newest first by default. Filter by type, dates, location (including every
    place inside it), actor and role, parent event; search with q.

    retrieve: One event with its location (and the places it lies in), participants and
    their roles, claims with their sources and contradicting claims, figures with their
    series and best current value, sub-events and related events. ``as_of`` shows what was
    known on a date.
    """

    list_serializer_class = s.EventListSerializer
    detail_serializer_class = s.EventDetailSerializer
    filterset_class = filters.EventFilter
    ordering_fields = {
        "start": "start",
        "updated_at": "updated_at",
        "created_at": "created_at",
        "title": "title",
    }
    default_ordering = "-start"
    detail_params = {"as_of"}
    geojson = True

    def list_queryset(self, user):
        return queries.events_for_list(user)

    def detail_queryset(self, user):
        as_of = getattr(self, "as_of", None)
        return queries.events_for_detail(user, as_of, self.as_of_timezone(Event, "timezone"))

    def prepare_object(self, obj):
        if obj.location is not None:
            obj.location.api_ancestors = queries.ancestors_of(obj.location, self.request.user)

    def locate(self, obj):
        return obj.location


@_schema("claims", detail_params=[AS_OF_PARAM])
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
    filterset_class = filters.ClaimFilter
    ordering_fields = {
        "made_at": "made_at",
        "updated_at": "updated_at",
        "created_at": "created_at",
    }
    default_ordering = "made_at"
    detail_params = {"as_of"}

    def list_queryset(self, user):
        return queries.claims_for_list(user)

    def detail_queryset(self, user):
        as_of = getattr(self, "as_of", None)
        return queries.claims_for_detail(
            user, as_of, self.as_of_timezone(Claim, "event__timezone")
        )


@_schema("actors", example_slug="islamic-state-khorasan-province")
class ActorViewSet(ApiViewSet):
    """Actors: people, organisations, armed groups, state bodies, media outlets…"""

    list_serializer_class = s.ActorListSerializer
    detail_serializer_class = s.ActorDetailSerializer
    filterset_class = filters.ActorFilter
    ordering_fields = {"name": "name", "updated_at": "updated_at", "created_at": "created_at"}
    default_ordering = "name"

    def list_queryset(self, user):
        return queries.actors_for_list(user)

    def detail_queryset(self, user):
        return queries.actors_for_detail(user)


@_schema("locations", example_slug="krasnogorsk")
class LocationViewSet(ApiViewSet):
    """Locations, each inside another (venue ⊂ city ⊂ region ⊂ country); GeoJSON too."""

    list_serializer_class = s.LocationListSerializer
    detail_serializer_class = s.LocationDetailSerializer
    filterset_class = filters.LocationFilter
    ordering_fields = {"name": "name", "updated_at": "updated_at", "created_at": "created_at"}
    default_ordering = "name"
    geojson = True

    def list_queryset(self, user):
        return queries.locations_for_list(user)

    def detail_queryset(self, user):
        return queries.locations_for_detail(user)

    def prepare_object(self, obj):
        obj.api_ancestors = queries.ancestors_of(obj, self.request.user)

    def locate(self, obj):
        return obj


@_schema("articles", example_slug="crocus-report-2024-03-23")
class ArticleViewSet(ApiViewSet):
    """Articles: the source documents claims cite (some are bare citations without text)."""

    list_serializer_class = s.ArticleListSerializer
    detail_serializer_class = s.ArticleDetailSerializer
    filterset_class = filters.ArticleFilter
    ordering_fields = {
        "published_on": "published_sort",
        "updated_at": "updated_at",
        "created_at": "created_at",
    }
    default_ordering = "-published_on"

    def list_queryset(self, user):
        return queries.articles_for_list(user)

    def detail_queryset(self, user):
        return queries.articles_for_detail(user)


# --- tombstones -----------------------------------------------------------------------------
SINCE_PARAM = OpenApiParameter(
    "since",
    OpenApiTypes.DATETIME,
    description="Only objects that stopped being public at or after this time (ISO 8601).",
)

KIND_ORDER = ["actor", "article", "claim", "event", "location"]  # alphabetical: the key order


class DeletedPagination(KeysetPagination):
    """Cursor over (at, type, id), merged from the live withdrawn rows and the tombstones."""

    def get_schema_operation_parameters(self, view):
        return [
            p for p in super().get_schema_operation_parameters(view) if p["name"] != "ordering"
        ]


class DeletedViewSet(StrictQueryMixin, viewsets.GenericViewSet):
    """Objects that were public and no longer are, for clients that sync.

    list: Withdrawn, unpublished (back to draft, or a claim whose event or speaker is no
    longer public) and deleted objects, oldest first. Sync with ``modified_since`` on each
    list plus this feed with ``since``.
    """

    serializer_class = s.DeletedSerializer
    pagination_class = DeletedPagination
    default_ordering = "at"
    ordering_fields = {"at": "at"}

    def allowed_query_params(self):
        return {"since", "cursor", "page_size", "format"}

    def get_queryset(self):  # for the schema generator; the feed merges several sources
        return Tombstone.objects.none()

    def _live(self, model, kind, since, after):
        qs = model._base_manager.filter(first_published_at__isnull=False)
        if model is Claim:
            hidden = (
                ~Q(status=Status.PUBLISHED)
                | ~Q(event__status=Status.PUBLISHED)
                | ~Q(speaker__status=Status.PUBLISHED)
            )
            at = Greatest("updated_at", "event__updated_at", "speaker__updated_at")
        else:
            hidden = ~Q(status=Status.PUBLISHED)
            at = F("updated_at")
        qs = qs.filter(hidden).annotate(at=at)
        return self._window(qs, kind, since, after)

    def _window(self, qs, kind, since, after, kind_field=None):
        if since is not None:
            qs = qs.filter(at__gte=since)
        if after is not None:
            at, after_kind, after_id = after
            if kind_field:
                qs = qs.filter(
                    Q(at__gt=at)
                    | Q(at=at, **{f"{kind_field}__gt": after_kind})
                    | Q(at=at, **{kind_field: after_kind}, object_id__gt=after_id)
                )
            elif kind > after_kind:
                qs = qs.filter(at__gte=at)
            elif kind == after_kind:
                qs = qs.filter(Q(at__gt=at) | Q(at=at, pk__gt=after_id))
            else:
                qs = qs.filter(at__gt=at)
        return qs

    def _decode(self, raw):
        import base64
        import json

        invalid = ValidationError(
            {"cursor": ["This cursor is not valid here; use the “next” link exactly as given."]}
        )
        try:
            at, kind, object_id = json.loads(base64.urlsafe_b64decode(raw.encode() + b"=="))
            at = dt.datetime.fromisoformat(at)
            if kind not in KIND_ORDER or not isinstance(object_id, int) or at.tzinfo is None:
                raise invalid
        except (ValueError, TypeError, UnicodeError):
            raise invalid from None
        return at, kind, object_id

    def _encode(self, row):
        import base64
        import json

        token = json.dumps([row["at"].isoformat(), row["type"], row["id"]]).encode()
        return base64.urlsafe_b64encode(token).decode()

    @extend_schema(tags=["sync"], parameters=[SINCE_PARAM])
    def list(self, request, *args, **kwargs):
        from django import forms

        page_size = parse_page_size(request)
        since = None
        raw_since = request.query_params.get("since")
        if raw_since:
            try:
                since = forms.DateTimeField().clean(raw_since)
            except forms.ValidationError:
                raise ValidationError(
                    {
                        "since": [
                            f"Give a time in ISO 8601 (2024-03-23T00:00:00Z), not “{raw_since}”."
                        ]
                    }
                ) from None
            since = filters.as_utc(since)
        raw_cursor = request.query_params.get("cursor")
        after = self._decode(raw_cursor) if raw_cursor else None

        rows = []
        for model, kind in (
            (Actor, "actor"),
            (Article, "article"),
            (Claim, "claim"),
            (Event, "event"),
            (Location, "location"),
        ):
            qs = self._live(model, kind, since, after).order_by("at", "pk")
            fields = ["pk", "at", "status", "public_note"]
            if kind != "claim":
                fields.append("slug")
            for values in qs.values(*fields)[: page_size + 1]:
                rows.append(
                    {
                        "type": kind,
                        "id": values["pk"],
                        "slug": values.get("slug", ""),
                        "reason": "withdrawn"
                        if values["status"] == Status.WITHDRAWN
                        else "unpublished",
                        "at": values["at"],
                        "public_note": values["public_note"],
                    }
                )
        tombstones = self._window(
            Tombstone.objects.annotate(at=F("deleted_at")), None, since, after, kind_field="kind"
        ).order_by("at", "kind", "object_id")
        for t in tombstones[: page_size + 1]:
            rows.append(
                {
                    "type": t.kind,
                    "id": t.object_id,
                    "slug": t.slug,
                    "reason": "deleted",
                    "at": t.deleted_at,
                    "public_note": "",
                }
            )
        rows.sort(key=lambda r: (r["at"], r["type"], r["id"]))
        page = rows[:page_size]
        next_link = None
        if len(rows) > page_size:
            from rest_framework.utils.urls import replace_query_param

            next_link = replace_query_param(
                request.build_absolute_uri(), "cursor", self._encode(page[-1])
            )
        data = s.DeletedSerializer(page, many=True).data
        return Response({"next": next_link, "previous": None, "results": data})


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
                "schema": url("schema"),
                "docs": url("docs"),
                "redoc": url("redoc"),
            }
        )
