"""What ``OPTIONS`` on an API URL answers: DRF's description, plus each list's query
parameters (its filters with their types and choices, and the paging ones), so a client
can build a query without reading the OpenAPI document."""

from django import forms
from django_filters import fields as filter_fields
from rest_framework.metadata import SimpleMetadata

from .pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

PAGING = {
    "cursor": {
        "type": "string",
        "help_text": "A page's next_cursor or previous_cursor (also in its next/previous links).",
    },
    "count": {
        "type": "boolean",
        "help_text": "true: also give count, the whole filtered list's length.",
    },
    "page_size": {
        "type": "integer",
        "help_text": f"Items per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
    },
    "ordering": {"type": "string", "help_text": "Sort order; a leading - reverses it."},
    "fields": {"type": "string", "help_text": "Comma-separated fields to return."},
    "omit": {"type": "string", "help_text": "Comma-separated fields to leave out."},
}

# Most specific first: a form field class and the type a client sends.
TYPES = [
    (forms.ModelChoiceField, "slug"),
    (forms.ChoiceField, "choice"),
    (filter_fields.IsoDateTimeField, "datetime"),
    (forms.DateTimeField, "datetime"),
    (forms.DateField, "date"),
    (forms.NullBooleanField, "boolean"),
    (forms.BooleanField, "boolean"),
    (forms.DecimalField, "number"),
    (forms.FloatField, "number"),
    (forms.IntegerField, "integer"),
]


def describe_filter(name, query_filter) -> dict:
    field = query_filter.field
    kind = next((kind for cls, kind in TYPES if isinstance(field, cls)), "string")
    described = {"type": kind, "help_text": str(field.help_text or query_filter.label or "")}
    if kind == "choice":
        described["choices"] = [
            {"value": value, "display_name": str(label)}
            for value, label in field.choices
            if value != ""
        ]
    return described


class ApiMetadata(SimpleMetadata):
    def determine_metadata(self, request, view):
        metadata = super().determine_metadata(request, view)
        filterset_class = getattr(view, "filterset_class", None)
        if getattr(view, "detail", None) is False and filterset_class is not None:
            filterset = filterset_class(request=request, queryset=view.get_queryset().none())
            params = {
                name: describe_filter(name, query_filter)
                for name, query_filter in filterset.filters.items()
            }
            params.update(PAGING)
            metadata["query_parameters"] = params
        return metadata
