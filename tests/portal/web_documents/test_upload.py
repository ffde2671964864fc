"""Uploading a document: attached to one of the organization's records, a file or a link; bad files refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.documents.models import Document
from tests.portal.web_documents.files import HTML, PDF, png_bytes

pytestmark = pytest.mark.django_db
UPLOAD = reverse("documents:upload")


def pdf(name: str = "inspection.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_uploading_a_file_to_a_home_stores_it_with_its_checked_type(member_client, portfolio):
    response = member_client.post(UPLOAD, {
        "title": "Move-in inspection", "category": "inspection", "home": portfolio.home.pk, "file": pdf(),
        "shareable": "on", "display_start": "2026-01-01T09:00", "display_end": "2026-12-31T17:00",
    })

    doc = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("homes:detail", args=[portfolio.home.pk])
    assert (doc.home, doc.title, doc.category, doc.shareable) == (portfolio.home, "Move-in inspection",
                                                                   "inspection", True)
    assert (doc.content_type, doc.size, doc.original_name) == ("application/pdf", len(PDF), "inspection.pdf")
    assert doc.display_start.isoformat().startswith("2026-01-01T09:00")


def test_linking_a_document_to_a_lease_by_url_needs_no_file(member_client, portfolio):
    response = member_client.post(UPLOAD, {
        "title": "Signed lease", "category": "lease", "lease": portfolio.lease.pk,
        "external_url": "https://files.example.com/signed.pdf",
    })

    doc = Document.objects.get()
    assert response["Location"] == reverse("leases:detail", args=[portfolio.lease.pk])
    assert (doc.lease, doc.external_url, doc.file.name) == (portfolio.lease, "https://files.example.com/signed.pdf", "")


def test_a_document_can_be_attached_to_a_location(member_client, portfolio):
    member_client.post(UPLOAD, {"title": "Site plan", "category": "plan", "location": portfolio.neighborhood.pk,
                                "file": SimpleUploadedFile("plan.png", png_bytes())})

    assert Document.objects.get().location == portfolio.neighborhood


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (HTML, "page.html", "This file's content is an SVG or HTML file, which is not accepted."),
        (PDF, "photo.png", "The file is named like a PNG image but its content is a PDF."),
        (b"", "empty.pdf", "The submitted file is empty."),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_is_stored(member_client, portfolio, content, name,
                                                                           message):
    response = member_client.post(UPLOAD, {"title": "Bad", "category": "other", "home": portfolio.home.pk,
                                           "file": SimpleUploadedFile(name, content)})

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert not Document.objects.exists()


def test_a_file_over_the_size_limit_is_refused(member_client, portfolio, settings):
    settings.DOCUMENT_MAX_BYTES = 100

    response = member_client.post(UPLOAD, {"title": "Big", "category": "other", "home": portfolio.home.pk,
                                           "file": SimpleUploadedFile("big.txt", b"a" * 200)})

    assert response.status_code == 400
    assert "the limit is" in " ".join(response.context["form"].errors["file"])
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"home": "", "external_url": "https://x.example.com/a"}, "Choose exactly one record"),
        ({"external_url": "https://x.example.com/a", "lease": "LEASE"}, "Choose exactly one record"),
        ({}, "Attach either a file or an external URL"),
    ],
)
def test_a_document_needs_exactly_one_record_and_one_source(member_client, portfolio, data, message):
    data = {"title": "T", "category": "other", "home": portfolio.home.pk, **data}
    if data.get("lease") == "LEASE":
        data["lease"] = portfolio.lease.pk

    response = member_client.post(UPLOAD, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_a_display_window_that_ends_before_it_starts_is_refused(member_client, portfolio):
    response = member_client.post(UPLOAD, {
        "title": "T", "category": "other", "home": portfolio.home.pk, "external_url": "https://x.example.com/a",
        "display_start": "2026-05-01T00:00", "display_end": "2026-04-01T00:00",
    })

    assert response.status_code == 400
    assert "display_end" in response.context["form"].errors


def test_another_organizations_records_cannot_be_chosen(member_client, portfolio, other_portfolio):
    response = member_client.post(UPLOAD, {"title": "T", "category": "other", "home": other_portfolio.home.pk,
                                           "external_url": "https://x.example.com/a"})

    assert response.status_code == 400
    assert "Select a valid choice" in " ".join(response.context["form"].errors["home"])
    assert not Document.objects.exists()


def test_the_form_preselects_the_record_given_in_the_address(member_client, portfolio):
    body = member_client.get(UPLOAD, {"lease": portfolio.lease.pk}).content.decode()

    assert f'<option value="{portfolio.lease.pk}" selected>' in body


def test_a_viewer_cannot_upload(viewer_client, portfolio):
    get = viewer_client.get(UPLOAD)
    post = viewer_client.post(UPLOAD, {"title": "T", "category": "other", "home": portfolio.home.pk, "file": pdf()})

    assert get.status_code == post.status_code == 403
    assert not Document.objects.exists()
