"""Reading the change log in commit-safe order: cursors and pages.

A cursor is the position ``(txid, id)`` of the last change a client has read, written as
``"<txid>-<id>"`` (``"0-0"`` is the very start). A page holds the next changes after it
that are *final*: on PostgreSQL, written by a transaction older than every transaction
still running (see :mod:`events.models.change`). A change that is still being written is
therefore not skipped: it waits until its transaction has finished, then comes after the
cursor the client holds. Each change is returned once; a client that stores the cursor
of each page and asks for the next one reads every committed change exactly once.
"""

import re
from dataclasses import dataclass

from events.models import Change
from events.models.change import feed_horizon

CURSOR_RE = re.compile(r"^(\d{1,19})-(\d{1,19})$")
START = (0, 0)


class BadCursor(ValueError):
    pass


def parse_cursor(raw: str | None) -> tuple[int, int]:
    if raw is None or raw == "":
        return START
    match = CURSOR_RE.match(raw)
    if not match:
        raise BadCursor(
            f"“{raw}” is not a change-feed cursor: give the “cursor” of the last page you "
            "read (like 0-0 for the start)."
        )
    return int(match[1]), int(match[2])


def format_cursor(position: tuple[int, int]) -> str:
    return f"{position[0]}-{position[1]}"


@dataclass
class FeedPage:
    changes: list[Change]
    cursor: str  # where the next page starts (unchanged when there was nothing new)
    has_more: bool


def read_page(after: tuple[int, int], size: int) -> FeedPage:
    """The next ``size`` final changes after ``after``."""
    horizon = feed_horizon()
    rows = list(Change.objects.final(horizon).after(*after).order_by("txid", "id")[: size + 1])
    page = rows[:size]
    position = (page[-1].txid, page[-1].id) if page else after
    return FeedPage(changes=page, cursor=format_cursor(position), has_more=len(rows) > size)


def current_cursor() -> str:
    """A cursor from which a client that has everything committed now may follow the feed.

    On PostgreSQL it sits just before the horizon, so changes of transactions still
    running are read later (a client may see a few changes it already has: fetching
    again is harmless). Call it inside the transaction whose snapshot the client copied.
    """
    horizon = feed_horizon()
    if horizon is None:
        last = Change.objects.order_by("-id").values_list("id", flat=True).first()
        return format_cursor((0, last or 0))
    return format_cursor(_before_own(horizon, (horizon.snapshot_edge - 1, 2**63 - 1)))


def _before_own(horizon, position: tuple[int, int]) -> tuple[int, int]:
    """Keep ``position`` before the changes the reader's own transaction writes from now on
    (at ``(own, id)`` with ids above every id there is now), if it has an id already: only
    a caller that goes on writing in the same transaction, as a test does."""
    if horizon.own is None:
        return position
    last = Change.objects.order_by("-id").values_list("id", flat=True).first()
    return min(position, (horizon.own, last or 0))


def end_cursor() -> str:
    """The feed's end now: after every final change, so a reader starting here is given
    only the changes made from now on (and, on PostgreSQL, those of transactions still
    running, which are not final yet). Where a webhook starts."""
    horizon = feed_horizon()
    if horizon is None:
        return current_cursor()
    final = Change.objects.all()
    if horizon.running is not None:
        final = final.filter(txid__lt=horizon.running)
    last = final.order_by("-txid", "-id").values_list("txid", "id").first()
    start = parse_cursor(current_cursor())
    return format_cursor(_before_own(horizon, max(start, last) if last else start))
