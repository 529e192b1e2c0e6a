"""``/api/v1/exports/``: the bulk-data snapshots ``manage.py export`` wrote, and their files.

The listing gives the newest snapshot's manifest (counts, checksums and the change-feed
cursor it is consistent with) with a download URL per file, and the names of the older
snapshots still kept. See :mod:`events.sync.export`.
"""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from events.sync.export import export_file, read_manifest, snapshots

from .base import StrictQueryMixin


class ExportFileSerializer(serializers.Serializer):
    resource = serializers.CharField(help_text="events, actors, locations, claims or articles.")
    format = serializers.ChoiceField(
        choices=[("jsonl", "JSON Lines"), ("csv", "CSV")],
        help_text="jsonl: one object per line, exactly as its API detail; csv: one row per "
        "object, nested values as JSON, null as an empty cell.",
    )
    file = serializers.CharField(help_text="The file's name (gzipped).")
    url = serializers.URLField(help_text="Download it here.")
    count = serializers.IntegerField(help_text="Objects in it, one per line.")
    bytes = serializers.IntegerField(help_text="Its size.")
    sha256 = serializers.CharField(help_text="SHA-256 of the file as downloaded (hex).")


class ExportSerializer(serializers.Serializer):
    format = serializers.CharField(help_text="newsbase-export/1.")
    name = serializers.CharField(help_text="The snapshot's name (its UTC time).")
    created_at = serializers.DateTimeField(help_text="When the snapshot was taken.")
    cursor = serializers.CharField(
        help_text="Load the files, then follow /api/v1/changes/?after=<cursor>."
    )
    changes = serializers.URLField(help_text="The change feed from that cursor.")
    manifest = serializers.URLField(help_text="The manifest file itself.")
    files = ExportFileSerializer(many=True)


class ExportListSerializer(serializers.Serializer):
    latest = ExportSerializer(allow_null=True, help_text="The newest snapshot (null: none yet).")
    older = serializers.ListField(
        child=serializers.CharField(), help_text="Names of the older snapshots still kept."
    )


class GzipRenderer(BaseRenderer):
    """Declares the download's media type (the file is served as it is on disk)."""

    media_type = "application/gzip"
    format = "gz"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("files are served as they are; errors are rendered as JSON")


def _file_url(request, name: str, file: str) -> str:
    return reverse("api:export-file", kwargs={"name": name, "file": file}, request=request)


class ExportListView(StrictQueryMixin, APIView):
    """Bulk data: the newest snapshot of every public resource, and how to follow on."""

    renderer_classes = [JSONRenderer]

    def allowed_query_params(self):
        return {"format"}

    @extend_schema(tags=["sync"], operation_id="exports_list", responses=ExportListSerializer)
    def get(self, request, *args, **kwargs):
        names = snapshots()
        latest = read_manifest(names[0]) if names else None
        if latest is not None:
            latest["manifest"] = _file_url(request, latest["name"], "manifest.json")
            for entry in latest["files"]:
                entry["url"] = _file_url(request, latest["name"], entry["file"])
        return Response(
            ExportListSerializer({"latest": latest, "older": names[1:]}).data,
            headers={"Cache-Control": "public, max-age=60"},
        )


class ExportFileView(StrictQueryMixin, APIView):
    """One file of a snapshot: a resource's gzipped JSON Lines or CSV, or the manifest."""

    renderer_classes = [GzipRenderer, JSONRenderer]

    def allowed_query_params(self):
        return set()

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response):  # an error: always the JSON error shape
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        tags=["sync"],
        operation_id="exports_file",
        # The file is served as it is stored, whatever ?format= says: the view refuses it
        # (as every unknown parameter), so the schema does not offer it.
        parameters=[OpenApiParameter("format", exclude=True)],
        responses={
            (200, "application/gzip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file (the manifest is JSON)."
            ),
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="The manifest."
            ),
        },
    )
    def get(self, request, name: str, file: str, *args, **kwargs):
        path = export_file(name, file)
        if path is None:
            raise NotFound("No such export file: see /api/v1/exports/ for the current ones.")
        json_file = file.endswith(".json")
        response = FileResponse(
            open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
            as_attachment=not json_file,
            filename=file,
            content_type="application/json" if json_file else "application/gzip",
        )
        response["Cache-Control"] = "public, max-age=31536000, immutable"  # never rewritten
        return response
