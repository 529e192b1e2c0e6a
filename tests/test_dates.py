"""Dates are bounded where they enter (events/dates.py: 1900-01-01 to 2100-12-31), and every
date the database can hold renders without raising (issue 12)."""

import base64
import datetime as dt
import json
import zoneinfo
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from events import dates
from events.models import (
    Affiliation,
    AffiliationKind,
    Article,
    Claim,
    Event,
    EventSummaryVersion,
    Precision,
    Status,
)
from events.templatetags import reader_chart, reader_dates, reader_ld
from tests import factories as f
from tests.admin import conftest as admin_fixtures
from tests.admin.conftest import errors_of, form_data
from tests.api import conftest as api_fixtures
from tests.api.conftest import api_url, assert_error

# The admin's and the API's client fixtures, for this module's tests of both faces.
editor, editor_client, api = admin_fixtures.editor, admin_fixtures.editor_client, api_fixtures.api

UTC = dt.UTC
MOSCOW = "Europe/Moscow"
# The edges of Python's calendar, where a time zone conversion or "the next day" overflows.
PYTHON_MAX = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
PYTHON_MIN = dt.datetime(1, 1, 1, 0, 0, tzinfo=UTC)


# --- the range -----------------------------------------------------------------------------


def test_the_range_is_1900_to_2100_inclusive():
    for ok in (dt.date(1900, 1, 1), dt.date(2100, 12, 31)):
        dates.validate_date(ok)
    dates.validate_datetime(dt.datetime(1900, 1, 1, tzinfo=UTC))
    dates.validate_datetime(dt.datetime(2100, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))
    for bad in (dt.date(1899, 12, 31), dt.date(2101, 1, 1), dt.date.max, dt.date.min):
        with pytest.raises(ValidationError, match="1 January 1900 to 31 December 2100"):
            dates.validate_date(bad)
    # an instant, whatever the offset it is written with
    moscow = zoneinfo.ZoneInfo(MOSCOW)
    with pytest.raises(ValidationError):
        dates.validate_datetime(dt.datetime(1900, 1, 1, 2, 0, tzinfo=moscow))  # 1899 in UTC
    with pytest.raises(ValidationError):
        dates.validate_datetime(dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5))))
    with pytest.raises(ValidationError):
        dates.validate_datetime(PYTHON_MAX)


def test_conversions_at_the_edges_of_the_calendar_never_raise():
    kiritimati = zoneinfo.ZoneInfo("Pacific/Kiritimati")  # UTC+14
    assert dates.to_local(PYTHON_MAX, kiritimati) == PYTHON_MAX  # stays in UTC
    assert dates.to_local(PYTHON_MIN, zoneinfo.ZoneInfo("America/New_York")) == PYTHON_MIN
    assert dates.next_day_start(dt.date.max) > dt.datetime(9999, 12, 31, 23, tzinfo=UTC)
    assert dates.next_day_start(dt.date(2024, 3, 22)) == dt.datetime(2024, 3, 23, tzinfo=UTC)
    assert dates.clamp(PYTHON_MAX) == dates.MAX_DATETIME
    assert dates.clamp(dt.date(1, 1, 1)) == dates.MIN_DATE


# --- rendering -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [PYTHON_MAX, PYTHON_MIN, PYTHON_MAX.date(), PYTHON_MIN.date()])
@pytest.mark.parametrize("tz", [MOSCOW, "Pacific/Kiritimati", "America/Los_Angeles", "UTC"])
def test_template_filters_render_any_date(value, tz):
    for precision in Precision.values:
        assert str(value.year) in reader_dates.partial_date(value, precision, tz)
        assert reader_dates.iso_datetime(value, precision).startswith(f"{value.year:04d}")


