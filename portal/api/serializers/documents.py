from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.reverse import reverse

from portal.api.serializers.base import Output, ScopedPrimaryKeyRelatedField, StrictInput
from portal.documents.models import Document
from portal.documents.services import EDITABLE_FIELDS
from portal.homes.models import Home
from portal.leases.models import Lease
from portal.locations.models import Location

TARGETS = ("home", "lease", "location")
EDITABLE = ["external_id", "category", "title", "external_url", "display_start", "display_end", "shareable"]
assert set(EDITABLE) == EDITABLE_FIELDS


@extend_schema_serializer(examples=[OpenApiExample("An uploaded lease PDF", response_only=True, value={
    "id": 12, "home": None, "lease": 31, "location": None, "external_id": "", "category": "lease",
    "title": "Signed lease", "external_url": "", "has_file": True,
    "download_url": "https://lintel.example/api/v1/documents/12/download/", "original_name": "lease.pdf",
    "content_type": "application/pdf", "size": 184220, "display_start": None, "display_end": None,
    "shareable": False, "created_at": "2026-02-10T10:00:00.000Z", "updated_at": "2026-02-10T10:00:00.000Z"})])
class DocumentSerializer(Output):
    has_file = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(help_text="Where to download the file; null for a link.")

    class Meta:
        model = Document
        fields = ["id", *TARGETS, *EDITABLE[:4], "has_file", "download_url", "original_name", "content_type",
                  "size", *EDITABLE[4:], "created_at", "updated_at"]
        read_only_fields = fields

    def get_has_file(self, doc: Document) -> bool:
        return bool(doc.file)

    @extend_schema_field({"type": ["string", "null"], "format": "uri"})
    def get_download_url(self, doc: Document) -> str | None:
        return self._download_url(doc.pk) if doc.file else None

    def _download_url(self, pk: int) -> str:
        return reverse("api:document-download", kwargs={"pk": pk}, request=self.context.get("request"))

    # A list page's rows (serializers/rows.py): the same values from the row's columns.
    row_columns = {"has_file": ("file",), "download_url": ("id", "file")}

    def row_has_file(self, row: dict[str, Any]) -> bool:
        return bool(row["file"])  # a FieldFile is true when it has a name

    def row_download_url(self, row: dict[str, Any]) -> str | None:
        return self._download_url(row["id"]) if row["file"] else None


@extend_schema_serializer(examples=[
    OpenApiExample("A link to an inspection report", request_only=True, value={
        "home": 7, "category": "inspection", "title": "Move-in inspection",
        "external_url": "https://files.example.com/inspections/7.pdf"}),
    OpenApiExample("An uploaded lease", request_only=True, media_type="multipart/form-data", value={
        "lease": 31, "category": "lease", "title": "Signed lease", "file": "(the PDF's bytes)"}),
])
class DocumentCreateSerializer(StrictInput):
    home = ScopedPrimaryKeyRelatedField(Home, required=False, allow_null=True)
    lease = ScopedPrimaryKeyRelatedField(Lease, required=False, allow_null=True)
    location = ScopedPrimaryKeyRelatedField(Location, required=False, allow_null=True)
    file = serializers.FileField(required=False, allow_empty_file=True, use_url=False,
                                 help_text="The file (multipart only); PDF, images, text, CSV, Word or Excel.")

    class Meta:
        model = Document
        fields = [*TARGETS, "file", *EDITABLE]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        targets = [name for name in TARGETS if attrs.get(name) is not None]
        if len(targets) != 1:
            raise serializers.ValidationError(
                "Attach the document to exactly one of home, lease or location "
                f"({'none' if not targets else ', '.join(targets)} given)."
            )
        if bool(attrs.get("file")) == bool(attrs.get("external_url")):
            raise serializers.ValidationError("Send either a file (multipart) or an external_url, not both or neither.")
        return attrs


@extend_schema_serializer(examples=[OpenApiExample("Share it until year end", request_only=True, value={
    "shareable": True, "display_end": "2026-12-31T23:59:59Z"})])
class DocumentUpdateSerializer(StrictInput):
    """The file and what the document is attached to are fixed; upload a new document to replace a file."""

    field_hints = {"file": "A document's file cannot be replaced: upload a new document.",
                   **{t: "What a document is attached to is fixed at creation." for t in ("home", "lease", "location")}}

    class Meta:
        model = Document
        fields = EDITABLE
