"""Writes to documents: uploads are checked by content, not by name."""

from __future__ import annotations

import datetime as dt
from typing import Any

import puremagic
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction

from portal.accounts.models import Organization
from portal.core.errors import DomainError
from portal.core.events import emit_change
from portal.core.services import apply_fields, save_validated
from portal.documents.models import Document

# What a document may be, by the type its bytes show (not its name or the browser's claim).
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/webp": "WebP image",
    "image/gif": "GIF image",
    "text/plain": "text",
    "text/csv": "CSV",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook",
}
_EXTENSIONS = {
    ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".webp": "image/webp", ".gif": "image/gif", ".txt": "text/plain", ".csv": "text/csv",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EDITABLE_FIELDS = {"category", "title", "display_start", "display_end", "shareable", "external_url", "external_id"}
_MARKUP = (b"<svg", b"<!doctype html", b"<html", b"<script", b"<?xml", b"<body", b"<head", b"<iframe")


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ch in head for ch in b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0e\x0f")


def sniff_content_type(head: bytes) -> str | None:
    """The content type the bytes show, or None when they match nothing we accept."""
    lowered = head.lstrip()[:512].lower()
    if any(marker in lowered for marker in _MARKUP):
        return "text/html"  # markup (HTML, SVG, XML) can carry scripts: refused
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        matches = []
    for match in matches:
        mime = match.mime_type or _EXTENSIONS.get(match.extension.lower(), "")
        if mime == "application/zip" or match.extension.lower() in (".docx", ".xlsx"):
            mime = _EXTENSIONS.get(match.extension.lower(), mime)
        if mime in ALLOWED_TYPES:
            return mime
    if matches:
        return matches[0].mime_type or "application/octet-stream"
    if _looks_like_text(head):
        return "text/plain"
    return None


def validate_upload(upload: UploadedFile) -> str:
    """Check size and content; return the content type the bytes show. Raises DomainError otherwise."""
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise DomainError(
            {"file": f"The file is {upload.size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB."},
            code="file_too_large",
        )
    if upload.size == 0:
        raise DomainError({"file": "The file is empty."}, code="empty_file")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    mime = sniff_content_type(head)
    if mime not in ALLOWED_TYPES:
        allowed = ", ".join(sorted(set(ALLOWED_TYPES.values())))
        shown = "an SVG or HTML file" if mime == "text/html" else (mime or "an unknown type")
        raise DomainError(
            {"file": f"This file's content is {shown}, which is not accepted. Accepted: {allowed}."},
            code="file_type_refused",
        )
    claimed = _EXTENSIONS.get(_suffix(upload.name))
    if claimed and claimed != mime and not (claimed == "text/csv" and mime == "text/plain"):
        raise DomainError(
            {"file": f"The file is named like a {ALLOWED_TYPES.get(claimed, claimed)} but its content is "
                     f"a {ALLOWED_TYPES[mime]}. Rename it or upload the right file."},
            code="file_type_mismatch",
        )
    return mime


def _suffix(name: str | None) -> str:
    name = (name or "").lower()
    return name[name.rfind("."):] if "." in name else ""


def _target_fields(target: models.Model) -> dict[str, Any]:
    label = target._meta.label_lower
    mapping = {"homes.home": "home", "leases.lease": "lease", "locations.location": "location"}
    if label not in mapping:
        raise DomainError("A document is attached to a home, a lease or a location.", code="invalid_target")
    return {mapping[label]: target}


@transaction.atomic
def create_document(
    organization: Organization,
    *,
    target: models.Model,
    title: str,
    file: UploadedFile | None = None,
    external_url: str = "",
    **fields: Any,
) -> Document:
    if getattr(target, "organization_id", None) != organization.pk:
        raise DomainError("The record belongs to another organization.", code="invalid_target")
    if bool(file) == bool(external_url):
        raise DomainError("Attach either a file or an external URL (one of them).", code="file_or_url")
    doc = Document(organization=organization, title=title, **_target_fields(target))
    apply_fields(doc, fields, EDITABLE_FIELDS - {"external_url"})
    if file is not None:
        doc.content_type = validate_upload(file)
        doc.size = file.size or 0
        doc.original_name = (file.name or "file")[-255:]
        doc.full_clean(exclude=["file"])
        doc.file.save(doc.original_name, file, save=False)
    else:
        doc.external_url = external_url
    return save_validated(doc, "create")  # type: ignore[return-value]


@transaction.atomic
def update_document(doc: Document, **fields: Any) -> Document:
    changed = apply_fields(doc, fields, EDITABLE_FIELDS - ({"external_url"} if doc.file else set()))
    if changed:
        save_validated(doc, "update", changed)
    return doc


@transaction.atomic
def delete_document(doc: Document) -> None:
    emit_change(doc, "delete")
    stored = doc.file.name if doc.file else None
    storage = doc.file.storage if doc.file else None
    doc.delete()
    if stored and storage is not None:
        transaction.on_commit(lambda: storage.delete(stored))


def is_displayed(doc: Document, now: dt.datetime) -> bool:
    started = doc.display_start is None or doc.display_start <= now
    return started and (doc.display_end is None or doc.display_end >= now)
