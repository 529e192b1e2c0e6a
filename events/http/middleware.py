"""The outermost middleware: every public GET leaves with validators, caching rules and a
content coding; a conditional GET that matches gets a 304; anonymous readers are served
from the rendered-document cache (``events.cache``) while the record has not changed.

It sits first in ``MIDDLEWARE`` so the headers it sees (and keeps) are the final ones every
other middleware added (CSP, security headers), and a cached answer skips all of them.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.cache import patch_vary_headers

from events.api.throttling import AnonReadThrottle, add_rate_limit_headers, take
from events.cache import store
from events.cache.changes import ALL_KEY, collecting_reads
from events.throttling import Window

from . import policy
from .representation import Representation, choose_coding, compress


def api_read_counter(request) -> Window:
    """An anonymous API read's counter: an answer from the cache still counts against the
    client's read budget (once: DRF's throttle reuses a count taken here)."""
    request.user = AnonymousUser()  # AuthenticationMiddleware sets the real one later
    return AnonReadThrottle().window(request)


class HttpCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not policy.is_public_path(request.path):
            return self.get_response(request)
        cacheable = store.enabled() and policy.looks_anonymous(request)
        at_generation = None
        if cacheable:
            url_key = policy.url_key(request)
            counter = api_read_counter(request) if policy.is_api_path(request.path) else None
            found = store.lookup(url_key, counter)
            at_generation, entry = found.generation, found.entry
            allowed = True
            if counter is not None and (entry is not None or found.count is not None):
                # counted once: here, or by the lookup (then a miss's DRF throttle reuses it)
                allowed = take(request, counter, found.count).allowed
            if entry is not None and allowed:
                answer, new_coding = entry.respond(request, store.shared_max_age(at_generation))
                if new_coding:  # keep the newly compressed bytes for the next reader
                    store.save(url_key, at_generation, entry)
                return add_rate_limit_headers(request, answer)
        with collecting_reads() as tables:
            response = self.get_response(request)
        if not policy.is_shareable(request, response):
            return self.private(request, response)
        representation = Representation.from_response(
            request, response, keys=(ALL_KEY, *sorted(tables))
        )
        # (no generation read before the render: the one after it, later than the rows read,
        # which errs towards a shorter life)
        answer, _ = representation.respond(request, store.shared_max_age(at_generation))
        if cacheable:
            store.save(url_key, at_generation, representation)
        return add_rate_limit_headers(request, answer)

    def private(self, request, response):
        """Not for sharing: staff, previews, token holders, errors, anything with a secret."""
        patch_vary_headers(response, policy.vary_for(request.path))
        if policy.may_see_drafts(request) or policy.carries_secret(request, response):
            response["Cache-Control"] = policy.PRIVATE
        if response.status_code != 200 or response.streaming:
            return response
        if policy.carries_secret(request, response) or not policy.is_compressible(response):
            return response
        if len(response.content) < policy.MIN_COMPRESS_BYTES:
            return response
        coding = choose_coding(request)
        if coding:
            response.content = compress(response.content, coding)
            response["Content-Encoding"] = coding
            response["Content-Length"] = str(len(response.content))
        return response
