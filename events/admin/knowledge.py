"""Article admin views for names the database does not know yet (issue 13).

Mixed into ``ArticleAdmin``: the Mentions page lists the suggestions beside the known
mentions (:meth:`SuggestionViews.suggestion_rows`), and one POST to
``admin:events_article_suggestion_create`` creates the actor or place pre-filled and
confirms its mentions.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import path, reverse

from events import gazetteer
from events.models import Location
from events.models.location import LocationKind
from events.reads.places import EVERY_PLACE, ancestors
from events.services.suggestions import article_suggest_names, suggestion_create
from events.suggest import extractor_for

CONTEXT_CHARS = 60
PLACE_KINDS = [
    (k, label) for k, label in LocationKind.choices if k not in ("country", "region", "city")
]


class SuggestionViews:
    """The suggestion rows of the Mentions page, and the view that creates one."""

    def suggestion_urls(self):
        return [
            path(
                "<path:object_id>/suggestions/create/",
                self.admin_site.admin_view(self.suggestion_create_view),
                name="events_article_suggestion_create",
            )
        ]

    @staticmethod
    def may_create(request) -> bool:
        return request.user.has_perms(
            ["events.add_actor", "events.add_location", "events.add_mention"]
        )

    def suggestion_context(self, request, article) -> dict:
        text = article.clean_text
        suggestions = article_suggest_names(article=article)
        places = {s.key: s.places() for s in suggestions if s.kind == "place"}
        parents = [
            (
                f"loc:{loc.pk}",
                " ⊂ ".join([loc.name, *(a.name for a in ancestors(loc, EVERY_PLACE))]),
            )
            for loc in Location._base_manager.filter(
                mentions__article=article, mentions__confirmed=True
            ).distinct()
        ]
        for matches in places.values():
            parents.extend((f"gaz:{p.key}", p.describe() + " (gazetteer)") for p in matches[:1])
        rows = [
            {
                "s": s,
                "before": text[max(0, s.start - CONTEXT_CHARS) : s.start],
                "after": text[s.end : s.end + CONTEXT_CHARS],
                "places": places.get(s.key, []),
            }
            for s in suggestions
        ]
        return {
            "suggestions": rows,
            "parent_choices": parents,
            "place_kinds": PLACE_KINDS,
            "extractor": extractor_for(article.language),
            "may_create": self.may_create(request),
            "create_url": reverse("admin:events_article_suggestion_create", args=[article.pk]),
        }

    def suggestion_create_view(self, request, object_id):
        article = self._article(request, object_id)
        if request.method != "POST" or not self.may_create(request):
            raise PermissionDenied
        back = reverse("admin:events_article_mentions", args=[article.pk])
        post = request.POST
        parent, gazetteer_key = None, post.get("gazetteer", "")
        try:
            with transaction.atomic():
                chosen = post.get("parent", "")
                if chosen.startswith("loc:") and chosen[4:].isdigit():
                    parent = Location._base_manager.filter(pk=chosen[4:]).first()
                elif chosen.startswith("gaz:"):
                    place = gazetteer.place_by_key(chosen[4:])
                    if place is None:
                        raise ValidationError("The gazetteer has no such place.")
                    from events.services.suggestions import location_from_gazetteer

                    parent = location_from_gazetteer(place=place, user=request.user)
                kind = post.get("location_kind") or LocationKind.OTHER
                if kind not in dict(PLACE_KINDS):
                    raise ValidationError("Choose what sort of place this is.")
                entity, confirmed = suggestion_create(
                    article=article,
                    key=post.get("key", ""),
                    user=request.user,
                    name=post.get("name", ""),
                    gazetteer_key=gazetteer_key,
                    parent=parent,
                    location_kind=kind,
                )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(back)
        label = entity._meta.verbose_name
        self.message_user(
            request,
            f"Created the {label} “{entity}” (draft) and confirmed {confirmed} mention(s).",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(back)
