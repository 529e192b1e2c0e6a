"""Sync tests read the API as a client would: a real DRF client, whose every response is
checked against the OpenAPI document (tests/api/contract.py)."""

import pytest

from tests.api.contract import ContractClient


@pytest.fixture
def api():
    return ContractClient()
