"""Reader pages. (Issue 5 fills these in; names are fixed so models can reverse() them.)"""

from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor-detail"),
    path("locations/<slug:slug>/", views.location_detail, name="location-detail"),
    path("claims/<int:pk>/", views.claim_detail, name="claim-detail"),
    path("articles/<slug:slug>/", views.article_detail, name="article-detail"),
    path("healthz", views.healthz, name="healthz"),
]
