"""Reader pages: server-rendered, every line attributed, drafts only for staff.

Views stay thin: what each page shows (and "as known on day D") comes from the read layer,
``events.reads``.
"""

from functools import wraps

from django.conf import settings
from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from newsbase.cache import cache_available, cache_is_redis

from . import outages
from .models import SlugRedirect
from .reads import actors, articles, claims, common, events, lists, locations
from .reads.as_of import AsOf, InvalidAsOf
from .search import search_site

EVENTS_PER_PAGE = 30
RELATION_LABELS = [
    ("supports", "Supports"),
    ("supported_by", "Supported by"),
    ("contradicts", "Contradicts, or is contradicted by"),  # both directions (reads.claims)
    ("updates", "Updates"),
    ("updated_by", "Updated by"),
]


def _bad_request(request, message: str, errors: dict | None = None):
    return render(
        request,
        "events/bad_request.html",
        {"message": message, "errors": errors or {}},
        status=400,
    )


def follow_merged_slug(kind: str):
    """A detail view's 404 for an old (merged or renamed) slug becomes a 301 to the new one."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            try:
                return view(request, slug, *args, **kwargs)
            except Http404:
                new_slug = common.slug_redirect(kind, slug)
                if new_slug is None:
                    raise
                url = reverse(request.resolver_match.view_name, kwargs={"slug": new_slug})
                if request.META.get("QUERY_STRING"):
                    url = f"{url}?{request.META['QUERY_STRING']}"
                return redirect(url, permanent=True)

        return wrapper

    return decorator


def _preview_headers(response, obj):
    """Staff previews of unpublished rows are private and never indexed."""
    if not obj.is_public:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
    return response


def _map_context():
    return {"tile_url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}


@require_safe
def home(request):
    featured, latest = lists.home(request.user)
    return render(request, "events/home.html", {"featured": featured, "latest": latest})


@require_safe
def event_list(request):
    qs = lists.event_list(request.user)
    filterset = lists.EventPageFilter(request.GET or None, queryset=qs, user=request.user)
    if filterset.is_bound and not filterset.is_valid():
        return _bad_request(request, "Some filters are not valid.", filterset.clean_form_errors())
    paginator = lists.EventPaginator(filterset.qs, EVENTS_PER_PAGE)
    page_number = request.GET.get("page") or 1
    try:
        page = paginator.page(page_number)
    except InvalidPage:  # EmptyPage, PageNotAnInteger; a database error is not a bad page
        return _bad_request(request, f"There is no page “{str(page_number)[:20]}”.")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/event_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


@require_safe
@follow_merged_slug(SlugRedirect.Kind.EVENT)
def event_detail(request, slug):
    try:
        as_of = AsOf.parse(request.GET.get("as_of"))
    except InvalidAsOf as exc:
        return _bad_request(request, str(exc), {"as_of": [str(exc)]})
    page = events.event_page(slug, request.user, as_of=as_of)
    response = render(
        request, "events/event_detail.html", {"page": page, "event": page.event, **_map_context()}
    )
    return _preview_headers(response, page.event)


@require_safe
@follow_merged_slug(SlugRedirect.Kind.ACTOR)
def actor_detail(request, slug):
    page = actors.actor_page(slug, request.user)
    response = render(request, "events/actor_detail.html", {"page": page, "actor": page.actor})
    return _preview_headers(response, page.actor)


@require_safe
@follow_merged_slug(SlugRedirect.Kind.LOCATION)
def location_detail(request, slug):
    page = locations.location_page(slug, request.user)
    response = render(
        request,
        "events/location_detail.html",
        {"page": page, "location": page.location, **_map_context()},
    )
    return _preview_headers(response, page.location)


@require_safe
def claim_detail(request, pk):
    page = claims.claim_page(pk, request.user)
    response = render(
        request,
        "events/claim_detail.html",
        {"page": page, "claim": page.claim, "relation_labels": RELATION_LABELS},
    )
    return _preview_headers(response, page.claim)


@require_safe
@follow_merged_slug(SlugRedirect.Kind.ARTICLE)
def article_detail(request, slug):
    page = articles.article_page(slug, request.user)
    response = render(
        request, "events/article_detail.html", {"page": page, "article": page.article}
    )
    return _preview_headers(response, page.article)


@require_safe
def search(request):
    query = request.GET.get("q", "")
    results = search_site(query, user=request.user) if query.strip() else None
    return render(request, "events/search.html", {"q": query, "results": results})


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /search/",
        "Disallow: /*?as_of=",
        f"Sitemap: {request.build_absolute_uri(reverse('events:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def livez(request):
    """Liveness for the HTTP cache's probe: this process answers. No database: whether
    reads can be served is the replica router's business (a restarting primary must not
    take every web replica out of the cache's rotation)."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


# /healthz answers within 2 s whatever the database does: the database probe gets this long,
# the cache's ping at most its socket timeouts (0.5 s each) after it.
HEALTH_DATABASE_SECONDS = 1.2


@require_safe
def healthz(request):
    """The database and the cache, each "ok" or "unavailable"; no internal detail.

    200 "ok"; 200 "degraded" when only the cache is down (the site serves without it);
    503 "unavailable" + Retry-After when the database is.
    """
    database = outages.database_available(timeout=HEALTH_DATABASE_SECONDS)
    # A database cache is the database: not asked when the database is down.
    cache = cache_available() if database or cache_is_redis() else False
    body = {
        "status": "ok" if database and cache else "degraded" if database else "unavailable",
        "database": "ok" if database else "unavailable",
        "cache": "ok" if cache else "unavailable",
    }
    response = JsonResponse(body, status=200 if database else 503)
    response["Cache-Control"] = "no-store"
    if not database:
        response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
    return response
