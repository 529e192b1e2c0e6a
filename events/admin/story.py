"""*Publish with its story…* on an event: everything it needs, listed first, then published.

The page (``admin:events_event_publish_story``) lists, dependencies first, every draft or
row in review the event's story holds: the places up the hierarchy, the actors, the claims
and the reports. All are ticked; the publisher may untick some (a claim not ready yet) and
publishes the rest in one transaction (``events.services.story``). Publishers only.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from events.models import Event
from events.services import user_can_publish
from events.services.story import story_publish, story_unpublished


class StoryPublishMixin:
    change_form_template = "admin/events/event/story_change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.publish_story_view)
        return [
            path("<int:pk>/publish-story/", view, name="events_event_publish_story"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        context["can_publish_story"] = user_can_publish(request.user, Event)
        return super().render_change_form(request, context, add, change, **kwargs)

    def publish_story_view(self, request, pk: int):
        if not user_can_publish(request.user, Event):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=pk)
        items = story_unpublished(event=event)
        error = ""
        if request.method == "POST":
            keys = set(request.POST.getlist("publish"))
            try:
                published = story_publish(event=event, user=request.user, keys=keys)
            except ValidationError as exc:
                error = " ".join(exc.messages) + " Nothing was published."
            else:
                names = "; ".join(f"{o._meta.verbose_name} “{o}”" for o in published)
                self.message_user(
                    request, f"Published {len(published)}: {names}.", messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:events_event_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": Event._meta,
            "original": event,
            "title": f"Publish “{event}” with its story",
            "items": items,
            "chosen": set(request.POST.getlist("publish")) if error else None,
            "error": error,
        }
        return TemplateResponse(request, "admin/events/event/publish_story.html", context)
