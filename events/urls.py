"""Reader pages, feeds, sitemap, robots.txt and the health check (namespace ``events``)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .feeds import LatestEventsAtom, LatestEventsRss
from .sitemaps import SITEMAPS

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("events/", views.event_list, name="event-list"),
    path("events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor-detail"),
    path("locations/<slug:slug>/", views.location_detail, name="location-detail"),
    path("claims/<int:pk>/", views.claim_detail, name="claim-detail"),
    path("articles/<slug:slug>/", views.article_detail, name="article-detail"),
    path("search/", views.search, name="search"),
    path("feeds/events.atom", LatestEventsAtom(), name="feed-atom"),
    path("feeds/events.rss", LatestEventsRss(), name="feed-rss"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
]
