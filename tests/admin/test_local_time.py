"""Times are typed and shown in the event's time zone, named on the form (issue 13).

An editor recording the Solingen attack reads "21:40 CEST" in the report: they type 21:40,
never 19:40 UTC, and readers see 21:40 CEST again.
"""

import datetime as dt

import pytest
from django.urls import reverse

from events.models import Claim, ClaimKind, Event, Status
from tests import factories as f
from tests.admin.conftest import errors_of, form_data
from tests.admin.test_safety import EMPTY_EVENT_INLINES

UTC = dt.UTC


@pytest.fixture
def solingen(db):
    return f.LocationFactory(name="Solingen", timezone="Europe/Berlin", status=Status.DRAFT)


def add_event(client, location, **fields):
    data = {
        "title": "Solingen festival stabbing",
        "event_type": "attack",
        "start_0": "2024-08-23",
        "start_1": "21:40",
        "start_precision": "minute",
        "timezone": "",
        "location": location.pk,
        "status": "draft",
        "slug": "",
        **EMPTY_EVENT_INLINES,
    }
    data.update(fields)
    return client.post(reverse("admin:events_event_add"), data)


@pytest.mark.django_db
def test_typed_in_the_places_zone_stored_in_utc_shown_again_in_the_zone(
    editor_client, publisher_client, solingen
):
    form = editor_client.get(reverse("admin:events_event_add")).content.decode()
    assert "or the place&#x27;s if it is left blank" in form  # the zone is named on the form

    response = add_event(editor_client, solingen)
    assert response.status_code == 302, errors_of(response)
    event = Event.objects.get(title="Solingen festival stabbing")
    assert event.timezone == "Europe/Berlin"  # blank: the place's zone
    assert event.start == dt.datetime(2024, 8, 23, 19, 40, tzinfo=UTC)

    change = editor_client.get(reverse("admin:events_event_change", args=[event.pk]))
    body = change.content.decode()
    assert 'value="21:40"' in body
    assert "(Europe/Berlin, now" in body
    # Saving the form unchanged does not shift the event by the UTC offset.
    assert editor_client.post(change.wsgi_request.path, form_data(change)).status_code == 302
    event.refresh_from_db()
    assert event.start == dt.datetime(2024, 8, 23, 19, 40, tzinfo=UTC)

    solingen.status = Status.PUBLISHED
    solingen.save()
    event.status = Status.PUBLISHED
    event.save()
    page = publisher_client.get(event.get_absolute_url()).content.decode()
    assert "23 August 2024, 21:40 CEST" in page


@pytest.mark.django_db
def test_a_day_needs_no_clock_time_a_minute_does(editor_client, solingen):
    response = add_event(editor_client, solingen, start_1="", start_precision="minute")
    assert response.status_code == 200
    assert "Give the clock time" in errors_of(response)
    assert not Event.objects.filter(title="Solingen festival stabbing").exists()

    response = add_event(editor_client, solingen, start_1="", start_precision="day")
    assert response.status_code == 302, errors_of(response)
    event = Event.objects.get(title="Solingen festival stabbing")
    # The start of that day in Solingen.
    assert event.start == dt.datetime(2024, 8, 22, 22, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_claim_and_figure_times_are_in_the_events_zone(editor_client, solingen):
    event = f.EventFactory(status=Status.DRAFT, timezone="Europe/Berlin", location=solingen)
    speaker = f.ActorFactory(status=Status.DRAFT)
    add = editor_client.get(reverse("admin:events_claim_add"), {"event": event.pk})
    assert "(Europe/Berlin, now" in add.content.decode()
    response = editor_client.post(
        reverse("admin:events_claim_add"),
        {
            "event": event.pk,
            "speaker": speaker.pk,
            "kind": ClaimKind.FIGURE,
            "mode": "paraphrase",
            "language": "en",
            "text": "Three people were killed.",
            "made_at_0": "2024-08-24",
            "made_at_1": "",
            "made_precision": "day",
            "figure_metric": "killed",
            "figure_qualifier": "exact",
            "figure_value": "3",
            "figure_as_of_0": "2024-08-24",
            "figure_as_of_1": "",
            "figure_as_of_precision": "day",
            "assessment": "unverified",
            "status": "draft",
            "sources-TOTAL_FORMS": "0",
            "sources-INITIAL_FORMS": "0",
            "relations_out-TOTAL_FORMS": "0",
            "relations_out-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, errors_of(response)
    claim = Claim.objects.get(text="Three people were killed.")
    midnight_in_solingen = dt.datetime(2024, 8, 23, 22, 0, tzinfo=UTC)
    assert claim.made_at == midnight_in_solingen
    assert claim.figure_as_of == midnight_in_solingen


@pytest.mark.django_db
def test_a_statement_has_no_figure(editor_client, solingen):
    event = f.EventFactory(status=Status.DRAFT, timezone="Europe/Berlin", location=solingen)
    claim = f.ClaimFactory(event=event, status=Status.DRAFT, kind=ClaimKind.STATEMENT)
    url = reverse("admin:events_claim_change", args=[claim.pk])
    page = editor_client.get(url)
    assert 'class="module aligned figure-fields"' in page.content.decode()
    data = form_data(page)
    data["figure_value"] = "3"
    response = editor_client.post(url, data)
    assert "Only a figure has a count" in errors_of(response)
