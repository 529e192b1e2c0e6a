# Varnish in front of newsbase's web replicas: one shared HTTP cache for every reader.
#
# It caches only what the app says may be cached (varnishd runs with a default TTL of 0):
# the app's Cache-Control decides freshness, its ETag answers conditional requests (304
# from the cache, and revalidation with the backends once an object is stale), and Vary is
# honoured as Varnish always does. Requests with a cookie or an Authorization header (an
# editor, an API token) and anything under /admin/ go to the app uncached (Varnish's
# built-in rules, kept below by falling through to them), so a draft an editor can see is
# never stored for anyone else.
#
# Purging by tag: the app names, in a `Surrogate-Key` header, the records a response shows;
# when a published record changes, it sends `PURGE /` with `xkey-purge: <keys>` and every
# cached response carrying one of those keys is dropped (xkey, from Debian's
# varnish-modules). Only addresses in the `purgers` ACL may purge.
#
# backends.vcl (included) defines the backends, their health probe, the `purgers` ACL and
# the round-robin director `web`: bench/cluster writes one for the loopback cluster,
# deploy/varnish/compose-backends.vcl is the one for docker-compose.yml.
vcl 4.1;

import std;
import xkey;

include "backends.vcl";

sub vcl_recv {
    set req.backend_hint = web.backend();

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is not allowed from this address"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "PURGE needs an xkey-purge header naming the keys"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone + " objects"));
    }

    if (req.url ~ "^/admin/") {
        return (pass);
    }
    # Everything else: Varnish's built-in vcl_recv (only GET/HEAD are cached; cookies and
    # Authorization pass).
}

sub vcl_backend_response {
    # xkey indexes objects by the `xkey` header; the app speaks Surrogate-Key.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # Keep stale objects an hour past their TTL so they can be revalidated with the
    # app's ETag (If-None-Match) instead of being fetched whole again.
    set beresp.keep = 1h;
    # A body of known size (every page and API answer: at most a few hundred KB) is
    # fetched whole before the reader gets its first byte. Streamed, a replica killed in
    # the middle of it left the reader with a cut-off 200; fetched whole, the failed fetch
    # goes to vcl_backend_error below, which tries the other replica.
    if (std.integer(beresp.http.Content-Length, 0) > 0
        && std.integer(beresp.http.Content-Length, 0) < 16777216) {
        set beresp.do_stream = false;
    }
}

sub vcl_backend_error {
    # A web replica that died or was restarted mid-request: a safe request is tried again
    # on the next backend of the round-robin instead of failing the reader.
    if (bereq.retries < 4 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
}

sub vcl_deliver {
    # The keys are for the cache, not for readers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
