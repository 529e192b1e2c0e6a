"""API v1 routes, mounted at /api/v1/ (namespace ``api``)."""

from django.urls import path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from . import views
from .errors import not_found

app_name = "api"

router = SimpleRouter()
router.register("events", views.EventViewSet, basename="event")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("locations", views.LocationViewSet, basename="location")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("deleted", views.DeletedViewSet, basename="deleted")

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    *router.urls,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's start-up script is served as a separate file (split view), so the page
    # works under a Content Security Policy without inline scripts; assets come from the
    # drf-spectacular-sidecar static files, never a CDN.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"),
        name="redoc",
    ),
    # Any other path ending in "/" is a JSON 404; without the slash, APPEND_SLASH first
    # redirects (/api/v1/events → /api/v1/events/).
    re_path(r"^[\s\S]*/$", not_found, name="not-found"),  # any character, newlines too
]
