"""API addresses of public resources by kind, and where a merged record lives now."""

from rest_framework.reverse import reverse

from events.models import Tombstone
from events.sync.graph import KIND_MODELS

MAX_MERGE_HOPS = 20  # a chain of merges (B into A, A into C…) is followed this far


def detail_url(request, kind: str, object_id: int, slug: str) -> str:
    """The API detail URL: claims by id, everything else by slug."""
    if kind == "claim":
        return reverse("api:claim-detail", kwargs={"pk": object_id}, request=request)
    return reverse(f"api:{kind}-detail", kwargs={"slug": slug}, request=request)


def merged_into(request, kind: str, object_id: int | None) -> dict | None:
    """``{"id", "url"}`` of the record ``object_id`` was merged into, following later merges
    of that record too; None if there is none or it is gone."""
    for _ in range(MAX_MERGE_HOPS):
        if object_id is None:
            return None
        row = KIND_MODELS[kind]._base_manager.filter(pk=object_id).values("pk", "slug").first()
        if row is not None:
            return {"id": row["pk"], "url": detail_url(request, kind, row["pk"], row["slug"])}
        object_id = (
            Tombstone.objects.filter(kind=kind, object_id=object_id)
            .values_list("merged_into_id", flat=True)
            .first()
        )
    return None
