"""The range of dates newsbase stores and accepts: 1 January 1900 to 31 December 2100.

One rule in one place (issue 12). News events, claims and articles all fall well inside it,
and it keeps every date far from the edges of Python's calendar (years 1 and 9999), where
converting to a place's time zone or taking "the next day" overflows. It is enforced where
dates enter:

- models: ``validate_date`` / ``validate_datetime`` on every date field an editor or a
  loader fills (so the admin answers with a form error), and ``range_condition`` in a
  ``CheckConstraint`` per field (so nothing else can store one either);
- the API and the reader pages: date parameters outside the range are a 400 naming the
  parameter (``out_of_range_message``);
- rendering: ``to_local`` and ``next_day_start`` never raise, so a date the database holds
  (even one stored before the constraints) is shown, not turned into a server error.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q

MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
# Datetimes are stored in UTC: the range is every instant of those days, in UTC.
MIN_DATETIME = dt.datetime.combine(MIN_DATE, dt.time.min, tzinfo=dt.UTC)
MAX_DATETIME = dt.datetime.combine(MAX_DATE, dt.time.max, tzinfo=dt.UTC)

RANGE_TEXT = "from 1 January 1900 to 31 December 2100"


def out_of_range_message(value=None) -> str:
    shown = f"{value.isoformat()} is outside" if value is not None else "Outside"
    return f"{shown} the range of dates newsbase keeps: give one {RANGE_TEXT}."


def date_in_range(value: dt.date) -> bool:
    if isinstance(value, dt.datetime):
        return datetime_in_range(value)
    return MIN_DATE <= value <= MAX_DATE


def datetime_in_range(value: dt.datetime) -> bool:
    """Aware values are compared as instants; a naive one is read as UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        return MIN_DATETIME <= value <= MAX_DATETIME
    except OverflowError:  # an offset at the very edge of the calendar
        return False


def validate_date(value) -> None:
    """Model and form validator for a ``DateField``."""
    if value is not None and not date_in_range(value):
        raise ValidationError(out_of_range_message(value), code="date_range")


def validate_datetime(value) -> None:
    """Model and form validator for a ``DateTimeField``."""
    if value is not None and not datetime_in_range(value):
        raise ValidationError(out_of_range_message(value), code="date_range")


def range_condition(field: str, *, datetime: bool, nullable: bool = False) -> Q:
    """The ``CheckConstraint`` condition keeping ``field`` inside the range."""
    low, high = (MIN_DATETIME, MAX_DATETIME) if datetime else (MIN_DATE, MAX_DATE)
    condition = Q(**{f"{field}__gte": low, f"{field}__lte": high})
    return Q(**{f"{field}__isnull": True}) | condition if nullable else condition


def clamp(value):
    """The nearest value inside the range (for rows stored before the constraints)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        try:
            return min(max(value, MIN_DATETIME), MAX_DATETIME)
        except OverflowError:
            return MIN_DATETIME if value.year < MIN_DATE.year else MAX_DATETIME
    return min(max(value, MIN_DATE), MAX_DATE)


def to_local(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """``value`` in ``tz``; left in its own zone when the conversion would overflow."""
    try:
        return value.astimezone(tz)
    except (OverflowError, ValueError):
        return value


def next_day_start(day: dt.date, tz: dt.tzinfo = dt.UTC) -> dt.datetime:
    """The first instant after ``day`` in ``tz`` (``< next_day_start(d)``: on or before d).

    The last day Python knows has no next day: its end stands in for it.
    """
    try:
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    except OverflowError:
        return dt.datetime.combine(day, dt.time.max, tzinfo=tz)
