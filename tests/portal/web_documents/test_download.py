"""Downloads are authorized through the tenant's scope and always come as attachments of the checked type."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.documents import services as documents
from portal.locations import services as locations
from portal.locations.models import Kind
from tests.factories import MembershipFactory, UserFactory
from tests.portal.web_documents.files import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(portfolio):
    return documents.create_document(
        portfolio.org, target=portfolio.home, title="Inspection", category="inspection",
        # The browser's claimed type is ignored: the bytes decide.
        file=SimpleUploadedFile("Inspection report.pdf", PDF, content_type="text/html"),
    )


def test_a_member_downloads_the_file_as_an_attachment_with_its_checked_type(member_client, stored):
    response = member_client.get(reverse("documents:download", args=[stored.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Inspection report.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_viewer_may_download(viewer_client, stored):
    assert viewer_client.get(reverse("documents:download", args=[stored.pk])).status_code == 200


def test_an_external_document_redirects_to_its_url(member_client, portfolio):
    doc = documents.create_document(portfolio.org, target=portfolio.lease, title="Signed",
                                    external_url="https://files.example.com/signed.pdf")

    response = member_client.get(reverse("documents:download", args=[doc.pk]))

    assert response.status_code == 302
    assert response["Location"] == "https://files.example.com/signed.pdf"


def test_another_organizations_document_is_not_found(member_client, portfolio, other_portfolio):
    theirs = documents.create_document(other_portfolio.org, target=other_portfolio.home, title="Theirs",
                                       file=SimpleUploadedFile("t.pdf", PDF))

    response = member_client.get(reverse("documents:download", args=[theirs.pk]))

    assert response.status_code == 404
    assert PDF not in response.content


def test_a_visitor_who_is_not_signed_in_cannot_download(client, stored):
    response = client.get(reverse("documents:download", args=[stored.pk]))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_file_missing_from_storage_is_a_clear_not_found(member_client, stored):
    stored.file.storage.delete(stored.file.name)

    response = member_client.get(reverse("documents:download", args=[stored.pk]))

    assert response.status_code == 404


def test_a_member_limited_to_another_location_cannot_download(client, portfolio, stored):
    south = locations.create_location(portfolio.org, kind=Kind.REGION, name="South")
    membership = MembershipFactory(organization=portfolio.org, user=UserFactory())
    membership.scope.add(south)
    client.force_login(membership.user)

    response = client.get(reverse("documents:download", args=[stored.pk]))

    assert response.status_code == 404
