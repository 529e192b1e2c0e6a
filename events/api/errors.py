"""One JSON shape for every API error, with a message per field.

    {"status": 400, "code": "invalid", "detail": "…", "errors": {"page_size": ["…"]}}

``errors`` maps a query parameter (or ``non_field_errors``) to its messages; it is empty for
errors that concern no field (404, 429…).
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from events.outages import is_database_unavailable, outage, unavailable_response

logger = logging.getLogger("events.api")

SUMMARIES = {
    400: "The request is invalid; see errors for each parameter.",
    401: "Authentication failed.",
    403: "You do not have permission to do this.",
    404: "Not found.",
    405: "Method not allowed: this API is read-only.",
    406: "Cannot produce the requested format.",
    410: "What the request starts from no longer exists; see errors.",
    429: "Too many requests.",
    500: "Server error.",
    503: "Temporarily unavailable; retry after the seconds in Retry-After.",
}


def _flatten(detail, prefix="") -> dict[str, list[str]]:
    """``{"a": {"b": ["x"]}}`` → ``{"a.b": ["x"]}``; plain lists/strings go to the prefix."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
        return out
    if isinstance(detail, list):
        messages = []
        nested: dict[str, list[str]] = {}
        for item in detail:
            if isinstance(item, dict | list):
                for k, v in _flatten(item, prefix).items():
                    nested.setdefault(k, []).extend(v)
            else:
                messages.append(str(item))
        if messages:
            nested.setdefault(prefix or "non_field_errors", []).extend(messages)
        return nested
    return {prefix or "non_field_errors": [str(detail)]}


class CursorGone(exceptions.APIException):
    """A cursor that points into a part of the change log that has been pruned."""

    status_code = status.HTTP_410_GONE
    default_code = "cursor_expired"
    default_detail = SUMMARIES[410]


def error_body(status_code: int, code: str, detail: str, errors=None) -> dict:
    return {"status": status_code, "code": code, "detail": detail, "errors": errors or {}}


def api_exception_handler(exc, context):
    if is_database_unavailable(exc):  # down, slow or locked
        if "replica" in settings.DATABASES:
            # With a replica, newsbase/replicas.py reads again from the other database
            # first; if that fails too, handler500 (events.outages) answers the 503.
            return None
        outage.note(exc)
        return unavailable_response(context["request"])
    response = exception_handler(exc, context)
    if response is None:
        if settings.DEBUG:
            return None  # let Django show its debug page
        logger.exception("Unhandled error in the API", exc_info=exc)
        return Response(
            error_body(500, "server_error", SUMMARIES[500]),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        body = error_body(response.status_code, "invalid", SUMMARIES[400], errors)
    elif isinstance(exc, CursorGone):
        errors = _flatten(exc.detail)
        body = error_body(response.status_code, CursorGone.default_code, SUMMARIES[410], errors)
    else:
        if isinstance(exc, Http404):
            code = "not_found"
        elif isinstance(exc, PermissionDenied):
            code = "permission_denied"
        else:
            code = getattr(exc, "default_code", "error")
            codes = getattr(exc, "get_codes", None)
            if callable(codes) and isinstance(codes(), str):
                code = codes()
        detail = getattr(exc, "detail", None) or SUMMARIES.get(response.status_code, "Error.")
        body = error_body(response.status_code, code, str(detail))
    response.data = body
    return response


@csrf_exempt  # a POST or PATCH to an unknown path is a JSON 404 too, not the CSRF page
def not_found(request, *args, **kwargs):
    """JSON 404 for any unknown path under /api/v1/ (instead of Django's HTML page)."""
    return JsonResponse(
        error_body(404, "not_found", f"No API resource at {request.path}."), status=404
    )


class ErrorSerializer(serializers.Serializer):
    """The shape of every error response (documented in the OpenAPI schema)."""

    status = serializers.IntegerField(help_text="The HTTP status code.")
    code = serializers.CharField(help_text="A machine-readable code: invalid, not_found, …")
    detail = serializers.CharField(help_text="A sentence for humans.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per query parameter (dotted for nested fields); empty when the "
        "error concerns no parameter.",
    )
