"""Editors propose changes to published records; publishers accept or reject them.

:class:`ProposeMixin` gives every public entity's change form, for someone who may not
change it (an editor on published content), a *Propose a change…* button
(``admin:events_<model>_propose``): an alias, a participant or a correction of its text, with
the reason. ``ProposalAdmin`` (in ``editorial.py``) lists the proposals; a publisher opens
one and accepts it (applied by ``events.services.proposals`` with a note for readers) or
rejects it.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from events.models import (
    Actor,
    Article,
    Event,
    Location,
    Participation,
    ProposalKind,
    Role,
)
from events.services import user_can_publish
from events.services.proposals import CORRECTABLE, proposal_create


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(choices=ProposalKind.choices)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Why, and where it comes from. The publisher may use it as the note for "
        "readers.",
    )
    alias_name = forms.CharField(required=False, label="Alias")
    alias_language = forms.CharField(required=False, label="Its language", max_length=16)

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        kinds = [ProposalKind.CORRECTION]
        if isinstance(target, Actor | Location):
            kinds.insert(0, ProposalKind.ALIAS)
        if isinstance(target, Event):
            kinds.insert(0, ProposalKind.PARTICIPATION)
            site = admin.site
            self.fields["actor"] = forms.ModelChoiceField(
                Actor._base_manager.all(),
                required=False,
                widget=AutocompleteSelect(Participation._meta.get_field("actor"), site),
            )
            self.fields["role"] = forms.ChoiceField(
                choices=[("", "—"), *Role.choices], required=False
            )
            self.fields["source"] = forms.ModelChoiceField(
                Article._base_manager.all(),
                required=False,
                widget=AutocompleteSelect(Participation._meta.get_field("source"), site),
            )
            self.fields["passage"] = forms.CharField(
                required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
        self.fields["kind"].choices = [(k, ProposalKind(k).label) for k in kinds]
        for name in CORRECTABLE.get(target._meta.model_name, ()):
            model_field = target._meta.get_field(name)
            field = model_field.formfield()
            field.required = False
            field.initial = getattr(target, name)
            self.fields[f"fix_{name}"] = field
        if "alias_language" in self.fields and isinstance(target, Actor | Location):
            self.fields["alias_language"].initial = "en"

    def changes(self) -> dict:
        data, kind = self.cleaned_data, self.cleaned_data["kind"]
        if kind == ProposalKind.ALIAS:
            return {"name": data.get("alias_name", ""), "language": data.get("alias_language", "")}
        if kind == ProposalKind.PARTICIPATION:
            return {
                "actor": data["actor"].pk if data.get("actor") else None,
                "role": data.get("role", ""),
                "source": data["source"].pk if data.get("source") else None,
                "passage": data.get("passage", ""),
            }
        return {
            name: data[f"fix_{name}"]
            for name in CORRECTABLE.get(self.target._meta.model_name, ())
            if data.get(f"fix_{name}") not in (None, "")
            and data[f"fix_{name}"] != getattr(self.target, name)
        }


class ProposeMixin:
    """The *Propose a change…* view of a public entity's admin."""

    def get_urls(self):
        name = f"events_{self.model._meta.model_name}_propose"
        view = self.admin_site.admin_view(self.propose_view)
        return [path("<int:pk>/propose/", view, name=name), *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        obj = context.get("original")
        context["can_propose"] = bool(
            obj is not None
            and obj.pk
            and obj.status == "published"
            and request.user.has_perm("events.add_proposal")
            and not user_can_publish(request.user, self.model)
        )
        return super().render_change_form(request, context, add, change, **kwargs)

    def propose_view(self, request, pk: int):
        if not request.user.has_perm("events.add_proposal"):
            raise PermissionDenied
        target = get_object_or_404(self.model, pk=pk)
        form = ProposalForm(request.POST or None, target=target)
        if request.method == "POST" and form.is_valid():
            try:
                proposal_create(
                    target=target,
                    kind=form.cleaned_data["kind"],
                    changes=form.changes(),
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                self.message_user(
                    request,
                    "Proposed. A publisher will accept or reject it; you can follow it "
                    "under Proposals.",
                    messages.SUCCESS,
                )
                opts = self.model._meta
                return HttpResponseRedirect(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": target,
            "title": f"Propose a change to “{target}”",
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/events/propose.html", context)
