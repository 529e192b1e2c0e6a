"""The read layer's tests use the pages' factory-built story (tests/pages/conftest.py)."""

from tests.pages.conftest import staff_client, story  # noqa: F401 (fixtures)
