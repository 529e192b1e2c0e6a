"""What every API view shares: strict query parameters, visibility, list and detail.

Every view rejects unknown query parameters and repeated ones with a 400 naming them, so
a misspelt filter never silently returns the unfiltered list. Each resource's viewset
(events/api/views.py) names its read-layer functions (events/reads): the list's queryset
and the detail's one object, fetched by the same plan its page uses.
"""

from django.http import Http404
from django.utils.functional import cached_property
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.exceptions import MethodNotAllowed, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse

from events.models.base import is_staff
from events.reads.as_of import AsOf, InvalidAsOf
from events.reads.common import slug_redirect

from . import geojson
from .fields import class_field_tree, parse_selection, select, selection_names
from .pagination import KeysetPagination
from .render import Context
from .schema import EMPTY_ALLOWED

LIST_PARAMS = {"cursor", "count", "page_size", "ordering", "fields", "omit", "format"}
DETAIL_PARAMS = {"fields", "omit", "format"}

AS_OF_PARAM = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="What was known on this date (YYYY-MM-DD, UTC): only claims made by then, "
    "figures as they stood, sources published by then.",
)


def parse_as_of(request) -> AsOf | None:
    """``as_of`` parsed as the pages parse it (events.reads.as_of), errors as a 400."""
    try:
        return AsOf.parse(request.query_params.get("as_of"))
    except InvalidAsOf as exc:
        raise ValidationError({"as_of": [str(exc)]}) from None


class StrictQueryMixin:
    """Unknown, repeated, empty or badly formatted query parameters are a 400 that names
    them."""

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
            elif request.query_params[name] == "" and name not in EMPTY_ALLOWED:
                errors[name] = ["Give a value, or leave the parameter out."]
        if errors:
            raise ValidationError(errors)

    def handles(self, request) -> bool:
        """Whether this view answers the request's method (else dispatch answers 405)."""
        method = request.method.lower()
        return method in self.http_method_names and hasattr(self, method)

    def initial(self, request, *args, **kwargs):
        if not self.handles(request):
            # A 405 whatever the query says (DRF would check the query, and the format, first).
            raise MethodNotAllowed(request.method)
        self.check_format(request)
        super().initial(request, *args, **kwargs)
        self.check_query_params(request)

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are plain JSON even when GeoJSON was asked for.
        # (also when refused before negotiation, e.g. ?format= that a GeoJSON-only view lacks)
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and getattr(renderer, "format", None) != "json":
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
    """Shared behaviour: visibility, list/detail shapes, field selection, GeoJSON.

    Each resource names its list and detail serializers (the declared schema, for the
    OpenAPI document and ``fields=``) and the plain functions of events/api/render.py that
    build the same JSON from the read layer's rows (``render_list``, ``render_detail``).
    """

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    pagination_class = KeysetPagination
    filter_backends = [FilterBackend]
    list_serializer_class: type
    detail_serializer_class: type
    render_list: staticmethod
    render_detail: staticmethod
    ordering_fields: dict[str, str]
    default_ordering: str
    detail_params: set[str] = set()
    geojson = False
    #: Only GeoJSON: the ``.geojson`` operations (events.api.geojson_views), whose URL
    #: names end in ``-geojson``.
    geojson_only = False

    # --- plumbing --------------------------------------------------------------------------
    @property
    def public_only(self) -> bool:
        return not is_staff(getattr(self.request, "user", None))

    def get_renderers(self):
        if self.geojson_only:
            return [geojson.GeoJSONRenderer()]
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

    def render_context(self) -> Context:
        as_of = getattr(self, "as_of", None)
        return Context.of(
            self.request,
            public_only=self.public_only,
            as_of=None if as_of is None else as_of.day,
        )

    def list_queryset(self, user):
        raise NotImplementedError

    def detail_object(self, lookup: str, user):
        """The one object of the detail route, with everything it shows, or ``None``."""
        raise NotImplementedError

    def get_queryset(self):  # the list; also names the model for the schema generator
        return self.list_queryset(getattr(self.request, "user", None))

    def get_object(self):
        lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        obj = self.detail_object(lookup, getattr(self.request, "user", None))
        if obj is None:
            raise Http404("Not found.")
        return obj

    def locate(self, obj):
        """The Location whose coordinates place ``obj`` on a map (GeoJSON)."""
        return None

    def moved_to(self, request) -> str | None:
        """Where a merged record's old address leads now (as the reader page redirects)."""
        if self.lookup_field != "slug":
            return None
        kind = self.get_queryset().model._meta.model_name
        new_slug = slug_redirect(kind, self.kwargs["slug"])
        if new_slug is None:
            return None
        suffix = "-geojson" if self.geojson_only else ""
        url = reverse(f"api:{kind}-detail{suffix}", kwargs={"slug": new_slug}, request=request)
        query = request.META.get("QUERY_STRING")
        return f"{url}?{query}" if query else url

    def selection_names(self, param: str) -> list[str]:
        """Every name ``param`` (``fields`` or ``omit``) accepts here: the schema's enum
        (events.api.schema.ApiAutoSchema), from the tree :attr:`selection` parses against."""
        return selection_names(class_field_tree(self.get_serializer_class()), param)

    @cached_property
    def selection(self) -> tuple[dict | None, dict | None]:
        """``fields=`` and ``omit=`` parsed against the serializer's field tree."""
        params = getattr(self.request, "query_params", {})
        if "fields" not in params and "omit" not in params:
            return None, None
        tree = class_field_tree(self.get_serializer_class())
        include = parse_selection(params.get("fields"), tree, "fields")
        exclude = parse_selection(params.get("omit"), tree, "omit")
        return include, exclude

    def wants(self, *path: str) -> bool:
        """Whether the field at ``path`` ("claims", "sources") is in the response.

        The read layer fetches only the parts a response keeps: ``fields=slug,title`` on an
        event costs one query, not a dozen.
        """
        include, exclude = self.selection
        for part in path:
            if include is not None:
                if part not in include:
                    return False
                include = include[part] or None
            if exclude is not None:
                if part in exclude and not exclude[part]:
                    return False
                exclude = exclude.get(part) or None
        return True

    def parts(self, table: dict[str, tuple[tuple[str, ...], ...]]) -> set[str]:
        """The plan parts whose fields (any of the paths given for each) are wanted."""
        return {part for part, paths in table.items() if any(self.wants(*p) for p in paths)}

    def prepare_page(self, rows) -> None:
        """Finish the rows of a list page before they are rendered (nothing by default)."""

    def _wants_geojson(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return getattr(renderer, "format", None) == "geojson"

    # --- actions ---------------------------------------------------------------------------
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        self.prepare_page(page)
        context = self.render_context()
        data = select([self.render_list(row, context) for row in page], *self.selection)
        envelope = self.paginator.envelope()
        if self._wants_geojson():
            return Response(
                geojson.feature_collection(page, data, self.locate, self.public_only, envelope)
            )
        return Response({**envelope, "results": data})

    def retrieve(self, request, *args, **kwargs):
        self.as_of = parse_as_of(request) if "as_of" in self.detail_params else None
        try:
            instance = self.get_object()
        except Http404:
            moved = self.moved_to(request)
            if moved is None:
                raise
            return Response(status=301, headers={"Location": moved})
        data = select(self.render_detail(instance, self.render_context()), *self.selection)
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
        "list": extend_schema(tags=[tag]),
        "retrieve": extend_schema(tags=[tag], parameters=[*path, *detail_params]),
    }


def resource_schema(tag, **kwargs):
    return extend_schema_view(**_list_and_detail_schema(tag, **kwargs))
