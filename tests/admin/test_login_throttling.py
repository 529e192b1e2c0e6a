"""django-axes locks a username out of the admin login after repeated wrong passwords."""

import pytest
from django.urls import reverse

from tests.admin.conftest import make_user


@pytest.mark.django_db
def test_admin_login_is_locked_after_five_failures(client, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    make_user("edna", "Editors")
    url = reverse("admin:login")
    for _ in range(4):
        response = client.post(url, {"username": "edna", "password": "guess"})
        assert response.status_code == 200  # the ordinary "wrong password" form
    locked = client.post(url, {"username": "edna", "password": "guess"})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    # Even the right password is refused while locked out.
    right = client.post(url, {"username": "edna", "password": "edna-pass-1234"})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_correct_login_works_and_client_login_is_not_blocked(client):
    make_user("edna", "Editors")
    response = client.post(
        reverse("admin:login"), {"username": "edna", "password": "edna-pass-1234"}
    )
    assert response.status_code == 302
    assert client.login(username="edna", password="edna-pass-1234")
