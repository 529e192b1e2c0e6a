"""Times entered and shown in the event's own time zone, with the zone named beside them.

Times are stored in UTC, but an editor reads "21:40 CEST" in a report about Solingen and
must be able to type 21:40, not work out 19:40 UTC. The fields below show a stored time in
the zone of the event (its ``timezone``, which defaults to its place's) and read what is typed
in that zone. A day (or month, year) needs no clock time: an empty time is the start of that
day there. Only a minute-precision time needs the clock time, and the error says so.
"""

import datetime as dt
import zoneinfo

from django import forms
from django.db import models
from django.utils.html import format_html

from events.models import Precision

UTC = zoneinfo.ZoneInfo("UTC")


def zone_of(name: str | None) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class LocalDateTimeWidget(forms.SplitDateTimeWidget):
    """A date and an optional clock time, followed by the name of the zone they are in."""

    zone_label = "UTC"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, time_format="%H:%M")
        self.widgets[1].attrs.update(placeholder="hh:mm", size=5)

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        return format_html(
            '{}<span class="local-zone" data-zone-for="{}"> {}</span>', html, name, self.zone_label
        )


class LocalDateTimeField(forms.SplitDateTimeField):
    """Date and clock time in ``zone``; typed values stay naive until the form knows the zone."""

    widget = LocalDateTimeWidget
    zone = UTC

    def __init__(self, *args, **kwargs):
        kwargs.pop("input_date_formats", None)
        kwargs.pop("input_time_formats", None)
        super().__init__(*args, require_all_fields=False, **kwargs)
        self.fields[1].required = False
        self.fields[1].input_formats = ["%H:%M", "%H:%M:%S"]

    def set_zone(self, zone: zoneinfo.ZoneInfo, label: str) -> None:
        self.zone = zone
        self.widget.zone_label = label

    def compress(self, data_list):
        if not data_list or data_list[0] in self.empty_values:
            if data_list and data_list[1] not in self.empty_values:
                raise forms.ValidationError("Give the date as well.", code="invalid_date")
            return None
        day, clock = data_list[0], data_list[1]
        return dt.datetime.combine(day, clock or dt.time(0))  # naive: the form adds the zone

    def prepare_value(self, value):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(self.zone).replace(tzinfo=None)
        return value

    def has_changed(self, initial, data):
        return super().has_changed(self.prepare_value(initial), data)


class LocalTimesForm(forms.ModelForm):
    """Mixin for model forms with times: ``local_times`` maps each time field to the field
    holding its precision. Subclasses say which zone the times are in (``zone_name``)."""

    local_times: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name = self.zone_name(getattr(self, "initial", {}))
        self._set_zone(name)

    def zone_name(self, values: dict) -> str | None:
        raise NotImplementedError

    def zone_hint(self) -> str:
        return "the event's time zone"

    def _set_zone(self, name: str | None) -> zoneinfo.ZoneInfo:
        zone = zone_of(name)
        label = f"({name}, {_abbreviation(zone)})" if zone else f"(in {self.zone_hint()})"
        for field_name in self.local_times:
            field = self.fields.get(field_name)
            if isinstance(field, LocalDateTimeField):
                field.set_zone(zone or UTC, label)
        return zone or UTC

    def clean(self):
        # The zone is applied even when a parent's clean() refuses the form (a stale save):
        # the model's constraints are still checked, and must never see a naive time.
        try:
            return super().clean()
        finally:
            self._apply_zone(self.cleaned_data)

    def _apply_zone(self, cleaned):
        zone = self._set_zone(self.zone_name(cleaned))
        for field_name, precision_name in self.local_times.items():
            value = cleaned.get(field_name)
            if not isinstance(value, dt.datetime) or value.tzinfo is not None:
                continue
            precision = cleaned.get(precision_name) or getattr(self.instance, precision_name, "")
            typed_clock = self.data.get(self.add_prefix(f"{field_name}_1"), "").strip()
            if precision == Precision.MINUTE and not typed_clock:
                self.add_error(
                    field_name,
                    "Give the clock time, or choose the precision “day” if only the day is known.",
                )
                continue
            cleaned[field_name] = value.replace(tzinfo=zone)


def _abbreviation(zone: zoneinfo.ZoneInfo) -> str:
    """The zone's current abbreviation and offset, e.g. "CET, UTC+01:00" (for the label)."""
    now = dt.datetime.now(zone)
    offset = now.strftime("%z")
    return f"now {now.tzname()}, UTC{offset[:3]}:{offset[3:]}"


# ``formfield_overrides`` for admins and inlines whose forms are LocalTimesForms.
LOCAL_TIME_FIELDS = {
    models.DateTimeField: {"form_class": LocalDateTimeField, "widget": LocalDateTimeWidget}
}
