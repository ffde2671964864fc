"""Upload a document to a home from its page, then download it as an attachment."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.portal.web_documents.files import PDF


def test_a_manager_uploads_a_document_to_a_home_and_downloads_it(signed_in, portfolio):
    page = signed_in
    page.goto(f"/homes/{portfolio.home.pk}/")
    page.get_by_role("link", name="Upload a document").click()

    page.get_by_label("Title").fill("Move-in inspection")
    page.get_by_label("Category").select_option(label="Inspection report")
    expect(page.get_by_label("Attach to home")).to_have_value(str(portfolio.home.pk))
    page.get_by_label("File").set_input_files(
        files=[{"name": "inspection.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Upload document").click()

    expect(page.get_by_text("“Move-in inspection” was uploaded.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Move-in inspection", exact=True).click()
    assert download.value.suggested_filename == "inspection.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    shot(page, "home_detail")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Documents").click()
    expect(page.get_by_role("link", name="Move-in inspection", exact=True)).to_be_visible()
    shot(page, "documents")


def test_a_file_that_is_not_what_it_claims_is_refused_with_the_reason(signed_in, portfolio):
    page = signed_in
    page.goto(f"/documents/upload/?home={portfolio.home.pk}")

    page.get_by_label("Title").fill("Photo")
    page.get_by_label("File").set_input_files(
        files=[{"name": "photo.png", "mimeType": "image/png", "buffer": PDF}]
    )
    page.get_by_role("button", name="Upload document").click()

    expect(page.get_by_text("The file is named like a PNG image but its content is a PDF.")).to_be_visible()
