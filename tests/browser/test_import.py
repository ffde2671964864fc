"""Import homes from a CSV with one bad row: preview the outcome, then apply it."""

from __future__ import annotations

from playwright.sync_api import expect

from portal.homes.models import Home
from tests.browser.conftest import shot

CSV = (
    b"external_id,location,address_line1,city,state,postal_code\n"
    b"IMP-1,Cove,10 Import Rd,Dayton,OH,45402\n"
    b"IMP-2,Cove,12 Import Rd,Dayton,OH,45402\n"
    b"IMP-3,Cove,14 Import Rd,Dayton,Ohio,45402\n"
)


def test_a_manager_previews_a_csv_with_a_bad_row_and_applies_it(signed_in, portfolio):
    page = signed_in
    page.goto("/homes/")
    page.get_by_role("link", name="Import CSV").click()

    page.get_by_label("CSV file").set_input_files(files=[{"name": "homes.csv", "mimeType": "text/csv", "buffer": CSV}])
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_text("Would create 2, update 0, 1 row with errors.")).to_be_visible()
    errors = page.get_by_role("table").filter(has_text="Reason")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("state")  # line 4: "Ohio" is not a 2-letter code
    assert not Home.objects.filter(external_id__startswith="IMP-").exists()  # nothing changes before Apply
    shot(page, "import_preview")

    page.get_by_role("button", name="Apply: create 2, update 0").click()

    expect(page.get_by_text("Imported homes.csv: 2 created, 0 updated. 1 row with errors skipped.")).to_be_visible()
    expect(page.get_by_role("link", name="10 Import Rd", exact=False)).to_be_visible()
    imported = Home.objects.filter(external_id__startswith="IMP-").values_list("external_id", flat=True)
    assert sorted(imported) == ["IMP-1", "IMP-2"]
