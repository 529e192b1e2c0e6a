"""/api/v1/events/: filters, the nested detail, as_of, fields/omit — against the Crocus record."""

import datetime as dt

import pytest

from events.models import Claim, Event, Metric, figure_series
from events.reads.as_of import AsOf
from tests.test_chronology import python_order

from .conftest import api_url, assert_error

pytestmark = pytest.mark.django_db
ATTACK = "crocus-city-hall-attack"


def slugs(response):
    assert response.status_code == 200, response.content
    return [e["slug"] for e in response.json()["results"]]


def walk(api, params) -> list[str]:
    """Every slug of the list, following its ``next`` links."""
    seen, url = [], api_url("event-list", params=params)
    while url:
        response = api.get(url)
        seen += slugs(response)
        url = response.json()["next"]
    return seen


@pytest.mark.parametrize("page_size", [2, 100])
def test_list_default_order_is_newest_first_in_reading_order(api, crocus, page_size):
    """Newest first as a reader expects (events.chronology): the day-precision events that
    followed the attack that day come before it, not at their midnight, on every page."""
    newest = walk(api, {"page_size": page_size})
    assert newest == python_order(list(Event.objects.public()))
    for later in ("islamic-state-claims-crocus-attack", "crocus-gunmen-detained"):
        assert newest.index(later) < newest.index(ATTACK)
    # ordering=start is the same reading order, oldest first; -start is the default
    assert walk(api, {"page_size": page_size, "ordering": "start"}) == newest[::-1]
    assert walk(api, {"page_size": page_size, "ordering": "-start"}) == newest


def test_location_filter_includes_places_inside(api, crocus):
    # The attack is at Crocus City Hall ⊂ Krasnogorsk ⊂ Moscow Oblast ⊂ Russia.
    for region in ("moscow-oblast", "russia", "krasnogorsk", "crocus-city-hall"):
        assert ATTACK in slugs(api.get(api_url("event-list", params={"location": region})))
    assert ATTACK not in slugs(api.get(api_url("event-list", params={"location": "ukraine"})))


def test_unknown_location_slug_is_a_400_naming_it(api, crocus):
    body = assert_error(
        api.get(api_url("event-list", params={"location": "atlantis"})), 400, "location"
    )
    assert "atlantis" in body["errors"]["location"][0]


def test_type_dates_parent_filters(api, crocus):
    attacks = slugs(api.get(api_url("event-list", params={"type": "attack"})))
    assert attacks == [ATTACK]
    on_day = slugs(
        api.get(api_url("event-list", params={"after": "2024-03-22", "before": "2024-03-22"}))
    )
    assert ATTACK in on_day
    assert ATTACK not in slugs(api.get(api_url("event-list", params={"after": "2024-03-23"})))
    assert ATTACK not in slugs(api.get(api_url("event-list", params={"before": "2024-03-21"})))
    children = slugs(api.get(api_url("event-list", params={"parent": ATTACK})))
    assert children and ATTACK not in children
    assert "crocus-gunmen-detained" in children
    assert_error(api.get(api_url("event-list", params={"type": "picnic"})), 400, "type")
    assert_error(api.get(api_url("event-list", params={"after": "22/03/2024"})), 400, "after")


def test_actor_and_role_match_the_same_participation(api, crocus):
    def events(**params):
        return slugs(api.get(api_url("event-list", params=params)))

    assert ATTACK in events(actor="islamic-state")
    assert ATTACK in events(actor="islamic-state", role="claimant")
    # Islamic State is a claimant, not a perpetrator, of the attack; IS-K is the perpetrator.
    assert ATTACK not in events(actor="islamic-state", role="perpetrator")
    assert ATTACK in events(actor="islamic-state-khorasan-province", role="perpetrator")
    assert ATTACK in events(role="victim")
    assert_error(api.get(api_url("event-list", params={"role": "hero"})), 400, "role")


def test_detail_nests_everything(api, crocus):
    data = api.get(api_url("event-detail", slug=ATTACK)).json()
    assert data["type"] == "attack"
    assert data["location"]["slug"] == "crocus-city-hall"
    assert [a["slug"] for a in data["location"]["ancestors"]] == [
        "krasnogorsk",
        "moscow-oblast",
        "russia",
    ]
    roles = {(p["actor"]["slug"], p["role"]) for p in data["participants"]}
    assert ("islamic-state", "claimant") in roles
    assert ("islamic-state-khorasan-province", "perpetrator") in roles
    assert all(p["source"]["slug"] for p in data["participants"])
    claim = next(
        c
        for c in data["claims"]
        if "133 attendees" in " ".join(s["passage"] or "" for s in c["sources"])
    )
    assert claim["speaker"]["slug"] == "investigative-committee"
    assert claim["figure"]["value"] == 133
    assert claim["assessment"] in {"confirmed", "corroborated", "unverified"}
    killed = next(f for f in data["figures"] if f["metric"] == "killed")
    assert killed["best"]["value"] == 149  # latest confirmed, not the largest (150 is false)
    values = [p["value"] for p in killed["series"]]
    assert 40 in values and 150 in values
    as_of = [p["as_of"] for p in killed["series"]]
    assert as_of == sorted(as_of)
    assert "crocus-gunmen-detained" in [e["slug"] for e in data["sub_events"]]
    assert any(r["event"]["slug"] for r in data["related_events"])
    assert data["as_of"] is None


