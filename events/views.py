"""Reader pages: server-rendered, every line attributed, drafts only for staff.

Views stay thin: the fetch plans (and "as known on day D") live in ``events.selectors``.
"""

from functools import wraps

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import selectors
from .models import Event, SlugRedirect
from .search import search_site

EVENTS_PER_PAGE = 30
RELATION_LABELS = [
    ("supports", "Supports"),
    ("supported_by", "Supported by"),
    ("contradicts", "Contradicts, or is contradicted by"),
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
                new_slug = selectors.slug_redirect(kind, slug)
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
    events = Event.objects.visible_to(request.user).for_list()
    featured = list(events.filter(featured=True).order_by("-start")[:6])
    latest = list(events.exclude(pk__in=[e.pk for e in featured]).order_by("-start")[:20])
    return render(request, "events/home.html", {"featured": featured, "latest": latest})


@require_safe
def event_list(request):
    qs = Event.objects.visible_to(request.user).for_list().order_by("-start", "pk")
    filterset = selectors.EventPageFilter(request.GET or None, queryset=qs, user=request.user)
    if filterset.is_bound and not filterset.is_valid():
        return _bad_request(request, "Some filters are not valid.", filterset.clean_form_errors())
    paginator = Paginator(filterset.qs, EVENTS_PER_PAGE)
    page_number = request.GET.get("page") or 1
    try:
        page = paginator.page(page_number)
    except Exception:  # EmptyPage, PageNotAnInteger
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
        as_of = selectors.parse_as_of(request.GET.get("as_of"))
    except selectors.InvalidAsOf as exc:
        return _bad_request(request, str(exc), {"as_of": [str(exc)]})
    page = selectors.event_page(slug, request.user, as_of=as_of)
    response = render(
        request, "events/event_detail.html", {"page": page, "event": page.event, **_map_context()}
    )
    return _preview_headers(response, page.event)


@require_safe
@follow_merged_slug(SlugRedirect.Kind.ACTOR)
def actor_detail(request, slug):
    page = selectors.actor_page(slug, request.user)
    response = render(request, "events/actor_detail.html", {"page": page, "actor": page.actor})
    return _preview_headers(response, page.actor)


@require_safe
@follow_merged_slug(SlugRedirect.Kind.LOCATION)
def location_detail(request, slug):
    page = selectors.location_page(slug, request.user)
    response = render(
        request,
        "events/location_detail.html",
        {"page": page, "location": page.location, **_map_context()},
    )
    return _preview_headers(response, page.location)


@require_safe
def claim_detail(request, pk):
    page = selectors.claim_page(pk, request.user)
    response = render(
        request,
        "events/claim_detail.html",
        {"page": page, "claim": page.claim, "relation_labels": RELATION_LABELS},
    )
    return _preview_headers(response, page.claim)


@require_safe
@follow_merged_slug(SlugRedirect.Kind.ARTICLE)
def article_detail(request, slug):
    page = selectors.article_page(slug, request.user)
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


@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure makes the service unhealthy
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