def test_a_date_reads_as_exactly_as_it_is_known():
    """Each precision as a reader reads it, in the place's zone: a day stored at its local
    midnight (21:00 UTC the evening before) is that day, a time names its zone."""
    attack = dt.datetime(2024, 3, 22, 16, 58, tzinfo=UTC)
    day = dt.datetime(2024, 3, 21, 21, 0, tzinfo=UTC)  # 22 March, 00:00 in Moscow
    shown = {
        precision: reader_dates.partial_date(value, precision, "Europe/Moscow")
        for precision, value in (
            (Precision.MINUTE, attack),
            (Precision.DAY, day),
            (Precision.MONTH, day),
            (Precision.YEAR, day),
        )
    }
    assert shown == {
        Precision.MINUTE: "22 March 2024, 19:58 MSK (Europe/Moscow, UTC+03:00)",
        Precision.DAY: "22 March 2024",
        Precision.MONTH: "March 2024",
        Precision.YEAR: "2024",
    }
    assert reader_dates.partial_date(attack, Precision.MINUTE, "Europe/Moscow", False) == (
        "22 March 2024, 19:58 MSK"
    )


def test_json_ld_and_the_chart_render_any_date():
    event = Event(
        title="Far future",
        slug="far-future",
        start=PYTHON_MAX,
        end=PYTHON_MAX,
        start_precision=Precision.MINUTE,
        end_precision=Precision.DAY,
        timezone=MOSCOW,
    )
    page = SimpleNamespace(event=event, place_chain=[], timeline=[], articles=[], as_of=None)
    data = reader_ld.event_ld({"request": None}, page)
    assert data["startDate"].startswith("9999-12-31T23:59:59")
    assert data["endDate"] == "9999-12-31"
    # The chart, at the edges of the range the database holds, in the farthest zones.
    points = [
        f.FigureFactory.build(
            pk=n,
            figure_value=10 + n,
            figure_as_of=when,
            figure_as_of_precision=Precision.MINUTE,
            speaker=f.ActorFactory.build(name="Speaker"),
            event=event,
        )
        for n, when in enumerate([dates.MIN_DATETIME, dates.MAX_DATETIME])
    ]
    for tz in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        chart = reader_chart.figure_chart(points, points[1], "Killed", tz)
        assert "<svg" in chart


# --- the database and the models -----------------------------------------------------------


def assert_db_rejects(queryset, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


@pytest.mark.django_db
def test_the_database_refuses_dates_outside_the_range():
    event = f.EventFactory()
    claim = f.FigureFactory(event=event)
    article = f.ArticleFactory()
    version = EventSummaryVersion.objects.create(
        event=event, current_from=dt.date(2024, 3, 23), text="Then."
    )
    affiliation = Affiliation.objects.create(
        actor=f.ActorFactory(), organisation=f.ActorFactory(), kind=AffiliationKind.values[0]
    )
    far = dt.datetime(2101, 1, 1, tzinfo=UTC)
    early = dt.datetime(1899, 12, 31, 23, 59, tzinfo=UTC)
    assert_db_rejects(Event.objects.filter(pk=event.pk), start=far)
    assert_db_rejects(Event.objects.filter(pk=event.pk), start=early)
    assert_db_rejects(Event.objects.filter(pk=event.pk), end=far, end_precision="day")
    assert_db_rejects(Claim.objects.filter(pk=claim.pk), made_at=far)
    assert_db_rejects(Claim.objects.filter(pk=claim.pk), figure_as_of=early)
    assert_db_rejects(Article.objects.filter(pk=article.pk), published_on=dt.date(9999, 12, 31))
    assert_db_rejects(Article.objects.filter(pk=article.pk), retrieved_at=far)
    assert_db_rejects(EventSummaryVersion.objects.filter(pk=version.pk), current_from=far.date())
    assert_db_rejects(Affiliation.objects.filter(pk=affiliation.pk), end_date=far.date())
    # the edges themselves are kept
    Event.objects.filter(pk=event.pk).update(start=dates.MAX_DATETIME)
    Article.objects.filter(pk=article.pk).update(published_on=dates.MIN_DATE)


@pytest.mark.django_db
def test_full_clean_names_the_field_and_the_range():
    event = f.EventFactory.build(start=PYTHON_MAX, location=None)
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    assert "start" in caught.value.message_dict
    assert "1 January 1900 to 31 December 2100" in caught.value.message_dict["start"][0]


# --- the admin -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("admin_name", "field"),
    [("events_event", "start"), ("events_claim", "made_at")],
)
def test_the_admin_refuses_an_out_of_range_date_with_a_form_error(
    editor_client, admin_name, field
):
    row = f.EventFactory(status=Status.DRAFT) if admin_name == "events_event" else None
    if row is None:
        row = f.ClaimFactory(status=Status.DRAFT)
    before = getattr(row, field)
    url = reverse(f"admin:{admin_name}_change", args=[row.pk])
    data = form_data(editor_client.get(url))
    data[f"{field}_0"], data[f"{field}_1"] = "9999-12-31", "23:59:59"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "1 January 1900 to 31 December 2100" in errors_of(response)
    row.refresh_from_db()
    assert getattr(row, field) == before
    # and the reader pages still answer
    assert editor_client.get("/").status_code == 200


