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
