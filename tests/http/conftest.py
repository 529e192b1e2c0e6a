"""A small published story behind a real HTTP server (live_server), read with requests."""

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client

from tests.pages.conftest import build_story


@pytest.fixture
def story(db):
    return build_story()


@pytest.fixture
def http(live_server):
    """A requests session against the live server; ``http.url(path)`` makes the address."""
    session = requests.Session()
    session.headers["Accept-Encoding"] = "identity"
    session.url = lambda path: f"{live_server.url}{path}"
    yield session
    session.close()


@pytest.fixture
def staff_http(live_server, transactional_db):
    """A requests session logged in as a staff member (the admin's session cookie)."""
    user = get_user_model().objects.create_user("staffer", password="pw", is_staff=True)
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.headers["Accept-Encoding"] = "identity"
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.url = lambda path: f"{live_server.url}{path}"
    yield session
    session.close()


@pytest.fixture
def staff_client(db):
    """A logged-in staff member (username "staff") with the Django test client."""
    user = get_user_model().objects.create_user("staff", password="pw", is_staff=True)
    client = Client()
    client.force_login(user)
    return client
