"""Which responses are public, for how long, and which request headers their bodies depend on.

One rule in one place: the middleware, the rendered-document cache and the tests read these.
"""

import hashlib

from django.conf import settings

# Paths that are not public reads: the admin, static files (WhiteNoise sets its own
# headers), and the health check (never cached: a load balancer must see the live state).
NOT_PUBLIC_PREFIXES = ("/admin/", "/static/", "/healthz")

# The API negotiates its format (JSON, GeoJSON) on Accept, authenticates with tokens
# (Authorization) or the admin's session (Cookie) and answers cross-origin reads with CORS
# headers (Origin, django-cors-headers); pages depend on the session only.
API_VARY = ("Accept", "Accept-Encoding", "Authorization", "Cookie", "Origin")
PAGE_VARY = ("Accept-Encoding", "Cookie")

# Media types worth compressing (text); images and archives are compressed already.
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/geo+json",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "application/javascript",
    "application/vnd.oai.openapi",
)
MIN_COMPRESS_BYTES = 200

PRIVATE = "private, no-store"


def is_public_path(path: str) -> bool:
    return not path.startswith(NOT_PUBLIC_PREFIXES)


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")


def vary_for(path: str) -> tuple[str, ...]:
    return API_VARY if is_api_path(path) else PAGE_VARY


def url_key(request) -> str:
    """What a public body is keyed by: the address (scheme, host, path, query) and, for the
    API, the Accept header it negotiates on and the Origin its CORS headers answer
    (anonymous requests only reach here)."""
    parts = [request.scheme, request.get_host(), request.get_full_path()]
    if is_api_path(request.path):
        parts.append(request.META.get("HTTP_ACCEPT", ""))
        parts.append(request.META.get("HTTP_ORIGIN", ""))
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def public_cache_control(max_age: int | None = None) -> str:
    max_age = settings.HTTP_CACHE_MAX_AGE if max_age is None else max_age
    return (
        f"public, max-age={max_age}, "
        f"stale-while-revalidate={settings.HTTP_CACHE_STALE_WHILE_REVALIDATE}"
    )


def looks_anonymous(request) -> bool:
    """Before authentication: no credentials and no cookie but the CSRF one.

    Only such requests are served from, or written into, the rendered-document cache; a
    session cookie (staff), a token (API editors) or any other cookie renders afresh.
    """
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return all(name == settings.CSRF_COOKIE_NAME for name in request.COOKIES)


def may_see_drafts(request) -> bool:
    """Staff, editors and token holders: their responses may hold drafts, so stay private.

    Any authenticated user counts (the API shows drafts to staff, a token is a staff
    member's), and so does any request that presents credentials at all.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    return "HTTP_AUTHORIZATION" in request.META


def carries_secret(request, response) -> bool:
    """A response that holds a CSRF token or sets a cookie is never shared nor compressed.

    Compressing a secret beside text an attacker can reflect leaks it (BREACH); sharing it
    hands one reader's token to the next.
    """
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE")) or bool(response.cookies)


def is_shareable(request, response) -> bool:
    """A 200 anyone may be served: anonymous, not a preview, no secret in it."""
    if response.status_code != 200 or response.streaming:
        return False
    if may_see_drafts(request) or carries_secret(request, response):
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control


def is_compressible(response) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return content_type.startswith(COMPRESSIBLE_TYPES) and not response.has_header(
        "Content-Encoding"
    )
