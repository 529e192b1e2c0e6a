"""Out-of-order commits on PostgreSQL, with two real connections (no wrapping transaction).

A long transaction writes first (so it holds the older transaction id) and commits after
a short one. A feed keyed on row ids or save times would hand out the short change and a
cursor past the long one's row, skipping it for good; this feed holds the short change
back until the long transaction has finished, then returns both, each once.
"""

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from tests import factories as f

from .mirror import feed_cursor

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL transactions"),
    pytest.mark.django_db(transaction=True),
]


def read_all(api, after):
    results = []
    while True:
        body = api.get(reverse("api:changes"), {"after": after, "page_size": 100}).json()
        results += body["results"]
        after = body["cursor"]
        if not body["has_more"]:
            return results, after


def actors(results):
    return [c["id"] for c in results if c["type"] == "actor"]


class LongTransaction(threading.Thread):
    """Creates an actor on its own connection, then waits to be told to commit."""

    def __init__(self, *, write_first: bool):
        super().__init__()
        self.write_first = write_first
        self.ready, self.may_write, self.may_commit = (threading.Event() for _ in range(3))
        self.actor_id = None
        self.error = None

    def run(self):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")  # the transaction has begun
                if not self.write_first:
                    self.ready.set()
                    assert self.may_write.wait(30)
                self.actor_id = f.ActorFactory(name="Written by the long transaction").pk
                self.ready.set()
                assert self.may_commit.wait(30)
        except Exception as exc:  # reported by the test
            self.error = exc
        finally:
            connection.close()


def test_a_change_committed_late_with_an_older_id_is_not_skipped(api):
    start = feed_cursor(api)
    long = LongTransaction(write_first=True)
    long.start()
    assert long.ready.wait(30)

    short = f.ActorFactory(name="Committed first")  # autocommit: visible at once
    before, cursor = read_all(api, start)
    assert short.pk not in actors(before)  # held back: an older transaction is still open
    assert api.get(reverse("api:actor-detail", kwargs={"slug": short.slug})).status_code == 200

    long.may_commit.set()
    long.join(30)
    assert long.error is None
    after, _ = read_all(api, cursor)
    seen = actors(before) + actors(after)
    assert seen == [long.actor_id, short.pk]  # both, once each, in transaction order


def test_a_long_transaction_that_writes_after_a_short_one_does_not_hold_it_back(api):
    start = feed_cursor(api)
    long = LongTransaction(write_first=False)
    long.start()
    assert long.ready.wait(30)

    short = f.ActorFactory(name="Committed first")
    long.may_write.set()
    before, cursor = read_all(api, start)
    assert actors(before) == [short.pk]  # its transaction id is the older one: final

    long.may_commit.set()
    long.join(30)
    assert long.error is None
    after, _ = read_all(api, cursor)
    assert actors(after) == [long.actor_id]
