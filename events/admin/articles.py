"""Articles: ingestion (paste or upload), mention confirmation, quoting a passage."""

import hashlib
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from events.models import Actor, Article, Mention
from events.services import (
    article_find_mentions,
    article_ingest,
    article_locate_passage,
    article_read_upload,
    mention_confirm,
)

from .base import PublishableAdmin, VersionedInline
from .desk import DeskViews
from .forms import PublishableForm
from .knowledge import SuggestionViews
from .pages import show_page_for_confirmation

CONTEXT_CHARS = 60


class ArticleIngestForm(PublishableForm):
    """Add form: the report's text pasted or uploaded; stored exactly as received."""

    upload = forms.FileField(
        required=False,
        label="…or upload a .txt file or a saved page",
        help_text="A UTF-8 plain-text file of the report, or a saved web page (.html): its "
        "text and details are extracted and shown here to check before saving.",
    )
    page_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="…or the page's address",
        help_text="Fetched now; its text and details are shown here to check before saving.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["headline"].required = False
        self.fields["headline"].help_text = "Leave blank to use the report's first sentence."
        self.fields["raw_text"].label = "Report text (paste)"
        self.fields["raw_text"].strip = False  # stored exactly as received

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        # Browsers send a textarea's line breaks as CRLF whatever was pasted (HTML form
        # encoding); undo only that, so a pasted and an uploaded copy of one report are the
        # same text (and the second is refused as a duplicate). Nothing else is touched.
        pasted = (cleaned.get("raw_text") or "").replace("\r\n", "\n")
        cleaned["raw_text"] = pasted
        is_page = upload is not None and upload.name.lower().endswith((".html", ".htm"))
        if is_page or cleaned.get("page_url"):
            if pasted.strip() or (is_page and cleaned.get("page_url")):
                self.add_error("upload", "Give the text, a file or an address: one of them.")
            else:
                try:
                    show_page_for_confirmation(self, upload if is_page else None)
                except ValidationError as exc:
                    self.add_error("page_url" if not is_page else "upload", exc.messages)
            return cleaned
        if upload is not None:
            if pasted.strip():
                self.add_error("upload", "Paste the text or upload a file, not both.")
                return cleaned
            try:
                cleaned["raw_text"] = article_read_upload(name=upload.name, content=upload.read())
            except ValidationError as exc:
                self.add_error(None, exc)
                return cleaned
        raw_text = cleaned.get("raw_text") or ""
        if not raw_text.strip():
            if not cleaned.get("url") or not cleaned.get("headline"):
                self.add_error(
                    "raw_text",
                    "Paste the report's text or upload a .txt file (a bare citation needs at "
                    "least its headline and URL).",
                )
            return cleaned
        digest = hashlib.sha256(raw_text.encode()).hexdigest()
        existing = Article._base_manager.filter(raw_text_sha256=digest).first()
        if existing is not None:
            self.add_error(
                "raw_text" if upload is None else "upload",
                f"This exact text was already ingested as “{existing.headline}”.",
            )
        return cleaned


