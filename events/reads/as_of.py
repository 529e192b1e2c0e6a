"""``as_of``: what was known on a day, parsed once and applied to every kind of row.

Pages (``?as_of=`` on the event page) and the API (``as_of=`` on event and claim details,
and on the claims list) parse the parameter with :meth:`AsOf.parse`, so a bad value gets the
same message everywhere. The day ends where the event happened: :meth:`AsOf.in_zone` with
the event's time zone, so "on 23 March" means until midnight in Moscow, not in UTC.

What "known by the end of day D" means, for each kind of row:

- claims: made before the end of D (``made_at``);
- sub-events and related events: started before the end of D;
- articles (claim sources, the articles stating a role): published on or before D, or
  undated;
- participations: those whose stating article was published by D;
- corrections: logged before the end of D.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from events import dates

EXAMPLE = "as_of=2024-03-23"


class InvalidAsOf(ValueError):
    """``as_of`` is not a usable day; the message is shown to the reader or API client."""


@dataclass(frozen=True)
class AsOf:
    """A day, and the time zone its end is taken in (UTC until :meth:`in_zone`)."""

    day: dt.date
    tz: dt.tzinfo = dt.UTC

    @classmethod
    def parse(cls, value: str | None) -> AsOf | None:
        """``None`` for a missing or empty value; :class:`InvalidAsOf` for a bad one."""
        if value is None or value == "":
            return None
        text = value.strip()
        try:
            if len(text) != 10:
                raise ValueError
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise InvalidAsOf(
                f"“{value[:40]}” is not a date. Give as_of as YYYY-MM-DD, for example {EXAMPLE}."
            ) from None
        if not dates.date_in_range(day):
            raise InvalidAsOf(
                f"as_of={day.isoformat()} is outside the dates newsbase keeps; give a day "
                f"(YYYY-MM-DD) from {dates.MIN_DATE.isoformat()} up to today."
            )
        today = timezone.localdate()
        if day > today:
            raise InvalidAsOf(
                f"as_of={day.isoformat()} is in the future; give a day up to {today.isoformat()}."
            )
        return cls(day)

    def in_zone(self, tz: dt.tzinfo) -> AsOf:
        """The same day, ending at midnight in ``tz`` (the event's time zone)."""
        return AsOf(self.day, tz)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the day in its zone (compare with ``__lt``)."""
        return dates.next_day_start(self.day, self.tz)

    def isoformat(self) -> str:
        return self.day.isoformat()

    # --- conditions, one per kind of row --------------------------------------------------
    def made_q(self, prefix: str = "") -> Q:
        """Claims made by the end of the day."""
        return Q(**{f"{prefix}made_at__lt": self.end})

    def started_q(self, prefix: str = "") -> Q:
        """Events that had started by the end of the day."""
        return Q(**{f"{prefix}start__lt": self.end})

    def published_q(self, prefix: str = "") -> Q:
        """Articles published on or before the day (undated articles count as known)."""
        return Q(**{f"{prefix}published_on__isnull": True}) | Q(
            **{f"{prefix}published_on__lte": self.day}
        )

    def logged_q(self, prefix: str = "") -> Q:
        """Rows (corrections) created by the end of the day."""
        return Q(**{f"{prefix}created_at__lt": self.end})

    def claims(self, queryset):
        return queryset.filter(self.made_q())


def known(as_of: AsOf | None, condition) -> Q:
    """``condition(as_of)`` when there is a day, else no condition (today: everything)."""
    return Q() if as_of is None else condition(as_of)
