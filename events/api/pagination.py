"""Keyset (cursor) pagination with a validated ordering and page size.

Why not DRF's ``CursorPagination`` as it is: it positions on the first ordering field only
and skips ties with an offset capped at 1000, and it answers a bad cursor with a 404 or a
500. Here the cursor holds the whole sort key (the ordering fields plus ``id``), so every
page is one indexed range query with no ``OFFSET`` and no ``COUNT(*)``, ties cannot break
it, and every bad input is a 400 naming the parameter.

A page's envelope (:meth:`KeysetPagination.envelope`) gives the ``next`` / ``previous``
links, the same positions as plain ``next_cursor`` / ``previous_cursor`` values, and, only
when the client asks with ``count=true``, the filtered list's ``count`` (one more query).
"""

import base64
import binascii
import datetime as dt
import json
from functools import cmp_to_key

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from events import dates

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def parse_count(request) -> bool:
    """``count=true``: give the filtered list's total (one ``COUNT(*)``); ``false`` or
    absent: do not. Anything else is a 400 (an empty value too, as for every parameter)."""
    raw = request.query_params.get("count")
    if raw is None or raw == "false":
        return False
    if raw == "true":
        return True
    raise ValidationError({"count": [f"Give true or false, not “{raw}”."]})


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


#: ``ordering=relevance``: best match first (the search service's ``search_rank``). It is
#: the default ordering when ``q`` is given and no ordering is; it needs ``q``.
RELEVANCE = "relevance"


def _searching(request) -> bool:
    return bool((request.query_params.get("q") or "").strip())


def wants_relevance(request) -> bool:
    """Whether this request's list is ordered by relevance (so the search must rank)."""
    if not _searching(request):
        return False
    raw = (request.query_params.get("ordering") or "").strip()
    return raw == "" or raw.lstrip("-") == RELEVANCE


def parse_ordering(request, view) -> tuple[str, ...]:
    """The requested ordering as model terms, with the view's tiebreakers (``id``) appended."""
    allowed: dict[str, str] = dict(view.ordering_fields)  # public name → field or annotation
    searching = _searching(request)
    if searching:
        allowed[RELEVANCE] = "-search_rank"  # "relevance" reads best first
    raw = request.query_params.get("ordering")
    if raw is None or raw == "":
        raw = RELEVANCE if searching else view.default_ordering
    term = raw.strip()
    descending = term.startswith("-")
    name = term.lstrip("-")
    if name == RELEVANCE and not searching and term.count("-") <= 1:
        raise ValidationError(
            {"ordering": ["ordering=relevance orders search results: give q as well."]}
        )
    if name not in allowed or term.count("-") > 1:
        choices = ", ".join(sorted({*allowed, *(f"-{n}" for n in allowed)}))
        raise ValidationError(
            {"ordering": [f"Cannot order by “{raw}”. Choose one of: {choices}."]}
        )
    field = allowed[name]
    if field.startswith("-"):
        field, descending = field[1:], not descending
    sign = "-" if descending else ""
    tiebreak = getattr(view, "ordering_tiebreak", ("id",))
    return (f"{sign}{field}", *(f"{sign}{t}" for t in tiebreak))


def ordering_choices(view) -> list[str]:
    names = [*view.ordering_fields, *([RELEVANCE] if _takes_q(view) else [])]
    return [c for name in names for c in (name, f"-{name}")]


def _takes_q(view) -> bool:
    filterset = getattr(view, "filterset_class", None)
    return filterset is not None and "q" in filterset.base_filters


def _value(row, name):
    """A sort key's value from a model instance or a ``values()`` row."""
    return row[name] if isinstance(row, dict) else getattr(row, name)


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


def _storable(value) -> bool:
    """A cursor value the database can compare: text without NUL or lone surrogates (a
    tampered cursor can hold both), dates inside events.dates' range."""
    if isinstance(value, str):
        value.encode("utf-8")  # UnicodeEncodeError (a UnicodeError) on a lone surrogate
        return "\x00" not in value
    if isinstance(value, dt.date):
        return dates.date_in_range(value)
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return True