class MentionInline(VersionedInline, admin.TabularInline):
    model = Mention
    fields = ("surface", "actor", "location", "start_offset", "end_offset", "confirmed")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "confirmed mentions (use “Find mentions” to change)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "location")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(DeskViews, SuggestionViews, PublishableAdmin):
    list_display = ("headline", "published_on", "publisher", "kind", "status", "tools")
    list_filter = ("status", "kind", "language", "published_on", "retrieved_at")
    list_select_related = ("publisher",)
    search_fields = ("headline", "clean_text", "publisher__name")
    autocomplete_fields = ("publisher",)
    date_hierarchy = "published_on"
    inlines = [MentionInline]
    change_form_template = "admin/events/article/change_form.html"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        match = request.resolver_match
        if match and (match.url_name or "").endswith("changelist"):
            qs = qs.defer("raw_text", "clean_text")
        return qs

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ArticleIngestForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "headline",
                "raw_text",
                "upload",
                "page_url",
                "published_on",
                "publisher",
                "byline",
                "url",
                "language",
                "retrieved_at",
                "provenance_note",
                "version",
            ]
        return [
            "headline",
            "original_headline",
            "kind",
            "status",
            "correction_note",
            "published_on",
            "publisher",
            "byline",
            "url",
            "carried_by",
            "language",
            "retrieved_at",
            "provenance_note",
            "slug",
            "public_note",
            "clean_text",
            "raw_text",
            "first_published_at",
            "created_at",
            "updated_at",
            "version",
        ]

    def get_readonly_fields(self, request, obj=None):
        base = ("public_note", "first_published_at", "created_at", "updated_at")
        if obj is None:
            return base
        return (*base, "raw_text", "clean_text")

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    @admin.display(description="")
    def tools(self, obj):
        return format_html(
            '<a href="{}">Mentions</a> · <a href="{}">Quote</a>',
            reverse("admin:events_article_mentions", args=[obj.pk]),
            reverse("admin:events_article_quote", args=[obj.pk]),
        )

    def save_form(self, request, form, change):
        data = form.cleaned_data
        if change or not (data.get("raw_text") or "").strip():
            return super().save_form(request, form, change)
        article = article_ingest(
            raw_text=data["raw_text"],
            headline=data.get("headline") or "",
            published_on=data.get("published_on"),
            publisher=data.get("publisher"),
            url=data.get("url"),
            byline=data.get("byline") or "",
            language=data.get("language") or "en",
            provenance_note=data.get("provenance_note") or "",
            retrieved_at=data.get("retrieved_at"),
            user=request.user,
        )
        form.instance = article
        form.save_m2m = lambda: None  # an article has no many-to-many fields
        return article

    def save_model(self, request, obj, form, change):
        if not change and obj.pk is not None:
            return  # stored by article_ingest in save_form
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        if obj.raw_text and "_addanother" not in request.POST and "_continue" not in request.POST:
            self.message_user(
                request,
                "Stored. Now confirm which known actors and places the report mentions, and "
                "create the ones it names that are not in the database yet.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:events_article_mentions", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    # --- Extra views -----------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/mentions/",
                view(self.mentions_view),
                name="events_article_mentions",
            ),
            path("<path:object_id>/quote/", view(self.quote_view), name="events_article_quote"),
            *self.suggestion_urls(),
            *self.desk_urls(),
            *super().get_urls(),
        ]

    def _article(self, request, object_id) -> Article:
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        return article

    def mentions_view(self, request, object_id):
        """Known actors and places the text names, for the editor to confirm."""
        article = self._article(request, object_id)
        may_confirm = request.user.has_perms(["events.add_mention", "events.delete_mention"])
        error = ""
        if request.method == "POST":
            if not may_confirm:
                raise PermissionDenied
            try:
                with transaction.atomic():
                    result = mention_confirm(
                        article=article, keys=request.POST.getlist("mention"), user=request.user
                    )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                self.message_user(
                    request,
                    f"{result['created']} mention(s) confirmed, {result['removed']} removed.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(request.path)
        text = article.clean_text
        rows = [
            {
                "c": c,
                "before": text[max(0, c.start - CONTEXT_CHARS) : c.start],
                "after": text[c.end : c.end + CONTEXT_CHARS],
                "url": reverse(f"admin:events_{c.kind}_change", args=[c.entity_id]),
            }
            for c in article_find_mentions(article=article)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Mentions in “{article}”",
            "article": article,
            "rows": rows,
            "may_confirm": may_confirm,
            "error": error,
            **self.suggestion_context(request, article),
        }
        return TemplateResponse(request, "admin/events/article/mentions.html", context)

    def quote_view(self, request, object_id):
        """Select a passage of the cleaned text and start a claim that quotes it."""
        article = self._article(request, object_id)
        if not request.user.has_perm("events.add_claim"):
            raise PermissionDenied
        speakers = Actor.objects.filter(
            mentions__article=article, mentions__confirmed=True
        ).distinct()
        error, passage = "", request.POST.get("passage", "")
        if request.method == "POST":
            try:
                start = int(request.POST["start"]) if request.POST.get("start") else None
                end = int(request.POST["end"]) if request.POST.get("end") else None
            except ValueError:
                start = end = None
            try:
                passage, start, end = article_locate_passage(
                    article=article, passage=passage, start=start, end=end
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                if "_record" in request.POST:
                    try:
                        return self.record_claim(request, article, passage, start, end)
                    except ValidationError as exc:
                        error = " ".join(exc.messages)
            if not error:
                params = {
                    "text": passage,
                    "source_article": article.pk,
                    "source_passage": passage,
                    "source_start": start,
                    "source_end": end,
                }
                speaker = request.POST.get("speaker", "")
                if speaker.isdigit() and speakers.filter(pk=speaker).exists():
                    params["speaker"] = speaker
                for name in ("event", "kind", "mode"):
                    if request.POST.get(name):
                        params[name] = request.POST[name]
                return HttpResponseRedirect(
                    reverse("admin:events_claim_add") + "?" + urlencode(params)
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Quote a passage of “{article}”",
            "article": article,
            "speakers": speakers,
            "passage": passage,
            "error": error,
            "chosen": request.POST,
            **self.quote_context(article),
        }
        return TemplateResponse(request, "admin/events/article/quote.html", context)
