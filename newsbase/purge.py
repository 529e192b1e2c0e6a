"""Purging the HTTP cache in front of the app (Varnish with xkey) by surrogate key.

``purge_keys(["event-12", ...])`` sends ``PURGE /`` with an ``xkey-purge`` header to each
URL in ``HTTP_CACHE_PURGE_URLS`` (every Varnish node); each drops the cached responses whose
``Surrogate-Key`` named one of the keys (deploy/varnish/newsbase.vcl). It is called after the
write commits, so the next request fetches the new version. A cache that cannot be reached
is logged and skipped: its copies then expire by their own max-age.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Iterable

from django.conf import settings

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 2
# Varnish reads one header; keep it well under its default 8 KiB limit.
MAX_HEADER_LENGTH = 4000


def purge_keys(keys: Iterable[str]) -> int:
    """Purge ``keys`` from every configured cache; the number of purge requests that worked."""
    keys = sorted({key for key in keys if key})
    done = 0
    if not keys:
        return done
    for url in settings.HTTP_CACHE_PURGE_URLS:
        for header in _batches(keys):
            request = urllib.request.Request(url, method="PURGE", headers={"xkey-purge": header})
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                    response.read()
                done += 1
            except (OSError, urllib.error.HTTPError) as exc:
                logger.warning("could not purge %s from %s: %s", header, url, exc)
    return done


def _batches(keys: list[str]) -> Iterable[str]:
    batch: list[str] = []
    for key in keys:
        if batch and len(" ".join([*batch, key])) > MAX_HEADER_LENGTH:
            yield " ".join(batch)
            batch = []
        batch.append(key)
    if batch:
        yield " ".join(batch)
