"""The fuzz corpus against the API and the reader pages: no input is a server error.

Every query in tests/fuzz/corpus.py goes through the real Django stack (the test client,
the Crocus record in the test database). A client error must be a 4xx in the API's error
shape (or the pages' 400 page); a 5xx or an exception anywhere fails, and the failure lists
every query that produced one. ``make test`` sends a fixed sample of each corpus,
``make fuzz`` all of it (tests/fuzz/corpus.py).
"""

import json

import pytest
from django.test import Client

from .corpus import api_queries, page_queries, query_group, sample

pytestmark = pytest.mark.django_db


def run(client, queries) -> tuple[list[str], dict[int, int]]:
    failures, statuses = [], {}
    for path, query in queries:
        url = f"{path}?{query}" if query else path
        try:
            response = client.get(url)
        except Exception as exc:  # any exception is a failure to report, not to stop on
            failures.append(f"{url[:160]} raised {type(exc).__name__}: {str(exc)[:200]}")
            continue
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            failures.append(f"{url[:160]} answered {response.status_code}")
        elif response.status_code >= 400 and path.startswith("/api/"):
            body = json.loads(response.content)
            if set(body) != {"status", "code", "detail", "errors"}:
                failures.append(f"{url[:160]}: error body {body!r:.200}")
    return failures, statuses


def test_the_corpus_is_large_enough():
    assert len(api_queries()) >= 500
    assert len(set(api_queries())) == len(api_queries())  # no padding with repeats


def test_no_api_query_is_a_server_error(crocus):
    queries = sample(api_queries(), query_group)
    failures, statuses = run(Client(), queries)
    assert not failures, "\n".join(failures)
    assert statuses.get(400, 0) > len(queries) // 3  # most of the corpus is refused
    assert statuses.get(200, 0) > 0  # and some of it (odd but valid values) is answered


def test_no_page_query_is_a_server_error(crocus):
    failures, statuses = run(Client(), sample(page_queries(), query_group))
    assert not failures, "\n".join(failures)
    assert statuses.get(400, 0) > 0
