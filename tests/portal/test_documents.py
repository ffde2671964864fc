"""Documents are accepted by what their bytes are, not by their name, and never above the size limit."""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.documents import services as documents
from portal.documents.models import Document

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    """A real 1×1 PNG, built chunk by chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x80\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


# The smallest valid baseline JPEG (1×1, grey).
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////"
    "////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA="
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'


def upload(name: str, content: bytes, claimed: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=claimed)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def attach(portfolio, file=None, **kwargs) -> Document:
    return documents.create_document(portfolio.org, target=portfolio.home, title="Inspection", file=file, **kwargs)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("lease.pdf", PDF, "application/pdf"),
        ("front.png", png_bytes(), "image/png"),
        ("kitchen.jpg", JPEG, "image/jpeg"),
        ("kitchen.JPEG", JPEG, "image/jpeg"),
        ("no-extension", PDF, "application/pdf"),
    ],
)
def test_a_pdf_png_or_jpeg_is_accepted_and_stored_under_a_random_name(portfolio, settings, name, content,
                                                                       content_type):
    doc = attach(portfolio, upload(name, content))

    doc.refresh_from_db()
    assert doc.content_type == content_type
    assert doc.size == len(content)
    assert doc.original_name == name
    assert doc.file.name.startswith(f"documents/{portfolio.org.pk}/")
    assert name not in doc.file.name  # the user's file name is never a path
    with doc.file.open("rb") as stored:
        assert stored.read() == content
    assert stored_files(settings) == [Path(settings.MEDIA_ROOT) / doc.file.name]


@pytest.mark.parametrize(
    ("name", "content", "claimed", "code", "message"),
    [
        ("photo.pdf", png_bytes(), "application/pdf", "file_type_mismatch",
         "The file is named like a PDF but its content is a PNG image."),
        ("photo.png", HTML, "image/png", "file_type_refused", "This file's content is an SVG or HTML file"),
        ("page.html", HTML, "text/html", "file_type_refused", "This file's content is an SVG or HTML file"),
        ("logo.svg", SVG, "image/svg+xml", "file_type_refused", "This file's content is an SVG or HTML file"),
        ("logo.png", SVG, "image/png", "file_type_refused", "This file's content is an SVG or HTML file"),
        ("photo.jpg", png_bytes(), "image/jpeg", "file_type_mismatch",
         "The file is named like a JPEG image but its content is a PNG image."),
        ("run.pdf", b"\x7fELF\x02\x01\x01" + bytes(200), "application/pdf", "file_type_refused",
         "which is not accepted"),
    ],
)
def test_a_file_whose_bytes_are_not_what_is_accepted_is_refused(portfolio, settings, name, content, claimed,
                                                                code, message):
    with pytest.raises(ValidationError) as refused:
        attach(portfolio, upload(name, content, claimed))

    assert refused.value.error_dict["file"][0].code == code
    assert message in refused.value.message_dict["file"][0]
    assert Document.objects.count() == 0
    assert stored_files(settings) == []


def test_an_11_mb_file_is_refused_with_the_limit_in_the_message(portfolio, settings):
    assert settings.DOCUMENT_MAX_BYTES == 10 * 1024 * 1024
    big = PDF + bytes(11 * 1024 * 1024 - len(PDF))

    with pytest.raises(ValidationError) as refused:
        attach(portfolio, upload("scan.pdf", big))

    assert refused.value.error_dict["file"][0].code == "file_too_large"
    assert refused.value.message_dict["file"] == ["The file is 11.0 MB; the limit is 10 MB."]
    assert Document.objects.count() == 0
    assert stored_files(settings) == []


def test_a_file_of_exactly_the_limit_is_accepted(portfolio, settings):
    settings.DOCUMENT_MAX_BYTES = 4096
    doc = attach(portfolio, upload("scan.pdf", PDF + bytes(4096 - len(PDF))))
    assert doc.size == 4096


def test_the_limit_follows_the_setting(portfolio, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="the limit is"):
        attach(portfolio, upload("lease.pdf", PDF + bytes(200)))


def test_an_empty_file_is_refused(portfolio):
    with pytest.raises(ValidationError, match="The file is empty"):
        attach(portfolio, upload("lease.pdf", b""))


def test_a_document_has_either_a_file_or_an_external_url(portfolio):
    with pytest.raises(ValidationError, match="either a file or an external URL"):
        attach(portfolio, upload("lease.pdf", PDF), external_url="https://example.com/lease.pdf")
    with pytest.raises(ValidationError, match="either a file or an external URL"):
        attach(portfolio)
    link = attach(portfolio, external_url="https://example.com/lease.pdf")
    assert link.external_url == "https://example.com/lease.pdf"
    assert not link.file


def test_a_document_cannot_be_attached_to_another_organizations_record(portfolio, other_portfolio):
    with pytest.raises(ValidationError, match="belongs to another organization"):
        documents.create_document(portfolio.org, target=other_portfolio.lease, title="X", file=upload("a.pdf", PDF))
    assert Document.objects.count() == 0


def test_deleting_a_document_removes_its_file_once_the_transaction_commits(
    portfolio, settings, django_capture_on_commit_callbacks
):
    doc = attach(portfolio, upload("lease.pdf", PDF))
    assert len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        documents.delete_document(doc)
    assert not Document.objects.filter(pk=doc.pk).exists()
    assert stored_files(settings) == []