def test_detail_contradicting_claims(api, crocus):
    data = api.get(api_url("event-detail", slug=ATTACK)).json()
    putin = Claim.objects.get(import_key="putin-window-ukraine")
    contradicted = [c for c in data["claims"] if c["contradicting_claims"]]
    assert contradicted
    by_id = {c["id"]: c for c in data["claims"]}
    speakers = {c["speaker"]["slug"] for c in by_id[putin.pk]["contradicting_claims"]}
    assert {"volodymyr-zelensky", "mykhailo-podolyak"} <= speakers
    relation_kinds = {r["relation"] for c in data["claims"] for r in c["related_claims"]}
    assert relation_kinds & {"contradicts", "contradicted_by"}


def test_as_of_23_march_death_toll_is_133(api, crocus):
    data = api.get(api_url("event-detail", slug=ATTACK, params={"as_of": "2024-03-23"})).json()
    assert data["as_of"] == "2024-03-23"
    killed = next(f for f in data["figures"] if f["metric"] == Metric.KILLED)
    assert killed["best"]["value"] == 133
    assert max(p["value"] for p in killed["series"] if p["assessment"] != "false") == 133
    # Only claims made by then (in Moscow time), sub-events that had started by then.
    assert all(c["made_at"] < "2024-03-24" for c in data["claims"])
    assert "crocus-verdict-2026-03-12" not in [e["slug"] for e in data["sub_events"]]
    # The same answer the model layer gives.
    claims = AsOf(dt.date(2024, 3, 23), crocus.tzinfo).claims(Claim.objects.filter(event=crocus))
    assert figure_series(list(claims))[Metric.KILLED]["best"].figure_value == 133


def test_as_of_earlier_day_and_bad_value(api, crocus):
    data = api.get(api_url("event-detail", slug=ATTACK, params={"as_of": "2024-03-22"})).json()
    killed = next(f for f in data["figures"] if f["metric"] == Metric.KILLED)
    assert killed["best"]["value"] == 40
    for bad in ("23-03-2024", "2024-02-30", "yesterday"):
        body = assert_error(
            api.get(api_url("event-detail", slug=ATTACK, params={"as_of": bad})), 400, "as_of"
        )
        assert bad in body["errors"]["as_of"][0]
    # as_of is not a list parameter of events.
    assert_error(api.get(api_url("event-list", params={"as_of": "2024-03-23"})), 400, "as_of")


def test_fields_and_omit_nested(api, crocus):
    url = api_url(
        "event-detail",
        slug=ATTACK,
        params={"fields": "slug,location.name,location.ancestors.slug,claims.speaker.name"},
    )
    data = api.get(url).json()
    assert set(data) == {"slug", "location", "claims"}
    # each object keeps its identity (id or slug) whatever the selection: the schema requires it
    assert set(data["location"]) == {"slug", "name", "ancestors"}
    assert data["location"]["ancestors"][0] == {"slug": "krasnogorsk"}
    assert all(set(c) == {"id", "speaker"} for c in data["claims"])
    assert all(set(c["speaker"]) == {"slug", "name"} for c in data["claims"])

    data = api.get(
        api_url("event-detail", slug=ATTACK, params={"omit": "claims,figures.series,summary"})
    ).json()
    assert "claims" not in data and "summary" not in data
    assert "series" not in data["figures"][0] and "best" in data["figures"][0]

    data = api.get(api_url("event-list", params={"fields": "slug,location.slug"})).json()
    assert all(set(e) <= {"slug", "location"} for e in data["results"])

    body = assert_error(
        api.get(api_url("event-detail", slug=ATTACK, params={"fields": "slug,location.nope"})),
        400,
        "fields",
    )
    assert "location.nope" in body["errors"]["fields"][0]
    assert_error(api.get(api_url("event-list", params={"omit": "claims"})), 400, "omit")
    omitted = assert_error(
        api.get(api_url("event-detail", slug=ATTACK, params={"omit": "location.slug"})),
        400,
        "omit",
    )
    assert omitted["errors"]["omit"] == [
        "“location.slug” identifies the object: it is always given."
    ]


@pytest.mark.parametrize("order", [1, -1])
def test_a_field_named_whole_stays_whole_beside_narrower_names(api, crocus, order):
    """fields=location,location.name is all of location, omit=figures,figures.series all of
    figures, whichever comes first (a narrower name once narrowed the whole one)."""
    whole = api.get(api_url("event-detail", slug=ATTACK)).json()
    fields = ",".join(["location", "location.name"][::order])
    data = api.get(api_url("event-detail", slug=ATTACK, params={"fields": fields})).json()
    assert data["location"] == whole["location"]
    omit = ",".join(["figures", "figures.series"][::order])
    data = api.get(api_url("event-detail", slug=ATTACK, params={"omit": omit})).json()
    assert "figures" not in data and "location" in data


def test_unknown_event_is_a_404_in_the_error_shape(api, crocus):
    body = assert_error(api.get(api_url("event-detail", slug="no-such-event")), 404)
    assert body["code"] == "not_found"
