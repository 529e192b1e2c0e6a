"""Wikidata in the admin, against a local replay of stored API answers (tests/data/wikidata)."""

import pytest
from django.urls import reverse

from events.models import Actor, ActorAlias, LocationAlias
from tests import factories as f
from tests.admin.conftest import form_data


@pytest.mark.django_db
def test_an_actor_is_looked_up_and_imported_with_labels_aliases_and_description(
    editor_client, wikidata_server
):
    for recorded in Actor.objects.filter(wikidata_qid="Q7747"):  # the Crocus record's
        recorded.wikidata_qid = None
        recorded.save()
    putin = f.ActorFactory(name="Vladimir Putin", kind="person", description="", status="draft")
    url = reverse("admin:events_actor_wikidata", args=[putin.pk])
    page = editor_client.get(url)
    assert [r["id"] for r in page.context["results"]] == ["Q7747"]
    response = editor_client.post(url, {"qid": "Q7747"})
    assert response.status_code == 302
    putin.refresh_from_db()
    assert (putin.wikidata_qid, putin.description) == ("Q7747", "President of Russia")
    aliases = set(ActorAlias.objects.filter(actor=putin).values_list("name", "language"))
    assert {("Владимир Путин", "ru"), ("Володимир Путін", "uk"), ("Wladimir Putin", "de")} <= (
        aliases
    )
    assert ("Putin", "en") in aliases
    # Refreshing adds nothing twice and keeps what the editor wrote.
    putin.description = "Written by an editor."
    putin.save()
    editor_client.post(url, {"qid": "Q7747"})
    putin.refresh_from_db()
    assert putin.description == "Written by an editor."
    assert ActorAlias.objects.filter(actor=putin).count() == len(aliases)


@pytest.mark.django_db
def test_a_place_import_brings_coordinates_time_zone_and_the_parent_chain(
    editor_client, wikidata_server
):
    nrw = f.LocationFactory(
        name="North Rhine-Westphalia", kind="region", status="draft", timezone=""
    )
    nrw.latitude = nrw.longitude = None
    nrw.save()
    editor_client.post(reverse("admin:events_location_wikidata", args=[nrw.pk]), {"qid": "Q1198"})
    nrw.refresh_from_db()
    assert (nrw.wikidata_qid, str(nrw.latitude), str(nrw.longitude)) == (
        "Q1198",
        "51.46667",
        "7.55000",
    )
    assert nrw.timezone == "Europe/Berlin"  # timezonefinder, from the coordinates
    germany = nrw.parent
    assert (germany.name, germany.kind, germany.wikidata_qid, germany.status) == (
        "Germany",
        "country",
        "Q183",
        "draft",
    )
    assert LocationAlias.objects.filter(location=germany, name="Deutschland").exists()
    assert LocationAlias.objects.filter(location=nrw, name="Nordrhein-Westfalen").exists()
    called = [c["action"] for c in wikidata_server.calls]
    assert called.count("wbgetentities") == 2  # the place and its parent, nothing more


@pytest.mark.django_db
def test_a_qid_that_does_not_exist_is_a_form_error(editor_client, wikidata_server):
    actor = f.ActorFactory(name="Vladimir Putin", kind="person", status="draft")
    Actor.objects.filter(wikidata_qid="Q7747").update(wikidata_qid=None)  # the Crocus record's
    url = reverse("admin:events_actor_change", args=[actor.pk])
    data = form_data(editor_client.get(url))
    data["wikidata_qid"] = "Q999999999"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Wikidata has no item Q999999999" in response.content.decode()
    actor.refresh_from_db()
    assert actor.wikidata_qid is None
    data["wikidata_qid"] = "Q7747"
    assert editor_client.post(url, data).status_code == 302  # it exists: saved
    actor.refresh_from_db()
    assert actor.wikidata_qid == "Q7747"


@pytest.mark.django_db
def test_when_wikidata_cannot_be_reached_the_qid_is_saved_and_the_page_says_so(
    editor_client, wikidata_down
):
    place = f.LocationFactory(name="Somewhere", status="draft")
    url = reverse("admin:events_location_change", args=[place.pk])
    data = form_data(editor_client.get(url))
    data["wikidata_qid"] = "Q1198"
    response = editor_client.post(url, data, follow=True)
    assert "Wikidata could not be reached, so Q1198 was saved without checking" in (
        response.content.decode()
    )
    place.refresh_from_db()
    assert place.wikidata_qid == "Q1198"
    lookup = editor_client.get(reverse("admin:events_location_wikidata", args=[place.pk]))
    assert "Wikidata could not be reached" in lookup.content.decode()


@pytest.mark.django_db
def test_with_wikidata_switched_off_nothing_is_called_and_no_button_shows(editor_client):
    actor = f.ActorFactory(name="Nobody", kind="person")
    page = editor_client.get(reverse("admin:events_actor_change", args=[actor.pk]))
    assert 'id="wikidata-link"' not in page.content.decode()
