"""Dates and times on the reader pages, only as exact as they are known.

A value with a precision (day, month, year) is shown and marked up as that interval, never
as its first instant; a minute-precision time names the place's zone.
"""

import datetime as dt
import zoneinfo

from django import template
from django.utils.dateformat import format as date_format

from events import dates
from events.models import Precision

register = template.Library()


def zone(name):
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


@register.simple_tag
def partial_date(value, precision=Precision.DAY, tz="UTC", with_zone=True):
    """A datetime as exact as its precision, in the place's time zone.

    minute → "22 March 2024, 19:58 MSK (Europe/Moscow, UTC+03:00)", or without the
    parenthesis when ``with_zone`` is false; day → "22 March 2024"; month → "March 2024";
    year → "2024". The time always names its zone.
    """
    if value is None:
        return ""
    local = dates.to_local(value, zone(tz)) if isinstance(value, dt.datetime) else value
    if precision == Precision.YEAR:
        text = date_format(local, "Y")
    elif precision == Precision.MONTH:
        text = date_format(local, "F Y")
    elif precision == Precision.MINUTE and isinstance(local, dt.datetime):
        text = f"{date_format(local, 'j F Y, H:i')} {local.tzname()}"
        if with_zone:
            offset = date_format(local, "O")
            text += f" ({tz}, UTC{offset[:3]}:{offset[3:]})"
    else:
        text = date_format(local, "j F Y")
    return text


@register.simple_tag
def iso_datetime(value, precision=Precision.MINUTE, tz="UTC"):
    """ISO 8601 for <time datetime> and JSON-LD, only as exact as known, in the place's zone.

    A day is the day where it happened: 22 March 00:00 in Moscow is "2024-03-22", not the
    UTC date of that instant ("2024-03-21").
    """
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = dates.to_local(value, zone(tz)) if tz else value
    if precision == Precision.YEAR:
        return f"{value.year:04d}"  # strftime drops the zeros of years before 1000
    if precision == Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    if precision == Precision.DAY:
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    return value.isoformat()
