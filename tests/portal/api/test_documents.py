"""/api/v1/documents/: multipart upload checked by content and size, links by JSON, downloads as attachments."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.documents.models import Document
from tests.portal.api.conftest import error_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/documents/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LINK = "https://files.example.com/a.pdf"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(api, name: str, content: bytes, **fields):
    return api.post(URL, {"title": "Signed lease", "category": "lease", **fields,
                          "file": SimpleUploadedFile(name, content)}, format="multipart")


def test_a_pdf_is_uploaded_and_downloaded_as_an_attachment(api, portfolio):
    response = upload(api, "lease.pdf", PDF, lease=portfolio.lease.pk)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["lease"], body["home"], body["content_type"], body["size"], body["original_name"]) == \
        (portfolio.lease.pk, None, "application/pdf", len(PDF), "lease.pdf")
    assert body["has_file"] and body["download_url"].endswith(f"{URL}{body['id']}/download/")
    download = api.get(body["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="lease.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("page.html", b"<!doctype html><script>alert(1)</script>", "SVG or HTML"),
    ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "SVG or HTML"),
    ("tool.exe", b"MZ\x90\x00\x03" + b"\x00" * 200, "not accepted"),
    ("photo.pdf", PNG, "named like a PDF"),
    ("empty.pdf", b"", "empty"),
])
def test_a_file_of_a_refused_type_is_a_400_that_says_why(api, portfolio, name, content, expected):
    response = upload(api, name, content, home=portfolio.home.pk)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert expected in " ".join(error["fields"]["file"])
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused(api, portfolio, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    response = upload(api, "big.pdf", PDF + b"0" * 2048, home=portfolio.home.pk)
    assert response.status_code == 400
    assert "the limit is" in error_of(response)["fields"]["file"][0]


def test_an_upload_too_large_to_hold_an_allowed_file_is_refused_before_it_is_read(api, portfolio, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    response = upload(api, "huge.pdf", PDF + b"0" * 200_000, home=portfolio.home.pk)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "request_too_large" and "at most" in error["message"]


def test_a_link_is_registered_with_json_and_has_nothing_to_download(api, portfolio):
    response = api.post(URL, {"location": portfolio.neighborhood.pk, "title": "Plat map",
                              "external_url": "https://files.example.com/plat.pdf"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["has_file"], body["download_url"], body["location"]) == (False, None, portfolio.neighborhood.pk)
    missing = api.get(f"{URL}{body['id']}/download/")
    assert missing.status_code == 404 and "is a link" in error_of(missing)["message"]


@pytest.mark.parametrize(("body", "expected"), [
    ({"title": "x", "external_url": LINK}, "exactly one of home, lease or location (none given)"),
    ({"title": "x", "home": "HOME", "lease": "LEASE", "external_url": LINK}, "(home, lease given)"),
    ({"title": "x", "home": "HOME"}, "either a file"),
])
def test_a_document_needs_one_target_and_a_file_or_a_link(api, portfolio, body, expected):
    body = {k: {"HOME": portfolio.home.pk, "LEASE": portfolio.lease.pk}.get(v, v) for k, v in body.items()}
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert expected in error_of(response)["message"]


def test_details_change_but_the_file_stays_and_delete_removes_both(api, portfolio,
                                                                  django_capture_on_commit_callbacks):
    created = upload(api, "lease.pdf", PDF, lease=portfolio.lease.pk).json()
    stored = Document.objects.get(pk=created["id"]).file
    url = f"{URL}{created['id']}/"
    changed = api.patch(url, {"title": "Lease (signed)", "shareable": True}, format="json")
    assert (changed.json()["title"], changed.json()["shareable"]) == ("Lease (signed)", True)
    refused = api.patch(url, {"lease": None}, format="json")
    assert refused.status_code == 400 and "fixed at creation" in error_of(refused)["fields"]["lease"][0]
    assert stored.storage.exists(stored.name)
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the deletion commits
        assert api.delete(url).status_code == 204
    assert not Document.objects.filter(pk=created["id"]).exists()
    assert not stored.storage.exists(stored.name)
