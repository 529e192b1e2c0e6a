"""Article admin views that record a story from a report (issue 13): the event, then claims.

Mixed into ``ArticleAdmin``. After the Mentions page, *Record the event* offers a form
pre-filled from the report (its headline, its date, the most specific place it names) with
one role menu per actor it names: one POST creates the draft event and its participations,
sourced to the report (``admin:events_article_record_event``). On the Quote page the passage
can be saved at once as a claim of a chosen event, speaker and kind, said on the report's
day, and a figure with its number (:meth:`DeskViews.record_claim`): no claim form to fill.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from events.models import (
    Actor,
    ClaimKind,
    Event,
    EventType,
    Location,
    Metric,
    Mode,
    Qualifier,
    Role,
)
from events.reads.places import EVERY_PLACE, ancestors
from events.services.desk import claim_record, event_add_participants, event_record

from .forms import may_change


def confirmed_actors(article):
    confirmed = Actor._base_manager.filter(mentions__article=article, mentions__confirmed=True)
    return confirmed.distinct()


def confirmed_places(article) -> list[Location]:
    """The places the article is confirmed to name, the most specific (deepest) first."""
    places = list(
        Location._base_manager.filter(mentions__article=article, mentions__confirmed=True)
        .distinct()
        .select_related("parent__parent__parent")
    )
    return sorted(places, key=lambda p: (-len(ancestors(p, EVERY_PLACE)), p.name))


def place_names(place) -> list[str]:
    """The names of the places ``place`` lies in, nearest first (one query)."""
    return [a.name for a in ancestors(place, EVERY_PLACE)]


def events_for(article):
    """Events a claim in ``article`` is likely about: those it already sources, those at a
    place it names, newest first."""
    places = Location._base_manager.filter(mentions__article=article, mentions__confirmed=True)
    return (
        Event._base_manager.filter(
            Q(participations__source=article)
            | Q(claims__sources__article=article)
            | Q(location__in=places)
            | Q(location__parent__in=places)
        )
        .distinct()
        .order_by("-start")
    )


class RecordEventForm(forms.Form):
    existing = forms.ModelChoiceField(
        queryset=Event._base_manager.none(),
        required=False,
        empty_label="(a new event)",
        label="Event",
        help_text="A new event, or one already recorded that this report is about too (then "
        "only its participants below are added).",
    )
    title = forms.CharField(max_length=300, required=False, help_text="Short factual title.")
    event_type = forms.ChoiceField(choices=EventType.choices, label="Type")
    day = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    clock = forms.TimeField(
        required=False,
        label="Local time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="In the place's time zone, as the report gives it. Leave empty if only the "
        "day is known.",
    )
    location = forms.ModelChoiceField(
        queryset=Location._base_manager.none(), required=False, label="Where"
    )
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, article, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existing"].queryset = events_for(article)
        places = confirmed_places(article)
        self.fields["location"].queryset = Location._base_manager.filter(
            pk__in=[p.pk for p in places]
        )
        self.fields["location"].choices = [("", "(not given)")] + [
            (
                p.pk,
                f"{' ⊂ '.join([p.name, *place_names(p)])} ({p.timezone})",
            )
            for p in places
        ]
        self.initial.setdefault("title", article.headline)
        self.initial.setdefault("day", article.published_on)
        if places:
            self.initial.setdefault("location", places[0].pk)
        self.actors = list(confirmed_actors(article))
        for actor in self.actors:
            self.fields[f"role_{actor.pk}"] = forms.ChoiceField(
                choices=[("", "— not a participant —"), *Role.choices],
                required=False,
                label=actor.name,
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("existing") is None:
            for name in ("title", "day"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, "This field is required for a new event.")
        elif not self.participants():
            self.add_error(None, "Give at least one participant to add to the event.")
        return cleaned

    def role_fields(self):
        return [self[f"role_{actor.pk}"] for actor in self.actors]

    def participants(self) -> list[tuple[Actor, str]]:
        return [
            (actor, self.cleaned_data[f"role_{actor.pk}"])
            for actor in self.actors
            if self.cleaned_data.get(f"role_{actor.pk}")
        ]


class DeskViews:
    """Record the event from the report; save a quoted passage as a claim at once."""

    def desk_urls(self):
        return [
            path(
                "<path:object_id>/record-event/",
                self.admin_site.admin_view(self.record_event_view),
                name="events_article_record_event",
            )
        ]

    def record_event_view(self, request, object_id):
        article = self._article(request, object_id)
        if not request.user.has_perms(["events.add_event", "events.add_participation"]):
            raise PermissionDenied
        form = RecordEventForm(request.POST or None, article=article)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                locked = data["existing"] is not None and not may_change(
                    request.user, data["existing"]
                )
                if locked:
                    raise ValidationError(
                        "That event is published: only publishers add to it (propose the "
                        "change instead)."
                    )
                if data["existing"] is not None:
                    event = data["existing"]
                    event_add_participants(
                        event=event,
                        article=article,
                        participants=form.participants(),
                        user=request.user,
                    )
                else:
                    event = event_record(
                        article=article,
                        title=data["title"],
                        event_type=data["event_type"],
                        day=data["day"],
                        clock=data["clock"],
                        location=data["location"],
                        participants=form.participants(),
                        summary=data["summary"],
                        user=request.user,
                    )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                self.message_user(
                    request,
                    f"Recorded the event “{event}” with "
                    f"{len(form.participants())} participant(s). Now quote its claims.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:events_article_quote", args=[article.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Record the event “{article}” reports",
            "article": article,
            "form": form,
        }
        return TemplateResponse(request, "admin/events/article/record_event.html", context)

    def quote_context(self, article) -> dict:
        return {
            "events": events_for(article)[:20],
            "claim_kinds": ClaimKind.choices,
            "modes": Mode.choices,
            "metrics": Metric.choices,
            "qualifiers": Qualifier.choices,
        }

    def record_claim(self, request, article, passage: str, start: int, end: int):
        """Save the located passage as a draft claim now (the quote form's second button)."""
        if not request.user.has_perms(["events.add_claim", "events.add_claimsource"]):
            raise PermissionDenied
        post = request.POST
        event = events_for(article).filter(pk=_int(post.get("event"))).first()
        speaker = confirmed_actors(article).filter(pk=_int(post.get("speaker"))).first()
        if event is None or speaker is None:
            raise ValidationError("Choose the event and the speaker to save the claim now.")
        kind = post.get("kind", "")
        mode = post.get("mode", Mode.QUOTE)
        if kind not in ClaimKind.values or mode not in Mode.values:
            raise ValidationError("Choose what sort of claim it is.")
        if article.published_on is None:
            raise ValidationError("The report has no date: open the claim form instead.")
        figure = None
        if kind == ClaimKind.FIGURE:
            figure = {
                "metric": post.get("figure_metric", ""),
                "qualifier": post.get("figure_qualifier", ""),
                "value": _int(post.get("figure_value")),
            }
        claim = claim_record(
            article=article,
            passage=passage,
            start=start,
            end=end,
            event=event,
            speaker=speaker,
            kind=kind,
            mode=mode,
            day=article.published_on,
            figure=figure,
            user=request.user,
        )
        self.message_user(
            request,
            f"Saved the {claim.get_kind_display().lower()} by {speaker} as a draft claim of "
            f"“{event}”. Select the next passage.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(request.path)


def _int(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None
