"""GeoJSON (RFC 7946) output for locations and events: ``application/geo+json``.

Ask for it with ``?format=geojson`` or ``Accept: application/geo+json``. Coordinates are
``[longitude, latitude]``; an event's point is its location's. A feature without known
coordinates has ``"geometry": null`` (allowed by RFC 7946 §3.2).
"""

from rest_framework.renderers import JSONRenderer

from .pagination import ENVELOPE_REQUIRED, envelope_schema

MEDIA_TYPE = "application/geo+json"


class GeoJSONRenderer(JSONRenderer):
    media_type = MEDIA_TYPE
    format = "geojson"


def point(location, public_only: bool):
    if location is None or location.latitude is None or location.longitude is None:
        return None
    if public_only and location.status != "published":
        return None
    return {"type": "Point", "coordinates": [float(location.longitude), float(location.latitude)]}


def feature(obj, properties: dict, location, public_only: bool) -> dict:
    return {
        "type": "Feature",
        "id": obj.slug,
        "geometry": point(location, public_only),
        "properties": properties,
    }


def feature_collection(objs, items, locate, public_only: bool, envelope: dict) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            feature(obj, props, locate(obj), public_only)
            for obj, props in zip(objs, items, strict=True)
        ],
        **envelope,  # foreign members (RFC 7946 §6.1): the page's links, cursors, count
    }


GEOMETRY_SCHEMA = {
    "type": "object",
    "nullable": True,
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"type": "string", "enum": ["Point"]},
        "coordinates": {
            "type": "array",
            "items": {"type": "number"},
            "minItems": 2,
            "maxItems": 2,
            "description": "[longitude, latitude] in degrees (WGS 84).",
        },
    },
}


def feature_schema(properties_schema: dict) -> dict:
    return {
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string", "description": "The object's slug."},
            "geometry": GEOMETRY_SCHEMA,
            "properties": properties_schema,
        },
    }


def collection_schema(properties_schema: dict) -> dict:
    return {
        "type": "object",
        "required": ["type", "features", *ENVELOPE_REQUIRED],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": feature_schema(properties_schema)},
            **envelope_schema(),
        },
    }
