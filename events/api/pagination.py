"""Keyset (cursor) pagination with a validated ordering and page size.

Why not DRF's ``CursorPagination`` as it is: it positions on the first ordering field only
and skips ties with an offset capped at 1000, and it answers a bad cursor with a 404 or a
500. Here the cursor holds the whole sort key (the ordering fields plus ``id``), so every
page is one indexed range query with no ``OFFSET`` and no ``COUNT(*)``, ties cannot break
it, and every bad input is a 400 naming the parameter.
"""

import base64
import binascii
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def parse_page_size(request) -> int:
    raw = request.query_params.get("page_size")
    if raw is None or raw == "":
        return DEFAULT_PAGE_SIZE
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(
            {"page_size": [f"Give a whole number from 1 to {MAX_PAGE_SIZE}, not “{raw}”."]}
        ) from None
    if value < 1:
        raise ValidationError({"page_size": [f"Give a whole number from 1 to {MAX_PAGE_SIZE}."]})
    if value > MAX_PAGE_SIZE:
        raise ValidationError(
            {
                "page_size": [
                    f"At most {MAX_PAGE_SIZE} items per page (you asked for {value}); "
                    "follow the “next” link for more."
                ]
            }
        )
    return value


def parse_ordering(request, view) -> tuple[str, ...]:
    """The requested ordering as model terms, with ``id`` appended as the tiebreaker."""
    allowed: dict[str, str] = view.ordering_fields  # public name → field or annotation
    raw = request.query_params.get("ordering")
    if raw is None or raw == "":
        raw = view.default_ordering
    term = raw.strip()
    descending = term.startswith("-")
    name = term.lstrip("-")
    if name not in allowed or term.count("-") > 1:
        choices = ", ".join(sorted({*allowed, *(f"-{n}" for n in allowed)}))
        raise ValidationError(
            {"ordering": [f"Cannot order by “{raw}”. Choose one of: {choices}."]}
        )
    sign = "-" if descending else ""
    return (f"{sign}{allowed[name]}", f"{sign}id")


def ordering_choices(view) -> list[str]:
    return [c for name in view.ordering_fields for c in (name, f"-{name}")]


def _field(queryset, name):
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field
    return queryset.model._meta.get_field(name)


def _key_filter(ordering, values, forward: bool) -> Q:
    """Rows strictly after ``values`` in ``ordering`` (before, when not ``forward``)."""
    condition = Q()
    equal = Q()
    for term, value in zip(ordering, values, strict=True):
        name = term.lstrip("-")
        ascending = not term.startswith("-")
        lookup = "gt" if ascending == forward else "lt"
        condition |= equal & Q(**{f"{name}__{lookup}": value})
        equal &= Q(**{name: value})
    return condition


class KeysetPagination(BasePagination):
    """``?cursor=`` from the ``next`` / ``previous`` links; ``?page_size=`` 1–100."""

    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = parse_page_size(request)
        self.ordering = parse_ordering(request, view)
        cursor = self.decode_cursor(queryset)
        reverse = bool(cursor and cursor["reverse"])
        forward_order = self.ordering
        order = (
            tuple(t[1:] if t.startswith("-") else f"-{t}" for t in forward_order)
            if reverse
            else forward_order
        )
        queryset = queryset.order_by(*order)
        if cursor:
            queryset = queryset.filter(_key_filter(forward_order, cursor["values"], not reverse))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        page = rows[: self.page_size]
        if reverse:
            page.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, cursor is not None
        self.page = page
        return page

    # --- cursors ---------------------------------------------------------------------------
    def _key(self, obj) -> list[str]:
        values = []
        for term in self.ordering:
            value = getattr(obj, term.lstrip("-"))
            values.append(value.isoformat() if hasattr(value, "isoformat") else str(value))
        return values

    def encode_cursor(self, obj, reverse: bool) -> str:
        payload = {"o": ",".join(self.ordering), "v": self._key(obj), "r": int(reverse)}
        token = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
        return replace_query_param(self.base_url, self.cursor_query_param, token.decode())

    def decode_cursor(self, queryset):
        raw = self.request.query_params.get(self.cursor_query_param)
        if raw is None or raw == "":
            return None
        invalid = ValidationError(
            {
                "cursor": [
                    "This cursor is not valid for this list and ordering; use the “next” or "
                    "“previous” link exactly as given."
                ]
            }
        )
        try:
            payload = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"=="))
            if not isinstance(payload, dict) or payload.get("o") != ",".join(self.ordering):
                raise invalid
            values, reverse = payload["v"], payload["r"]
            if not isinstance(values, list) or len(values) != len(self.ordering):
                raise invalid
            if reverse not in (0, 1) or not all(isinstance(v, str) for v in values):
                raise invalid
            parsed = []
            for term, value in zip(self.ordering, values, strict=True):
                field = _field(queryset, term.lstrip("-"))
                parsed.append(field.to_python(value))
            if any(v is None for v in parsed):
                raise invalid
        except (
            ValueError,
            TypeError,
            KeyError,
            UnicodeError,
            binascii.Error,
            DjangoValidationError,
        ):
            raise invalid from None
        return {"values": parsed, "reverse": bool(reverse)}

    def get_next_link(self):
        if not self.has_next or not self.page:
            return None
        return self.encode_cursor(self.page[-1], reverse=False)

    def get_previous_link(self):
        if not self.has_previous:
            return None
        if not self.page:
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self.encode_cursor(self.page[0], reverse=True)

    def get_paginated_response(self, data):
        return Response(self.wrap(data))

    def wrap(self, data) -> dict:
        return {
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        }

    # --- schema ----------------------------------------------------------------------------
    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page, or null on the last page."},
                "previous": {**link, "description": "The previous page, or null."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position from a “next” or “previous” link.",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": f"Items per page (default {DEFAULT_PAGE_SIZE}, at most "
                f"{MAX_PAGE_SIZE}; more is a 400).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
            {
                "name": "ordering",
                "required": False,
                "in": "query",
                "description": f"Sort order (default {view.default_ordering}); “-” for "
                "descending. Ties are broken by id.",
                "schema": {"type": "string", "enum": ordering_choices(view)},
            },
        ]


__all__ = ["KeysetPagination", "parse_ordering", "parse_page_size"]
