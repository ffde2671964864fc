"""Pulled documents whose bytes sit behind a (short-lived) download link: RemoteFile in Mapped.fields["file"].

The engine fetches during the page upsert, only for a new record or a new version, checks the bytes like a staff
upload, and fails a record whose download or content is refused without losing the rest of the page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from integrations.base import Mapped, Page, PullStream, Ref, RemoteFile, TransientError
from integrations.models import Connection, ExternalRef
from integrations.upsert.page import upsert_records
from portal.documents.models import Document
from portal.locations import services as locations

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


class Vendor:
    """The vendor's file store: bytes by file id, and every fetch it served."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.fetched: list[str] = []
        self.broken: set[str] = set()

    def fetcher(self, file_id: str) -> Any:
        def fetch() -> bytes:
            self.fetched.append(file_id)
            if file_id in self.broken:
                raise TransientError("the signed URL had expired", status=403)
            return self.files[file_id]

        return fetch

    def record(self, vid: str, file_id: str, name: str, title: str = "Deed") -> dict[str, Any]:
        return {"id": vid, "title": title, "file_id": file_id, "name": name, "_fetch": self.fetcher(file_id)}


def map_document(raw: dict[str, Any]) -> Mapped:
    return Mapped(
        {"title": raw["title"], "category": "other", "original_name": raw["name"],
         "file": RemoteFile(version=raw["file_id"], name=raw["name"], fetch=raw.get("_fetch"))},
        parents={"location": Ref("properties", "P1")},
    )


STREAM = PullStream("documents", "documents.Document", lambda c, cur, since: Page([]), map_document,
                    lambda raw: raw["id"])


@pytest.fixture
def connection(org) -> Connection:
    c = Connection(organization=org, vendor="fakevendor", name="Files", base_url="http://127.0.0.1:9")
    c.set_credentials({"api_key": "x"})
    c.save()
    prop = locations.create_location(org, kind="property", name="Tower", address_line1="1 Main St")
    ExternalRef.objects.create(connection=c, stream="properties", vendor_id="P1", object_id=prop.pk,
                               content_type=ContentType.objects.get_for_model(prop), last_seen_hash="x")
    return c


def pull(connection: Connection, records: list[dict[str, Any]]) -> Any:
    return upsert_records(connection, STREAM, records, timezone.now())


def test_a_new_document_is_fetched_once_and_stored_with_the_type_its_bytes_show(connection):
    vendor = Vendor()
    vendor.files["f1"] = PDF
    result = pull(connection, [vendor.record("D1", "f1", "deed.pdf")])
    assert result.created == 1, result.errors
    doc = Document.objects.get()
    assert doc.file.read() == PDF
    assert (doc.content_type, doc.size, doc.original_name, doc.external_url) == ("application/pdf", len(PDF),
                                                                                 "deed.pdf", "")
    assert vendor.fetched == ["f1"]


def test_a_rerun_fetches_nothing_and_a_metadata_change_keeps_the_file(connection):
    vendor = Vendor()
    vendor.files["f1"] = PDF
    pull(connection, [vendor.record("D1", "f1", "deed.pdf")])
    stored = Document.objects.get().file.name
    assert pull(connection, [vendor.record("D1", "f1", "deed.pdf")]).unchanged == 1
    renamed = pull(connection, [vendor.record("D1", "f1", "deed.pdf", title="Title deed")])
    assert renamed.updated == 1
    doc = Document.objects.get()
    assert (doc.title, doc.file.name) == ("Title deed", stored)
    assert vendor.fetched == ["f1"]


def test_a_new_version_replaces_the_file(connection):
    vendor = Vendor()
    vendor.files.update(f1=PDF, f2=PNG)
    pull(connection, [vendor.record("D1", "f1", "deed.pdf")])
    result = pull(connection, [vendor.record("D1", "f2", "deed.png")])
    assert result.updated == 1, result.errors
    doc = Document.objects.get()
    assert (doc.file.read(), doc.content_type, doc.size) == (PNG, "image/png", len(PNG))
    assert vendor.fetched == ["f1", "f2"]


def test_a_failed_download_or_refused_content_fails_that_record_alone(connection):
    vendor = Vendor()
    vendor.files.update(ok=PDF, expired=PDF, page=b"<html><script>alert(1)</script></html>")
    vendor.broken.add("expired")
    result = pull(connection, [vendor.record("D1", "ok", "a.pdf"), vendor.record("D2", "expired", "b.pdf"),
                               vendor.record("D3", "page", "c.pdf")])
    assert (result.created, result.failed) == (1, 2)
    reasons = dict(result.errors)
    assert "could not download 'b.pdf'" in reasons["D2"] and "signed URL had expired" in reasons["D2"]
    assert "not accepted" in reasons["D3"]
    assert list(Document.objects.values_list("original_name", flat=True)) == ["a.pdf"]
    vendor.broken.clear()
    assert pull(connection, [vendor.record("D2", "expired", "b.pdf")]).created == 1  # the next pass retries it


def test_a_record_that_fails_its_checks_downloads_nothing(connection):
    vendor = Vendor()
    vendor.files["f1"] = PDF
    result = pull(connection, [vendor.record("D1", "f1", "deed.pdf", title="")])
    assert result.failed == 1 and "title" in dict(result.errors)["D1"]
    assert vendor.fetched == []


def test_a_file_without_a_fetcher_is_reported(connection):
    raw = {"id": "D1", "title": "Deed", "file_id": "f1", "name": "deed.pdf"}
    result = pull(connection, [raw])
    assert "no way to fetch 'deed.pdf'" in dict(result.errors)["D1"]
