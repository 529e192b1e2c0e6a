"""OpenAPI generation (drf-spectacular): every error response and the GeoJSON variants.

``ApiAutoSchema`` adds the shared error shape (events.api.errors.ErrorSerializer) for each
status an operation can answer with, and replaces the schema of ``application/geo+json``
responses (which spectacular would otherwise document as the JSON shape).
"""

from drf_spectacular.openapi import AutoSchema

from . import geojson
from .errors import ErrorSerializer

ERRORS = {
    "400": "Invalid query parameter (unknown, repeated or malformed); see errors.",
    "401": "Invalid or inactive token.",
    "404": "No such object, or not visible to you (drafts and withdrawn objects).",
    "406": "The Accept header asks for a media type this endpoint cannot produce.",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        self._document_geojson(responses, direction)
        error_ref = self.resolve_serializer(ErrorSerializer, direction).ref
        for code, description in ERRORS.items():
            if code == "404" and self._is_list_view():
                continue
            if code in responses:
                continue
            response = {
                "description": description,
                "content": {"application/json": {"schema": error_ref}},
            }
            if code == "429":
                response["headers"] = {
                    "Retry-After": {
                        "schema": {"type": "integer"},
                        "description": "Seconds to wait before the next request.",
                    }
                }
            if code == "401":
                response["headers"] = {
                    "WWW-Authenticate": {
                        "schema": {"type": "string"},
                        "description": "The authentication scheme (Token).",
                    }
                }
            responses[code] = response
        # Answered by gunicorn before Django sees the request (limit_request_line), as HTML.
        responses.setdefault(
            "414",
            {
                "description": "The URL is longer than the server accepts (4094 bytes).",
                "content": {"text/html": {"schema": {"type": "string"}}},
            },
        )
        return responses

    def _document_geojson(self, responses, direction):
        ok = responses.get("200", {}).get("content", {})
        if geojson.MEDIA_TYPE not in ok:
            return
        serializer = self._get_serializer()
        if hasattr(serializer, "child"):
            serializer = serializer.child
        properties = self.resolve_serializer(serializer, direction).ref
        if self._is_list_view():
            ok[geojson.MEDIA_TYPE]["schema"] = geojson.collection_schema(properties)
        else:
            ok[geojson.MEDIA_TYPE]["schema"] = geojson.feature_schema(properties)


def fields_are_optional(result, generator, request, public):
    """Post-processing hook: ``fields=`` / ``omit=`` can drop any field of a resource, so a
    resource's properties are documented as optional (the list envelope, GeoJSON wrappers
    and the error shape keep theirs)."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name in {"Error", "ApiRoot", "Deleted"} or name.startswith("Paginated"):
            continue
        component.pop("required", None)
    return result
