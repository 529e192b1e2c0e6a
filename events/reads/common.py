"""What every page of the read layer shares: limits, redirects, corrections, a visible row."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.http import Http404

from events.fetch_plans import guarded
from events.models import Correction, SlugRedirect

from .as_of import AsOf

LIST_LIMIT = 200  # rows per list on a detail page (the API pages through the rest)


def fetched(lookup: str, queryset) -> Prefetch:
    """Prefetch ``lookup`` (guarded) as a plain list on ``fetched_<last part of lookup>``.

    Every plan of the read layer names its nested rows so (``event.fetched_claims``,
    ``claim.fetched_sources``, ``child.fetched_children``): a list costs nothing per row
    to read, where a related manager's ``.all()`` builds a queryset each time; pages,
    templates and the API read the same names.
    """
    name = lookup.rsplit("__", 1)[-1]
    return Prefetch(lookup, queryset=guarded(queryset), to_attr=f"fetched_{name}")


def slug_redirect(kind: str, slug: str) -> str | None:
    """The slug a merged or renamed object now lives at, if ``slug`` was one of its old ones."""
    return (
        SlugRedirect.objects.filter(kind=kind, old_slug=slug)
        .values_list("new_slug", flat=True)
        .first()
    )


def _logged(model, pks, as_of: AsOf | None):
    """The corrections logged on the ``model`` rows ``pks`` (by ``as_of``), newest first."""
    ct = ContentType.objects.get_for_model(model)  # cached after the first call
    qs = Correction.objects.filter(content_type=ct, object_id__in=pks)
    if as_of is not None:
        qs = qs.filter(as_of.logged_q())
    return qs.order_by("-created_at")


def corrections_for(obj, *, as_of: AsOf | None = None) -> list[Correction]:
    """The corrections logged on ``obj`` (by the end of ``as_of``'s day), newest first."""
    return list(_logged(type(obj), [obj.pk], as_of)[:LIST_LIMIT])


def attach_corrections(objs, *, as_of: AsOf | None = None) -> None:
    """:func:`corrections_for` each of ``objs`` (all of one model) as
    ``obj.fetched_corrections``, in one query for them all."""
    by_pk = {obj.pk: obj for obj in objs}
    for obj in objs:
        obj.fetched_corrections = []
    if not objs:
        return
    for row in _logged(type(objs[0]), list(by_pk), as_of):
        found = by_pk[row.object_id].fetched_corrections
        if len(found) < LIST_LIMIT:
            found.append(row)


def get_visible(queryset, user, **lookup):
    """The one row of ``queryset`` matching ``lookup`` that ``user`` may see, or a 404."""
    obj = guarded(queryset.visible_to(user)).filter(**lookup).first()
    if obj is None:
        raise Http404("Not found.")
    return obj
