"""Wikidata in the actor and place admin: look up, import, refresh, and the QID check.

:class:`WikidataAdminMixin` adds to a change form a *Wikidata…* button
(``admin:events_<model>_wikidata``: search by name, import an item, refresh an imported
one) and checks a typed QID against Wikidata before it is saved: an item that does not
exist is a form error; when Wikidata cannot be reached the record is saved and the page
says plainly that the QID was not checked.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from events import wikidata
from events.services.wikidata import entity_import_wikidata


class WikidataQidCheck(forms.ModelForm):
    """Mixed into the admin's form: a new or changed QID must exist on Wikidata."""

    wikidata_unchecked = ""

    def clean_wikidata_qid(self):
        qid = self.cleaned_data.get("wikidata_qid") or None
        if not qid or qid == self.initial.get("wikidata_qid") or not wikidata.enabled():
            return qid
        try:
            exists = wikidata.qid_exists(qid)
        except wikidata.WikidataUnavailable:
            self.wikidata_unchecked = qid
            return qid
        if not exists:
            raise ValidationError(f"Wikidata has no item {qid}; check the number.")
        return qid


class WikidataAdminMixin:
    change_form_template = "admin/events/wikidata_change_form.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (WikidataQidCheck, form), {})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if getattr(form, "wikidata_unchecked", ""):
            self.message_user(
                request,
                f"Wikidata could not be reached, so {form.wikidata_unchecked} was saved "
                "without checking that the item exists. Check it later with “Wikidata…”.",
                messages.WARNING,
            )

    def get_urls(self):
        name = f"events_{self.model._meta.model_name}_wikidata"
        return [
            path(
                "<path:object_id>/wikidata/",
                self.admin_site.admin_view(self.wikidata_view),
                name=name,
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, **kwargs):
        context["wikidata_enabled"] = wikidata.enabled()
        return super().render_change_form(request, context, *args, **kwargs)

    def wikidata_view(self, request, object_id):
        """Search Wikidata for this record and import (or refresh from) an item."""
        entity = get_object_or_404(self.model._base_manager, pk=object_id)
        if not self.has_view_permission(request, entity):
            raise PermissionDenied
        change_url = reverse(
            f"admin:events_{self.model._meta.model_name}_change", args=[entity.pk]
        )
        error, results = "", []
        if request.method == "POST":
            if not self.has_change_permission(request, entity):
                raise PermissionDenied
            try:
                changes = entity_import_wikidata(
                    entity=entity, qid=request.POST.get("qid", ""), user=request.user
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            except wikidata.WikidataUnavailable as exc:
                error = str(exc)
            else:
                self.message_user(
                    request,
                    "Imported from Wikidata: " + ("; ".join(changes) or "nothing new") + ".",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        query = request.GET.get("q") or entity.name
        if not error:
            try:
                results = wikidata.search(query) if wikidata.enabled() else []
            except wikidata.WikidataUnavailable as exc:
                error = str(exc)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Wikidata for “{entity}”",
            "entity": entity,
            "change_url": change_url,
            "query": query,
            "results": results,
            "error": error,
            "enabled": wikidata.enabled(),
        }
        return TemplateResponse(request, "admin/events/wikidata.html", context)