class KeysetPagination(BasePagination):
    """``?cursor=`` from the ``next`` / ``previous`` links; ``?page_size=`` 1–100."""

    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        return self.paginate_sources([queryset], request, view)

    def paginate_sources(self, querysets, request, view=None) -> list:
        """One page merged from several querysets that share the ordering's names.

        A list is one queryset; the ``deleted`` feed is several (withdrawn rows of each
        model and the tombstones), annotated with the same sort keys. Each gives at most a
        page plus one row after the cursor, and the page is the first of their merge.
        """
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = parse_page_size(request)
        self.ordering = parse_ordering(request, view)
        self.count = self.count_sources(querysets) if parse_count(request) else None
        cursor = self.decode_cursor(querysets[0])
        reverse = bool(cursor and cursor["reverse"])
        forward_order = self.ordering
        order = (
            tuple(t[1:] if t.startswith("-") else f"-{t}" for t in forward_order)
            if reverse
            else forward_order
        )
        rows = []
        for queryset in querysets:
            queryset = queryset.order_by(*order)
            if cursor:
                queryset = queryset.filter(
                    _key_filter(forward_order, cursor["values"], not reverse)
                )
            rows += list(queryset[: self.page_size + 1])
        if len(querysets) > 1:
            rows.sort(key=cmp_to_key(self._compare(order)))
        more = len(rows) > self.page_size
        page = rows[: self.page_size]
        if reverse:
            page.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, cursor is not None
        self.page = page
        return page

    @staticmethod
    def count_sources(querysets) -> int:
        """The whole filtered list's length, whatever the cursor: one query."""
        if len(querysets) == 1:
            return querysets[0].count()
        # Each source's key columns, so the union's branches match; ALL keeps every row.
        keys = [qs.values_list("type", "key_id") for qs in querysets]
        return keys[0].union(*keys[1:], all=True).count()

    @staticmethod
    def _compare(order):
        def compare(a, b) -> int:
            for term in order:
                name = term.lstrip("-")
                x, y = _value(a, name), _value(b, name)
                if x != y:
                    result = -1 if x < y else 1
                    return -result if term.startswith("-") else result
            return 0

        return compare

    # --- cursors ---------------------------------------------------------------------------
    def _key(self, obj) -> list[str]:
        values = []
        for term in self.ordering:
            value = _value(obj, term.lstrip("-"))
            values.append(value.isoformat() if hasattr(value, "isoformat") else str(value))
        return values

    def encode_cursor(self, obj, reverse: bool) -> str:
        payload = {"o": ",".join(self.ordering), "v": self._key(obj), "r": int(reverse)}
        return base64.urlsafe_b64encode(
            json.dumps(payload, separators=(",", ":")).encode()
        ).decode()

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
            if any(v is None or not _storable(v) for v in parsed):
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

    def get_next_cursor(self) -> str | None:
        if not self.has_next or not self.page:
            return None
        return self.encode_cursor(self.page[-1], reverse=False)

    def get_previous_cursor(self) -> str | None:
        """The previous page's cursor; ``None`` when there is no previous page, or when it
        is the first page and this page is empty (nothing on it marks where the previous
        one ends: ask for the list without a cursor, as ``previous`` does)."""
        if not self.has_previous or not self.page:
            return None
        return self.encode_cursor(self.page[0], reverse=True)

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)

    def get_next_link(self):
        return self._link(self.get_next_cursor())

    def get_previous_link(self):
        if not self.has_previous:
            return None
        cursor = self.get_previous_cursor()
        if cursor is None:  # the first page: the list without a cursor
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self._link(cursor)

    def envelope(self) -> dict:
        """Everything a page says besides its items (``count`` only when asked for)."""
        next_cursor, previous_cursor = self.get_next_cursor(), self.get_previous_cursor()
        envelope = {
            "next": self._link(next_cursor),
            "previous": self.get_previous_link(),
            "next_cursor": next_cursor,
            "previous_cursor": previous_cursor,
        }
        if self.count is not None:
            envelope["count"] = self.count
        return envelope

    # --- schema ----------------------------------------------------------------------------
    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": [*ENVELOPE_REQUIRED, "results"],
            "properties": {**envelope_schema(), "results": schema},
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
                "name": "count",
                "required": False,
                "in": "query",
                "description": "true: the page also gives `count`, the number of items in the "
                "whole filtered list (one more query); false or absent: it does not.",
                "schema": {"type": "boolean"},
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
                "description": f"Sort order (default {view.default_ordering}, or relevance "
                "when q is given); “-” for descending; relevance (best match first) needs q. "
                + getattr(view, "ordering_ties", "Ties are broken by id."),
                "schema": {"type": "string", "enum": ordering_choices(view)},
            },
        ]


ENVELOPE_REQUIRED = ("next", "previous", "next_cursor", "previous_cursor")


def envelope_schema() -> dict:
    """The OpenAPI properties of :meth:`KeysetPagination.envelope` (JSON and GeoJSON)."""
    link = {"type": "string", "nullable": True, "format": "uri"}
    cursor = {"type": "string", "nullable": True}
    return {
        "next": {**link, "description": "The next page, or null on the last page."},
        "previous": {**link, "description": "The previous page, or null on the first."},
        "next_cursor": {
            **cursor,
            "description": "The next page's position, to pass as `cursor` (the same as in "
            "`next`), or null on the last page.",
        },
        "previous_cursor": {
            **cursor,
            "description": "The previous page's position, to pass as `cursor`, or null when "
            "there is none to pass: on the first page, and on an empty page whose previous "
            "page is the first (follow `previous`, the list without a cursor).",
        },
        "count": {
            "type": "integer",
            "minimum": 0,
            "description": "Only with count=true: how many items the whole filtered list "
            "has, on every page (not only this one).",
        },
    }


__all__ = [
    "KeysetPagination",
    "envelope_schema",
    "parse_count",
    "parse_ordering",
    "parse_page_size",
    "wants_relevance",
]
