"""Serializing at the cost of the data, not of DRF's per-field machinery.

DRF's ``Serializer.to_representation`` walks its fields again for every object: a
generator step, ``get_attribute()`` (a loop, ``inspect.signature`` on callables, exception
handling), a ``PKOnlyObject`` check and the field's own ``to_representation()``. An event
with seventy claims, their sources, speakers and relations makes tens of thousands of such
calls, and profiles showed them, with ``ModelSerializer.get_fields()`` rebuilding the same
fields from model metadata for every nested serializer, as the largest cost of a request.

``FastRepresentationMixin`` keeps the serializers as they are (the schema, the field
names, ``fields=``/``omit=`` all come from them) and changes how they run:

- the walk is planned once per serializer instance: for each field, how to read the value
  (a plain attribute read when the model says the name is a field or relation, DRF's own
  ``get_attribute()`` otherwise) and how to render it (the common field types inline, any
  other through the field's own ``to_representation()``);
- ``get_fields()`` builds a class's fields from model metadata once per process and hands
  each instance fresh copies (DRF re-builds them for every nested serializer of every
  request).

The output is DRF's, byte for byte: tests render every object of the Crocus record both
ways (this mixin and ``serializers.Serializer.to_representation``) and compare.
"""

from __future__ import annotations

import copy
from operator import attrgetter

from django.core.exceptions import FieldDoesNotExist
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import cached_property
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

_FIELDS: dict[type, dict] = {}
_SKIP = object()


def _identity(value):
    return value


def _datetime_renderer(field):
    """DRF's DateTimeField output (ISO 8601 in the current time zone, UTC as Z), inlined."""
    fmt = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if fmt is None or not isinstance(fmt, str) or fmt.lower() != "iso-8601":
        return None
    if hasattr(field, "timezone"):
        return None
    tz = field.default_timezone()
    if tz is None:
        return None

    def render(value):
        if not value or isinstance(value, str):
            return field.to_representation(value)
        if timezone.is_naive(value):
            return field.to_representation(value)
        try:
            text = value.astimezone(tz).isoformat()
        except OverflowError:
            return field.to_representation(value)  # DRF's own error
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return render


def _date_renderer(field):
    fmt = getattr(field, "format", api_settings.DATE_FORMAT)
    if fmt is None or not isinstance(fmt, str) or fmt.lower() != "iso-8601":
        return None
    return lambda value: value.isoformat() if value and not isinstance(value, str) else value


def _renderer(field):
    kind = type(field)
    if kind is serializers.CharField:
        return str
    if kind is serializers.IntegerField:
        return int
    if kind is serializers.DateTimeField:
        return _datetime_renderer(field) or field.to_representation
    if kind is serializers.DateField:
        return _date_renderer(field) or field.to_representation
    if isinstance(field, serializers.SerializerMethodField):
        return getattr(field.parent, field.method_name)
    return field.to_representation


def _reader(field, model):
    """How to read the field's value off an object: the cheapest way that is DRF's."""
    attrs = field.source_attrs
    if field.source == "*":
        return _identity
    if model is not None and len(attrs) == 1:
        try:
            model_field = model._meta.get_field(attrs[0])
        except FieldDoesNotExist:
            model_field = None
        # Columns, forward relations and reverse managers hold data, never a callable, and
        # the query plans fetch every related row they name. A reverse one-to-one may be
        # missing (DRF renders null): that one stays on DRF's path.
        if model_field is not None and not (model_field.one_to_one and model_field.auto_created):
            return attrgetter(attrs[0])

    def read(instance):
        try:
            value = field.get_attribute(instance)
        except SkipField:
            return _SKIP
        return value.pk if isinstance(value, PKOnlyObject) and value.pk is None else value

    return read


# DRF's ``to_representation`` with the field walk planned once (see the module doc). A
# comment, not a docstring: drf-spectacular would publish a docstring as the description of
# every serializer that does not have its own.
class FastRepresentationMixin:
    def get_fields(self):
        if not isinstance(self, serializers.ModelSerializer):
            return super().get_fields()
        cls = type(self)
        prototype = _FIELDS.get(cls)
        if prototype is None:
            prototype = _FIELDS[cls] = super().get_fields()
        # Nested serializers are deep-copied (DRF re-creates them from their arguments);
        # a plain field is unbound here and keeps nothing per request but what bind() and
        # our cached properties set on the copy, so a shallow copy is a fresh field.
        return {
            name: copy.deepcopy(field)
            if isinstance(field, serializers.BaseSerializer)
            else copy.copy(field)
            for name, field in prototype.items()
        }

    @cached_property
    def _plan(self):
        meta = getattr(self, "Meta", None)
        model = getattr(meta, "model", None)
        return tuple(
            (field.field_name, _reader(field, model), _renderer(field))
            for field in self._readable_fields
        )

    def to_representation(self, instance):
        ret = {}
        for name, read, render in self._plan:
            value = read(instance)
            if value is _SKIP:
                continue
            ret[name] = None if value is None else render(value)
        return ret


@receiver(setting_changed)
def _forget_fields(*, setting, **kwargs):
    # Fields read REST_FRAMEWORK settings (formats, decimal coercion) when they are built.
    if setting == "REST_FRAMEWORK":
        _FIELDS.clear()
