"""API v1 routes, mounted at /api/v1/ (namespace ``api``)."""

from django.conf import settings
from django.urls import path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from . import changes, deleted, exports, geojson_views, views, webhooks
from .errors import not_found

app_name = "api"

# The documentation pages' bundles inject their own <style> elements (Redoc uses
# styled-components) and Redoc runs its search in a blob: worker. The site-wide policy
# (settings.SECURE_CSP) forbids both, so these two pages, which show only our own schema
# and no user content, relax exactly that; scripts still come only from our static files.
DOCS_CSP = {
    **settings.SECURE_CSP,
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "worker-src": [CSP.SELF, "blob:"],
    "img-src": [CSP.SELF, "data:"],
}

router = SimpleRouter()
router.register("events", views.EventViewSet, basename="event")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("locations", views.LocationViewSet, basename="location")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("deleted", deleted.DeletedViewSet, basename="deleted")
router.register("webhooks", webhooks.WebhookViewSet, basename="webhook")

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    *router.urls,
    *geojson_views.urlpatterns(),
    path("changes/", changes.ChangeFeedView.as_view(), name="changes"),
    path("exports/", exports.ExportListView.as_view(), name="exports"),
    path("exports/<str:name>/<str:file>", exports.ExportFileView.as_view(), name="export-file"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's start-up script is served as a separate file (split view), so the page
    # works under a Content Security Policy without inline scripts; assets come from the
    # drf-spectacular-sidecar static files, never a CDN.
    path(
        "docs/",
        csp_override(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path(
        "redoc/",
        csp_override(DOCS_CSP)(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
    # Any other path ending in "/" is a JSON 404; without the slash, APPEND_SLASH first
    # redirects (/api/v1/events → /api/v1/events/).
    re_path(r"^[\s\S]*/$", not_found, name="not-found"),  # any character, newlines too
    # A .geojson path that names no operation (a malformed slug) is a 404 too, not a
    # redirect to the same path with a slash appended.
    re_path(r"^[\s\S]*\.geojson$", not_found, name="not-found-geojson"),
]
