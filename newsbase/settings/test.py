from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# Issue 5: no map tiles in tests (markers must show without them; no network needed).
MAP_TILE_URL = ""
SECURE_CSP = {**SECURE_CSP, "img-src": [CSP.SELF, "data:"]}  # noqa: F405
