"""The editorial admin: one module per concept, all on the default admin site."""

from django.contrib import admin

from . import actors, articles, claims, editorial, events, locations, webhooks  # noqa: F401

admin.site.site_header = "newsbase editorial"
admin.site.site_title = "newsbase admin"
admin.site.index_title = "Events, actors, places, claims and their sources"
