"""Changelist and autocomplete search use events.search, so they agree with pages and API."""

import pytest
from django.urls import reverse

from events.models import ActorAlias, Claim
from events.search import search_queryset
from tests import factories as f


@pytest.fixture
def ivan_claims(db):
    ivan = f.ActorFactory(name="Ivan Testovych")
    ActorAlias.objects.create(actor=ivan, name="Іван Тестович", language="uk")
    said = f.ClaimFactory(speaker=ivan, text="Nothing to do with it.")
    f.ClaimFactory(text="Unrelated statement.")
    return ivan, said


@pytest.mark.django_db
def test_changelist_search_matches_the_search_service(admin_client, ivan_claims):
    _, said = ivan_claims
    # (An invented person, so the Crocus record does not add hits.)
    # The speaker's Ukrainian alias is not among the admin's own search_fields for claims:
    # only the shared search service knows to look there.
    response = admin_client.get(reverse("admin:events_claim_changelist"), {"q": "Іван Тестович"})
    found = {c.pk for c in response.context["cl"].result_list}
    assert found == {said.pk}
    assert found == set(
        search_queryset(Claim.objects.all(), "Іван Тестович").values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_autocomplete_uses_the_search_service(admin_client, ivan_claims):
    ivan, _ = ivan_claims
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Іван Тестович",
            "app_label": "events",
            "model_name": "claim",
            "field_name": "speaker",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(ivan.pk)]
