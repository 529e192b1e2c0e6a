"""GeoJSON as operations of their own: ``/api/v1/events.geojson``,
``/api/v1/events/{slug}.geojson`` and the same for locations.

The JSON operations also answer ``?format=geojson`` and ``Accept: application/geo+json``,
but an operation with two response shapes is one a generated client cannot read: it
parses the JSON one. These operations answer only ``application/geo+json`` (errors stay
the JSON error shape), each with its own operation id and schema (a ``FeatureCollection``
page, a ``Feature``). Same filters, paging, ``fields=`` and visibility as the JSON lists.
"""

from django.urls import re_path
from drf_spectacular.utils import extend_schema, extend_schema_view

from . import views

SLUG = r"(?P<slug>[-a-zA-Z0-9_]+)"


def _geojson_only(viewset, name: str, tag: str):
    """``viewset`` answering GeoJSON only, with operation ids of its own."""
    return extend_schema_view(
        list=extend_schema(operation_id=f"{name}_geojson_list", tags=[tag]),
        retrieve=extend_schema(operation_id=f"{name}_geojson_retrieve", tags=[tag]),
    )(
        type(
            f"{viewset.__name__.removesuffix('ViewSet')}GeoJSONViewSet",
            (viewset,),
            {"geojson_only": True, "__doc__": viewset.__doc__},
        )
    )


EventGeoJSONViewSet = _geojson_only(views.EventViewSet, "events", "events")
LocationGeoJSONViewSet = _geojson_only(views.LocationViewSet, "locations", "locations")


def urlpatterns() -> list:
    routes = []
    for prefix, basename, viewset in (
        ("events", "event", EventGeoJSONViewSet),
        ("locations", "location", LocationGeoJSONViewSet),
    ):
        routes += [
            re_path(
                rf"^{prefix}\.geojson$",
                viewset.as_view({"get": "list"}),
                name=f"{basename}-list-geojson",
            ),
            re_path(
                rf"^{prefix}/{SLUG}\.geojson$",
                viewset.as_view({"get": "retrieve"}),
                name=f"{basename}-detail-geojson",
            ),
        ]
    return routes
