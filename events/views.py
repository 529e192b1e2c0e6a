"""Reader pages (minimal for now: issue 5 builds the full event page)."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from .models import Actor, Article, Claim, Event, Location, figure_series


def home(request):
    events = Event.objects.visible_to(request.user).for_list()[:20]
    return render(request, "events/home.html", {"events": events})


def event_detail(request, slug):
    event = get_object_or_404(
        Event.objects.visible_to(request.user).for_detail(request.user), slug=slug
    )
    claims = list(event.claims.all())
    return render(
        request,
        "events/event_detail.html",
        {"event": event, "claims": claims, "figures": figure_series(claims)},
    )


def actor_detail(request, slug):
    actor = get_object_or_404(Actor.objects.visible_to(request.user), slug=slug)
    return render(request, "events/actor_detail.html", {"actor": actor})


def location_detail(request, slug):
    location = get_object_or_404(Location.objects.visible_to(request.user), slug=slug)
    return render(request, "events/location_detail.html", {"location": location})


def claim_detail(request, pk):
    claim = get_object_or_404(Claim.objects.visible_to(request.user).for_list(), pk=pk)
    return render(request, "events/claim_detail.html", {"claim": claim})


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.visible_to(request.user), slug=slug)
    return render(request, "events/article_detail.html", {"article": article})


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure makes the service unhealthy
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
