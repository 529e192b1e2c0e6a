import os

# Issue 12: tests keep the public lock bound (tests/test_outages.py holds a lock against it)
# but give statements a minute: creating, flushing and dropping the test database on a
# loaded machine can take longer than a public request may.
os.environ.setdefault("DB_STATEMENT_TIMEOUT", "60000")

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# The API's and pages' fetch plans raise on any lazy load (events/fetch_plans.py); throttles
# high enough for the suite (tests/api/test_errors_and_throttling.py lowers them to check
# 429 + Retry-After).
FETCH_PLANS_RAISE = True
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
}
# Issue 12: the pages' per-IP limits are off (their counter would add cache queries to every
# page's asserted query count); tests/test_throttling.py turns them on.
PAGE_THROTTLE_RATES = {}

# Issue 3: django-axes stays on in tests (tests/admin/test_login_throttling.py proves it), but
# Client.login() calls authenticate() without a request, which AxesStandaloneBackend refuses;
# this subclass lets such code-only logins through and still throttles every web login.
AUTHENTICATION_BACKENDS = [
    "tests.axes_backend.AxesBackendAllowingCodeLogin",
    "django.contrib.auth.backends.ModelBackend",
]

# Issue 5: no map tiles in tests (markers must show without them; no network needed).
MAP_TILE_URL = ""
SECURE_CSP = {**SECURE_CSP, "img-src": [CSP.SELF, "data:"]}  # noqa: F405

# Issue 13: nothing calls Wikidata in tests; the tests that need it point WIKIDATA_API_URL
# at tests/replay.py's local server, which replays stored responses.
WIKIDATA_API_URL = ""

# Issue 11: the HTTP layer's shared state (generation, Last-Modified) is this test run's own,
# so two runs at once (SQLite and PostgreSQL, two checkouts) never invalidate each other;
# the servers a run starts (tests/cluster) inherit its name, so they share one generation.
import os as _os  # noqa: E402
import tempfile as _tempfile  # noqa: E402

# Each pytest-xdist worker (PYTEST_XDIST_WORKER: gw0, gw1…) has its own test database, so
# its own cache too.
_run = _os.environ.setdefault("NEWSBASE_TEST_RUN", str(_os.getpid()))
_run += _os.environ.get("PYTEST_XDIST_WORKER", "")
if "KEY_PREFIX" in CACHES["http"]:  # noqa: F405  (Redis)
    CACHES["http"] = {**CACHES["http"], "KEY_PREFIX": f"newsbase-test-{_run}"}  # noqa: F405
    CACHES["rendered"] = CACHES["http"]  # noqa: F405
else:
    CACHES["http"] = {  # noqa: F405
        **CACHES["http"],  # noqa: F405
        "LOCATION": _tempfile.mkdtemp(prefix="newsbase-test-http-"),
    }

# On SQLite the test database is a file on tmpfs, not Django's shared in-memory database.
# With the in-memory one, the live server's request threads and the test's thread share a
# single sqlite3 connection, and a query that calls one of Django's Python SQL functions
# (dates, regexp) can deadlock with a thread holding the GIL while it waits for that
# connection: the whole process, Playwright's timeouts included, then stops for good (the
# SQLite pass of CI hung that way in tests/e2e/test_admin_workflow.py). A file gives every
# thread its own connection; WAL lets the server read while the test writes.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    _dir = "/dev/shm" if _os.path.isdir("/dev/shm") else _tempfile.gettempdir()
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": _os.path.join(_dir, f"newsbase-test-{_run}.sqlite3")
    }
    DATABASES["default"]["OPTIONS"] = {  # noqa: F405
        **DATABASES["default"].get("OPTIONS", {}),  # noqa: F405
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "timeout": 20,
    }

# Issue 15: the webhook tests deliver to a real HTTP server on loopback.
WEBHOOKS_ALLOW_LOOPBACK = True
