"""A changelist costs the same number of queries with 1 row or 16 (no N+1 in any column)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.admin.cast import build_cast
from tests.admin.test_pages import MODEL_NAMES


@pytest.mark.django_db
@pytest.mark.parametrize("name", MODEL_NAMES)
def test_changelist_query_count_is_constant(admin_client, django_assert_max_num_queries, name):
    url = reverse(f"admin:events_{name}_changelist")
    build_cast(0)
    admin_client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as baseline:
        assert admin_client.get(url).status_code == 200
    for n in range(1, 16):
        build_cast(n)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 2
