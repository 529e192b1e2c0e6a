from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("events.api.urls")),  # issue 4: public JSON API
    path("", include("events.urls")),
]