# --- API and page parameters -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "params", "kwargs"),
    [
        ("claim-list", {"as_of": "9999-12-31"}, {}),
        ("claim-list", {"as_of": "1899-12-31"}, {}),
        ("event-list", {"before": "9999-12-31"}, {}),
        ("event-list", {"after": "0001-01-01"}, {}),
        ("event-list", {"modified_since": "9999-12-31T23:59:59Z"}, {}),
        ("article-list", {"modified_since": "0001-01-01T00:00:00+05:00"}, {}),
        ("deleted-list", {"since": "9999-12-31T23:59:59+00:00"}, {}),
        ("event-detail", {"as_of": "9999-12-31"}, {"slug": "crocus-city-hall-attack"}),
    ],
)
def test_api_dates_outside_the_range_are_a_400_naming_the_parameter(
    api, crocus, name, params, kwargs
):
    body = assert_error(api.get(api_url(name, params=params, **kwargs)), 400, *params)
    assert "1900" in " ".join(body["errors"][next(iter(params))])


@pytest.mark.django_db
def test_claim_detail_as_of_outside_the_range_is_a_400(api, crocus):
    claim = Claim.objects.public().first()
    url = api_url("claim-detail", pk=claim.pk, params={"as_of": "9999-12-31"})
    assert_error(api.get(url), 400, "as_of")


def _cursor(ordering: str, values: list, reverse: int = 0) -> str:
    payload = json.dumps({"o": ordering, "v": values, "r": reverse}).encode()
    return base64.urlsafe_b64encode(payload).decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "values",
    [
        ["Crocus\u0000", "1"],  # NUL: PostgreSQL refuses it in a string
        ["Crocus\ud800", "1"],  # a lone surrogate: not encodable as UTF-8
        ["Crocus", "99999999999999999999999"],  # beyond bigint
    ],
)
def test_tampered_cursor_values_are_a_400(api, crocus, values):
    url = api_url("actor-list", params={"cursor": _cursor("name,id", values)})
    assert_error(api.get(url), 400, "cursor")


@pytest.mark.django_db
def test_tampered_cursor_dates_are_a_400(api, crocus):
    values = ["9999-12-31T23:59:59+00:00", "1"]
    url = api_url("event-list", params={"cursor": _cursor("-start,-id", values)})
    assert_error(api.get(url), 400, "cursor")
    deleted = base64.urlsafe_b64encode(
        json.dumps(["0001-01-01T00:00:00+05:00", "actor", 1]).encode()
    ).decode()
    assert_error(api.get(api_url("deleted-list", params={"cursor": deleted})), 400, "cursor")


@pytest.mark.django_db
def test_page_dates_outside_the_range_are_a_400(client, crocus):
    detail = reverse("events:event-detail", kwargs={"slug": crocus.slug})
    assert client.get(detail, {"as_of": "1800-01-01"}).status_code == 400
    assert client.get("/events/", {"start_from": "9999-12-31"}).status_code == 400
    assert client.get("/events/", {"start_to": "0001-01-01"}).status_code == 400
