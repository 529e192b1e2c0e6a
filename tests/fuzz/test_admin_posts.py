"""Hostile admin form posts: each is refused with a form error, stores nothing, never a 500.

Each post re-submits a real change page (tests/admin/conftest.form_data) with one field
replaced by a hostile value: a tampered autocomplete id (``parent=abc``, the issue's
500), out-of-range dates, NUL characters, impossible numbers, tampered formset management
data. Every value is one validation must refuse, so the row, its history and the model's
row count must be exactly as before. ``make test`` posts a fixed sample (every field's
first value and a few more), ``make fuzz`` all of them (tests/fuzz/corpus.py).
"""

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from events.models import Actor, Article, Claim, Event, Location, Status
from tests import factories as f
from tests.admin.conftest import form_data, inline_prefix

from .corpus import sample

pytestmark = pytest.mark.django_db

BAD_IDS = ["abc", "-1", "99999999999999999999", "1 OR 1=1", "1\x00", "1.5", "[1]", "0x1", "1e3"]
BAD_DATES = [
    ("9999-12-31", "23:59:59"),
    ("0001-01-01", "00:00:00"),
    ("1899-12-31", "12:00:00"),
    ("2101-01-01", "00:00:00"),
    ("2024-02-30", "12:00:00"),
    ("2024-03-23", "25:61:00"),
    ("x", "y"),
    ("2024-03-23\x00", "12:00:00"),
]
BAD_DECIMALS = ["NaN", "inf", "-inf", "1e309", "181", "-181", "1" * 40, "0x10", "\x00"]
NUL_TEXT = ["Title\x00", "\x00"]


def cases():
    """(model, field, value) for every post; a (date, time) pair is a split datetime."""
    out = []
    for field in ("parent", "location"):
        out += [("event", field, v) for v in BAD_IDS]
    out += [("event", "start", v) for v in BAD_DATES]
    out += [("event", "end", v) for v in BAD_DATES[:4]]
    out += [("event", "title", v) for v in NUL_TEXT]
    out += [("event", "event_type", v) for v in ["x", "\x00", "attack\x00"]]
    for field in ("event", "speaker", "about_actors"):
        out += [("claim", field, v) for v in BAD_IDS]
    out += [("claim", "made_at", v) for v in BAD_DATES]
    out += [("claim", "text", v) for v in NUL_TEXT]
    out += [("location", "parent", v) for v in BAD_IDS]
    out += [("location", field, v) for field in ("latitude", "longitude") for v in BAD_DECIMALS]
    out += [("article", "publisher", v) for v in BAD_IDS]
    out += [("article", "published_on", v) for v in ["9999-12-31", "0001-01-01", "2024-02-30"]]
    out += [("actor", "name", v) for v in NUL_TEXT]
    out += [("actor", "kind", v) for v in ["x", "\x00"]]
    # formset management data and inline ids
    # (Not here: TOTAL_FORMS=-1 and INITIAL_FORMS=100000, which Django reads as "no rows" and
    # "every row is an existing one": the save goes through and changes no row's data.)
    for value in ["abc", "100000", "\x00", "1e3"]:
        out.append(("event", "participation-TOTAL_FORMS", value))
    for value in ["abc", "-1", "\x00", "1e3"]:
        out.append(("event", "participation-INITIAL_FORMS", value))
    for value in ["abc", "99999999999999999999", "-1"]:
        out.append(("event", "participation-0-actor", value))
        out.append(("actor", "aliases-0-id", value))
    return out


@pytest.fixture
def rows(db):
    location = f.LocationFactory(status=Status.DRAFT, latitude=55.8, longitude=37.3)
    event = f.EventFactory(status=Status.DRAFT, location=location)
    f.ParticipationFactory(event=event)
    claim = f.ClaimFactory(status=Status.DRAFT, event=event)
    actor = f.ActorFactory(status=Status.DRAFT)
    actor.aliases.create(name="An alias", language="en")
    article = f.ArticleFactory(status=Status.DRAFT)
    return {
        "event": event,
        "claim": claim,
        "location": location,
        "actor": actor,
        "article": article,
    }


MODELS = {"event": Event, "claim": Claim, "location": Location, "actor": Actor, "article": Article}


def snapshot(obj):
    fresh = type(obj).objects.get(pk=obj.pk)
    return model_to_dict(fresh), fresh.history.count(), type(obj).objects.count()


def change_url(obj) -> str:
    return reverse(f"admin:events_{obj._meta.model_name}_change", args=[obj.pk])


def post_with(client, obj, page, field, value):
    """Re-submit ``page`` (the object's change page as shown) with one field replaced."""
    data = form_data(page)
    if "-" in field:  # an inline's field (its one existing row, or the management form)
        inline, rest = field.split("-", 1)
        model_name = {"participation": "participation", "aliases": "actoralias"}[inline]
        field = f"{inline_prefix(page, model_name)}-{rest}"
    if isinstance(value, tuple):
        data[f"{field}_0"], data[f"{field}_1"] = value
    else:
        data[field] = value
    return client.post(change_url(obj), data)


def test_the_corpus_is_large_enough():
    assert len(cases()) >= 100


def test_no_hostile_admin_post_is_stored_or_a_server_error(admin_client, rows):
    client: Client = admin_client
    client.raise_request_exception = False
    posts = sample(cases(), lambda case: case[:2])
    # Each change page is read once: no post may change anything, which the snapshots check.
    pages = {name: client.get(change_url(obj)) for name, obj in rows.items()}
    failures = []
    for model_name, field, value in posts:
        obj = rows[model_name]
        before = snapshot(obj)
        try:
            response = post_with(client, obj, pages[model_name], field, value)
        except Exception as exc:  # report every failing post, not only the first
            failures.append(f"{model_name}.{field}={value!r}: {type(exc).__name__}: {exc}")
            continue
        if response.status_code >= 500:
            failures.append(f"{model_name}.{field}={value!r}: HTTP {response.status_code}")
        elif response.status_code != 200:
            failures.append(f"{model_name}.{field}={value!r}: accepted ({response.status_code})")
        if snapshot(obj) != before:
            failures.append(f"{model_name}.{field}={value!r}: the row changed")
    assert not failures, f"{len(failures)} of {len(posts)} posts:\n" + "\n".join(failures)
