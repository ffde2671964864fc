"""The document list (filters, paging, fixed query count) and deletion behind a confirmation page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.documents import services as documents
from portal.documents.models import Document
from tests.portal.web_documents.files import PDF

pytestmark = pytest.mark.django_db
URL = reverse("documents:list")


def link(portfolio, title: str, target=None, category: str = "other"):
    return documents.create_document(portfolio.org, target=target or portfolio.home, title=title, category=category,
                                     external_url=f"https://files.example.com/{title.replace(' ', '-')}")


def titles(response) -> list[str]:
    return [doc.title for doc in response.context["documents"]]


def test_the_list_shows_the_organizations_documents_and_what_they_are_attached_to(
    member_client, portfolio, other_portfolio
):
    link(portfolio, "Roof warranty", category="warranty")
    link(other_portfolio, "Their secret")

    body = member_client.get(URL).content.decode()

    assert "Roof warranty" in body and "Warranty" in body
    assert "Home: " in body and "1 Elm St, Dayton" in body
    assert "Their secret" not in body


def test_filters_narrow_by_category_attachment_and_search(member_client, portfolio):
    link(portfolio, "Roof warranty", category="warranty")
    link(portfolio, "Lease scan", target=portfolio.lease, category="lease")
    link(portfolio, "Site plan", target=portfolio.neighborhood, category="plan")

    assert titles(member_client.get(URL, {"category": "warranty"})) == ["Roof warranty"]
    assert titles(member_client.get(URL, {"attached": "lease"})) == ["Lease scan"]
    assert titles(member_client.get(URL, {"attached": "location"})) == ["Site plan"]
    assert titles(member_client.get(URL, {"q": "SCAN"})) == ["Lease scan"]


def test_an_empty_list_invites_an_upload_and_an_empty_filter_offers_to_clear_it(member_client, org):
    assert "Upload a document" in member_client.get(URL).content.decode()
    assert "No documents match these filters" in member_client.get(URL, {"q": "x"}).content.decode()


def test_the_list_runs_the_same_number_of_queries_for_10_and_500_documents(member_client, portfolio):
    targets = [portfolio.home, portfolio.lease, portfolio.neighborhood]
    for n in range(10):
        link(portfolio, f"Doc {n}", target=targets[n % 3])
    member_client.get(URL)
    with CaptureQueriesContext(connection) as small:
        assert member_client.get(URL).status_code == 200
    for n in range(10, 500):
        link(portfolio, f"Doc {n}", target=targets[n % 3])
    with CaptureQueriesContext(connection) as large:
        assert member_client.get(URL, {"page": 5, "q": "doc"}).status_code == 200

    assert len(small) == len(large), [q["sql"] for q in large.captured_queries]
    assert len(large) <= 10


def test_delete_asks_for_confirmation_first(member_client, portfolio):
    doc = link(portfolio, "Old invoice")

    body = member_client.get(reverse("documents:delete", args=[doc.pk])).content.decode()

    assert "Delete “Old invoice”?" in body and "Delete document" in body
    assert Document.objects.filter(pk=doc.pk).exists()


def test_confirming_deletes_the_document_and_its_file(member_client, portfolio, django_capture_on_commit_callbacks):
    doc = documents.create_document(portfolio.org, target=portfolio.home, title="Invoice",
                                    file=SimpleUploadedFile("i.pdf", PDF))
    storage, name = doc.file.storage, doc.file.name

    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the deletion is committed
        response = member_client.post(reverse("documents:delete", args=[doc.pk]))

    assert response.status_code == 302 and response["Location"] == URL
    assert not Document.objects.filter(pk=doc.pk).exists()
    assert not storage.exists(name)


def test_after_deleting_the_page_goes_back_where_it_was_asked_but_never_off_site(member_client, portfolio):
    here, away = link(portfolio, "A"), link(portfolio, "B")
    back = reverse("homes:detail", args=[portfolio.home.pk])

    local = member_client.post(reverse("documents:delete", args=[here.pk]), {"next": back})
    off_site = member_client.post(reverse("documents:delete", args=[away.pk]), {"next": "https://evil.example.com/"})

    assert local["Location"] == back
    assert off_site["Location"] == URL


def test_another_organizations_document_cannot_be_deleted(member_client, portfolio, other_portfolio):
    theirs = link(other_portfolio, "Theirs")

    response = member_client.post(reverse("documents:delete", args=[theirs.pk]))

    assert response.status_code == 404
    assert Document.objects.filter(pk=theirs.pk).exists()


def test_a_viewer_cannot_delete(viewer_client, portfolio):
    doc = link(portfolio, "Keep")

    assert viewer_client.get(reverse("documents:delete", args=[doc.pk])).status_code == 403
    assert viewer_client.post(reverse("documents:delete", args=[doc.pk])).status_code == 403
    assert Document.objects.filter(pk=doc.pk).exists()
