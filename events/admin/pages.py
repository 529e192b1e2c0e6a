"""The article add form's pages: a saved .html file or an address, shown for confirmation.

The page's text and details (trafilatura, :mod:`events.services.pages`) fill the add form,
which is shown again with a note to check them; saving it then ingests the text as usual.
"""

from django.utils import timezone

from events.matching import fold
from events.models import Actor, ActorKind
from events.services.pages import page_extract, page_read_upload, url_fetch


def show_page_for_confirmation(form, upload) -> None:
    """Fill the add form from a page (file or address) and show it again to be checked."""
    if upload is not None:
        html = page_read_upload(name=upload.name, content=upload.read())
        page, note, retrieved = page_extract(html=html), f"saved page {upload.name}", None
    else:
        html, final_url = url_fetch(form.cleaned_data["page_url"])
        page, note, retrieved = page_extract(html=html, url=final_url), final_url, timezone.now()
    data = form.data.copy()
    data.pop("page_url", None)
    current = form.cleaned_data
    data["raw_text"] = page.text
    data["headline"] = current.get("headline") or page.headline
    if not current.get("published_on") and page.published_on:
        data["published_on"] = page.published_on.isoformat()
    data["byline"] = current.get("byline") or page.author
    data["url"] = current.get("url") or page.canonical_url
    if page.language:
        data["language"] = page.language
    publisher = outlet_named(page.site_name)
    if publisher is not None and not current.get("publisher"):
        data["publisher"] = str(publisher.pk)
    if retrieved is not None:
        local = timezone.localtime(retrieved)
        data["retrieved_at_0"], data["retrieved_at_1"] = (
            str(local.date()),
            local.strftime("%H:%M:%S"),
        )
    site = f" Site name: {page.site_name}." if page.site_name else ""
    data["provenance_note"] = f"Extracted with trafilatura from {note}.{site}"
    form.data = data
    form.add_error(
        None,
        "Extracted from the page: check the text, headline, date, author and address "
        "below, then save.",
    )


def outlet_named(site_name: str):
    """The media outlet whose name or alias is the page's site name, if there is one."""
    if not site_name:
        return None
    key = fold(site_name)
    for actor in Actor._base_manager.filter(kind=ActorKind.MEDIA_OUTLET).prefetch_related(
        "aliases"
    ):
        if any(fold(n) == key for n in [actor.name, *(a.name for a in actor.aliases.all())]):
            return actor
    return None
