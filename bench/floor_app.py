"""The WSGI floor: the least a Python web process can do to serve an endpoint's data.

``GET /floor/<endpoint-name>?<param>=<value>…`` runs that endpoint's floor SQL (from
``bench/endpoints.py``) with the query-string values as parameters (and ``base``, the
scheme and host for absolute URLs) and returns the JSON
document PostgreSQL built, unparsed. One connection per worker process, kept open, in
autocommit. Served by gunicorn with the same settings as the app, it is the fastest thing
that could serve the same bytes from the same database over the same HTTP stack.
"""

import os
from urllib.parse import parse_qs

import psycopg2
import psycopg2.extensions
import psycopg2.extras

from bench.endpoints import BY_NAME

_connection = None


def _cursor():
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg2.connect(os.environ["BENCH_FLOOR_DSN"])
        _connection.autocommit = True
        # Keep PostgreSQL's JSON as the text it sent: the floor never parses it.
        psycopg2.extras.register_default_json(_connection, loads=lambda text: text)
    return _connection.cursor()


def _reply(start_response, status: str, body: bytes, content_type: str):
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/floor/health":
        return _reply(start_response, "200 OK", b'{"status": "ok"}', "application/json")
    endpoint = BY_NAME.get(path.removeprefix("/floor/").strip("/"))
    if endpoint is None:
        return _reply(
            start_response, "404 Not Found", b'{"detail": "no such floor"}', "text/plain"
        )
    query = parse_qs(environ.get("QUERY_STRING", ""))
    params = {name: values[-1] for name, values in query.items()}
    # Absolute URLs as DRF builds them: the request's own scheme and host.
    params["base"] = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"
    missing = sorted(set(endpoint.floor_params) - set(params))
    if missing:
        body = f'{{"detail": "missing parameters: {", ".join(missing)}"}}'.encode()
        return _reply(start_response, "400 Bad Request", body, "application/json")
    try:
        cursor = _cursor()
        cursor.execute(endpoint.floor_sql, params)
        row = cursor.fetchone()
    except psycopg2.Error as exc:
        global _connection
        _connection = None
        return _reply(start_response, "500 Internal Server Error", str(exc).encode(), "text/plain")
    if row is None or row[0] is None:
        return _reply(
            start_response, "404 Not Found", b'{"detail": "Not found."}', "application/json"
        )
    return _reply(start_response, "200 OK", row[0].encode(), "application/json")
