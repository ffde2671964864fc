from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from portal.api.filters import DocumentFilter
from portal.api.parsers import JSONParser, MultiPartParser
from portal.api.serializers.documents import (
    TARGETS,
    DocumentCreateSerializer,
    DocumentSerializer,
    DocumentUpdateSerializer,
)
from portal.api.views.base import Creating, Destroying, Listing, ServiceViewSet, Updating
from portal.documents import services
from portal.documents.models import Document
from portal.documents.services import ALLOWED_TYPES

FILE_RESPONSES = {(200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment.")
                  for media_type in ALLOWED_TYPES}


@extend_schema_view(
    list=extend_schema(summary="List documents"),
    retrieve=extend_schema(summary="Get a document's details"),
    create=extend_schema(summary="Upload a file or register a link", description=(
        "multipart/form-data with a `file`, or JSON with an `external_url`; attached to exactly one home, lease or "
        "location. Files are checked by content (not name): PDF, PNG, JPEG, WebP, GIF, text, CSV, Word, Excel; "
        "at most DOCUMENT_MAX_BYTES (10 MB by default).")),
    update=extend_schema(summary="Replace a document's details"),
    partial_update=extend_schema(summary="Change some of a document's details"),
    destroy=extend_schema(summary="Delete a document (and its file)"),
)
class DocumentViewSet(Listing, Creating, Updating, Destroying, ServiceViewSet):
    model = Document
    serializer_class = DocumentSerializer
    create_serializer_class = DocumentCreateSerializer
    update_serializer_class = DocumentUpdateSerializer
    parser_classes = [MultiPartParser, JSONParser]
    filterset_class = DocumentFilter
    search_fields = ["title", "original_name", "external_id"]
    ordering_fields = ("title",)

    def get_parsers(self) -> list[Any]:
        # Only the upload takes multipart; every other write is JSON.
        if getattr(self.request, "method", "POST") == "POST":
            return super().get_parsers()
        return [JSONParser()]

    def perform_create(self, data: dict[str, Any]) -> Document:
        target = next(data.pop(name) for name in TARGETS if data.get(name) is not None)
        for name in TARGETS:
            data.pop(name, None)
        return services.create_document(self.tenant.organization, target=target, **data)

    def perform_update(self, instance: Document, data: dict[str, Any]) -> Document:
        return services.update_document(instance, **data)

    def perform_destroy(self, instance: Document) -> None:
        services.delete_document(instance)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        if getattr(self, "action", None) == "download":
            # A download answers with the file's own type; its errors are JSON whatever the Accept header says.
            return JSONRenderer(), JSONRenderer.media_type
        return super().perform_content_negotiation(request, force)

    @extend_schema(summary="Download the file", responses=FILE_RESPONSES,
                   description="Streams the stored file as an attachment; 404 for a document that is a link.")
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        doc = self.get_object()
        if not doc.file:
            raise NotFound("This document is a link (see external_url); it has no file to download.")
        response = FileResponse(doc.file.open("rb"), as_attachment=True,
                                filename=doc.original_name or f"document-{doc.pk}",
                                content_type=doc.content_type or "application/octet-stream")
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response
