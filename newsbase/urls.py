from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("events.api.urls")),  # issue 4: public JSON API
    path("", include("events.urls")),
]

# Issue 12: a database that is down, slow or locked answers 503 + Retry-After, not 500.
handler500 = "events.outages.server_error"
