"""One rendered public body with its validators, and its answer to each request.

A ``Representation`` is built once from the response a view rendered, may be stored in the
rendered-document cache (``events.cache``), and answers every later request for the same
URL: picks the content coding the client accepts (brotli, gzip or none, each compressed
once and kept), gives each coding its own strong ETag (different bytes, different tag), and
turns a matching ``If-None-Match`` / ``If-Modified-Since`` into a 304.
"""

import gzip
import hashlib
import math
import time
from dataclasses import dataclass, field

import brotli
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from events.cache.changes import CACHE_ERRORS

from . import policy

# Set per request from the representation, never copied from the rendered response; the
# RateLimit-* fields are the client's own (events.api.throttling sets them on every answer).
OWN_HEADERS = {
    "content-length",
    "content-encoding",
    "etag",
    "last-modified",
    "cache-control",
    "expires",
    "vary",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
}
BROTLI_QUALITY = 5  # brotli's fast levels still beat gzip -9; 11 costs ~50x the time
GZIP_LEVEL = 6
SEEN_TIMEOUT = 60 * 60 * 24 * 30


def last_modified(url_key: str, digest: str) -> int:
    """When the bytes served at this URL last changed (whole seconds): its Last-Modified.

    Kept in the shared cache per URL, so every worker gives the same date for the same
    bytes, a body re-rendered identically after an unrelated write keeps its date, and a
    new body always gets a later date than the one it replaces, even within the same
    second (HTTP dates are whole seconds; it may then run a second or so ahead of the clock).
    """
    cache = caches["http"]
    key = f"lm:{url_key}"
    date = math.ceil(time.time())
    try:
        seen = cache.get(key)
        if seen is not None and seen[0] == digest:
            return seen[1]
        if seen is not None:
            date = max(date, seen[1] + 1)
        cache.set(key, (digest, date), SEEN_TIMEOUT)
    except CACHE_ERRORS:  # unreachable (logged by events.cache): now is a safe date
        pass
    return date


def accepted_codings(request) -> set[str]:
    """The content codings the client accepts (q > 0), from Accept-Encoding."""
    accepted = set()
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        params = params.strip().replace(" ", "")
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        if name and q > 0:
            accepted.add(name.strip().lower())
    return accepted


def choose_coding(request) -> str | None:
    """Brotli when the client takes it, else gzip, else none."""
    accepted = accepted_codings(request)
    for coding in ("br", "gzip"):
        if coding in accepted:
            return coding
    return None


def compress(body: bytes, coding: str) -> bytes:
    if coding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY)
    # mtime=0: the same body always compresses to the same bytes (and the same ETag)
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


@dataclass
class Representation:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    digest: str
    last_modified: int
    vary: tuple[str, ...]
    compressible: bool
    keys: tuple[str, ...] = ()
    encoded: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def from_response(cls, request, response, keys=()) -> "Representation":
        body = response.content
        digest = hashlib.blake2b(body, digest_size=16).hexdigest()
        return cls(
            status=response.status_code,
            headers=[(k, v) for k, v in response.items() if k.lower() not in OWN_HEADERS],
            body=body,
            digest=digest,
            last_modified=last_modified(policy.url_key(request), digest),
            vary=policy.vary_for(request.path),
            compressible=policy.is_compressible(response)
            and len(body) >= policy.MIN_COMPRESS_BYTES,
            keys=tuple(keys),
        )

    def etag(self, coding: str | None) -> str:
        return f'"{self.digest}-{coding}"' if coding else f'"{self.digest}"'

    def choose_coding(self, request) -> str | None:
        return choose_coding(request) if self.compressible else None

    def body_for(self, coding: str | None) -> tuple[bytes, bool]:
        """The bytes for ``coding``, and whether they were compressed just now."""
        if coding is None:
            return self.body, False
        if coding in self.encoded:
            return self.encoded[coding], False
        self.encoded[coding] = compress(self.body, coding)
        return self.encoded[coding], True

    def respond(self, request, max_age: int | None = None) -> tuple[HttpResponse, bool]:
        """The response for ``request`` (maybe a 304), and whether a new coding was made;
        shared caches may keep it ``max_age`` seconds (default HTTP_CACHE_MAX_AGE)."""
        coding = self.choose_coding(request)
        body, new_coding = self.body_for(coding)
        response = HttpResponse(body, status=self.status)
        for name, value in self.headers:
            response[name] = value
        if coding:
            response["Content-Encoding"] = coding
        response["Content-Length"] = str(len(body))
        response["ETag"] = self.etag(coding)
        response["Last-Modified"] = http_date(self.last_modified)
        response["Cache-Control"] = policy.public_cache_control(max_age)
        patch_vary_headers(response, self.vary)
        if self.keys:
            response["Surrogate-Key"] = " ".join(self.keys)
        conditional = get_conditional_response(
            request, etag=response["ETag"], last_modified=self.last_modified, response=response
        )
        return conditional, new_coding
