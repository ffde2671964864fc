import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.homes import imports
from portal.homes import services as homes
from portal.homes.models import Home, HomeImport
from portal.locations import services as locations
from portal.locations.models import Kind
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = ["external_id", "location", "address_line1", "city", "state", "postal_code", "market_rent"]


def csv_file(rows: list[list[str]], header: list[str] = HEADER, name: str = "homes.csv", encoding: str = "utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


@pytest.fixture
def located(portfolio):
    locations.update_location(portfolio.neighborhood, external_id="NB-1")
    return portfolio


def upload(client, file):
    return client.post("/homes/import/", {"file": file})


def preview_of(client, file) -> tuple[HomeImport, str]:
    response = upload(client, file)
    assert response.status_code == 302, response.content.decode()
    batch = HomeImport.objects.get()
    return batch, client.get(response["Location"]).content.decode()


MIXED = [
    ["N-1", "NB-1", "10 New St", "Dayton", "OH", "45402", "1500"],
    ["N-2", "Cove", "11 New St", "Dayton", "oh", "45402", ""],
    ["H1", "", "1 Elm St", "Dayton", "OH", "45402", "1999"],  # updates the portfolio's home
    ["N-3", "NB-1", "12 Bad St", "Dayton", "Ohio", "45402", "1000"],
]


def test_the_template_names_every_column(member_client):
    response = member_client.get("/homes/import/template.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header[:3] == ["external_id", "location", "address_line1"] and "market_rent" in header


def test_the_preview_counts_creates_updates_and_rows_with_errors_and_changes_nothing(member_client, located):
    batch, html = preview_of(member_client, csv_file(MIXED))
    assert "Would create 2, update 1, 1 row with errors." in html
    errors = html.split('id="errors-heading"')[1].split("</table>")[0]
    assert '<td class="num">5</td>' in errors and "state: Ensure this value has at most 2 characters" in errors
    assert Home.objects.count() == 1
    assert (batch.creates, batch.updates, batch.error_rows) == (2, 1, 1)


def test_applying_writes_the_valid_rows_as_an_import_in_history(member_client, located):
    batch, _ = preview_of(member_client, csv_file(MIXED))
    response = member_client.post(f"/homes/import/{batch.pk}/apply/", follow=True)
    assert "Imported homes.csv: 2 created, 1 updated. 1 row with errors skipped." in response.content.decode()
    assert set(Home.objects.values_list("external_id", flat=True)) == {"H1", "N-1", "N-2"}
    assert Home.objects.get(external_id="N-2").state == "OH"
    located.home.refresh_from_db()
    assert located.home.market_rent == Decimal("1999")
    last = located.home.history.latest()
    assert last.actor_kind == "import" and last.actor_label == "CSV import homes.csv by manager@example.com"
    assert last.history_user.email == "manager@example.com"
    batch.refresh_from_db()
    assert batch.status == HomeImport.Status.APPLIED and batch.content == ""
    assert member_client.post(f"/homes/import/{batch.pk}/apply/").status_code == 404  # applied once only


def test_cancelling_forgets_the_file_and_changes_nothing(member_client, located):
    batch, _ = preview_of(member_client, csv_file(MIXED))
    response = member_client.post(f"/homes/import/{batch.pk}/cancel/", follow=True)
    assert "Import cancelled: nothing was changed." in response.content.decode()
    assert not HomeImport.objects.exists() and Home.objects.count() == 1


def test_apply_is_all_or_nothing_when_a_write_is_refused(member_client, located, monkeypatch):
    """Between the apply's own check and its writes another member takes an external id of the file: the service
    refuses that row, and the rows before it are undone too."""
    real_create = homes.create_home

    def colleague_first(organization, **fields):
        if fields.get("external_id") == "OK-2":
            real_create(organization, location=located.neighborhood, address_line1="7 Quick Way", city="Dayton",
                        state="OH", postal_code="45402", external_id="OK-2")
        return real_create(organization, **fields)

    rows = [["OK-1", "NB-1", "20 Fine St", "Dayton", "OH", "45402", ""],
            ["OK-2", "NB-1", "21 Clash St", "Dayton", "OH", "45402", ""]]
    batch, html = preview_of(member_client, csv_file(rows))
    assert "Would create 2, update 0, 0 rows with errors." in html
    monkeypatch.setattr(homes, "create_home", colleague_first)
    response = member_client.post(f"/homes/import/{batch.pk}/apply/", follow=True)
    assert "Nothing was imported. Line 3: A record with this external id already exists." in response.content.decode()
    assert not Home.objects.filter(external_id__in=["OK-1", "OK-2"]).exists()
    assert HomeImport.objects.get().status == HomeImport.Status.PENDING


@pytest.fixture
def two_regions(located):
    """The portfolio's North (neighborhood NB-1, home H1) and a South region with neighborhood NB-2 and home S-1;
    a manager limited to each."""
    org = located.org
    south = locations.create_location(org, kind=Kind.REGION, name="South")
    division = locations.create_location(org, kind=Kind.DIVISION, name="Gulf", parent=south)
    master = locations.create_location(org, kind=Kind.MASTER_COMMUNITY, name="Delta", parent=division)
    bayou = locations.create_location(org, kind=Kind.NEIGHBORHOOD, name="Bayou", parent=master, external_id="NB-2")
    homes.create_home(org, location=bayou, address_line1="5 Levee Rd", city="Houma", state="LA", postal_code="70360",
                      external_id="S-1")
    north_member = MembershipFactory(organization=org, user=UserFactory(email="north@example.com"))
    north_member.scope.add(located.region)
    south_member = MembershipFactory(organization=org, user=UserFactory(email="south@example.com"))
    south_member.scope.add(south)
    return north_member.user, south_member.user


def test_a_member_imports_only_inside_their_scope_with_a_clear_reason_per_row(client, two_regions):
    north, south = two_regions
    rows = [["N-1", "NB-1", "10 New St", "Dayton", "OH", "45402", ""],    # North: fine
            ["N-2", "Bayou", "11 New St", "Houma", "LA", "70360", ""],    # a new home in the South
            ["S-1", "", "5 Levee Rd", "Houma", "LA", "70360", "900"],     # the South's home
            ["H1", "NB-2", "1 Elm St", "Dayton", "OH", "45402", ""]]      # moving the North's home South
    client.force_login(north)
    batch, html = preview_of(client, csv_file(rows))
    assert "Would create 1, update 0, 3 rows with errors." in html
    errors = html.split('id="errors-heading"')[1].split("</table>")[0]
    outside = "outside the locations your membership is limited to"
    assert f"location: “Bayou” is {outside}" in errors and f"location: “NB-2” is {outside}" in errors
    assert f"external_id: “S-1” belongs to a home {outside}" in errors
    response = client.post(f"/homes/import/{batch.pk}/apply/", follow=True)
    assert "Imported homes.csv: 1 created, 0 updated. 3 rows with errors skipped." in response.content.decode()
    assert Home.objects.get(external_id="N-1").location.external_id == "NB-1"
    assert not Home.objects.filter(external_id="N-2").exists()
    assert Home.objects.get(external_id="S-1").market_rent is None
    assert Home.objects.get(external_id="H1").location.external_id == "NB-1"

    client.force_login(south)  # the other member: the mirror image
    mirror = [["N-3", "NB-1", "12 New St", "Dayton", "OH", "45402", ""],
              ["S-2", "NB-2", "6 Levee Rd", "Houma", "LA", "70360", ""],
              ["N-1", "", "10 New St", "Dayton", "OH", "45402", "1200"]]
    response = upload(client, csv_file(mirror))
    html = client.get(response["Location"]).content.decode()
    assert "Would create 1, update 0, 2 rows with errors." in html
    client.post(f"{response['Location']}apply/")
    assert set(Home.objects.values_list("external_id", flat=True)) == {"H1", "N-1", "S-1", "S-2"}


def test_a_preview_whose_member_lost_the_scope_is_not_applied_there(client, located, two_regions):
    """The scope is checked again at apply: a member moved to another region before applying writes nothing there."""
    north, _ = two_regions
    client.force_login(north)
    batch, html = preview_of(client, csv_file([["N-1", "NB-1", "10 New St", "Dayton", "OH", "45402", ""]]))
    assert "Would create 1, update 0, 0 rows with errors." in html
    membership = north.memberships.get()
    membership.scope.set([Home.objects.get(external_id="S-1").location.parent.parent.parent])
    response = client.post(f"/homes/import/{batch.pk}/apply/", follow=True)
    assert "Homes changed since this preview" in response.content.decode()
    assert "“NB-1” is outside the locations your membership is limited to" in response.content.decode()
    assert not Home.objects.filter(external_id="N-1").exists()


def test_previews_left_for_a_day_are_dropped_daily_with_their_files(member_client, located, other_org):
    import datetime as dt

    from django.utils import timezone

    from portal.core.tasks import drop_stale_import_previews

    left, _ = preview_of(member_client, csv_file(MIXED))
    fresh = HomeImport.objects.create(organization=located.org, created_by=left.created_by, file_name="new.csv",
                                      content="x")
    applied = HomeImport.objects.create(organization=located.org, created_by=left.created_by, file_name="done.csv",
                                        status=HomeImport.Status.APPLIED)
    elsewhere = HomeImport.objects.create(organization=other_org, created_by=left.created_by, file_name="o.csv",
                                          content="x")
    a_day_ago = timezone.now() - dt.timedelta(days=1, minutes=1)
    HomeImport.objects.filter(pk__in=[left.pk, applied.pk, elsewhere.pk]).update(created_at=a_day_ago)
    assert drop_stale_import_previews.apply().get() == 2  # every organization's, only unfinished ones
    assert set(HomeImport.objects.values_list("pk", flat=True)) == {fresh.pk, applied.pk}
    assert member_client.get(f"/homes/import/{left.pk}/").status_code == 404


def test_apply_refuses_a_stale_preview(member_client, located):
    batch, _ = preview_of(member_client, csv_file([["H1", "", "1 Elm St", "Dayton", "OH", "45402", "1999"]]))
    homes.update_home(Home.objects.get(external_id="H1"), market_rent=Decimal("1999"))  # someone else did it
    response = member_client.post(f"/homes/import/{batch.pk}/apply/", follow=True)
    assert "Homes changed since this preview" in response.content.decode()
    assert "Would create 0, update 0, 0 rows with errors." in response.content.decode()


@pytest.mark.parametrize(("file", "message"), [
    (csv_file([["N-1", "NB-1", "10 Café St", "Dayton", "OH", "45402", ""]], encoding="latin-1"),
     "The file is not UTF-8 text"),
    (csv_file([["N-1", "10 New St"]], header=["external_id", "address_line1"]),
     "Missing columns: location, city, state, postal_code."),
    (csv_file([], header=[*HEADER, "colour"]), "Unknown columns: colour."),
    (csv_file([]), "The file has a header row but no homes."),
    (SimpleUploadedFile("x.csv", b"\n\n"), "The file is empty"),
])
def test_an_unusable_file_is_refused_with_a_clear_reason(member_client, located, file, message):
    response = upload(member_client, file)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not HomeImport.objects.exists() and Home.objects.count() == 1


def test_too_many_rows_or_too_many_bytes_are_refused(member_client, located, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    rows = [[f"N-{i}", "NB-1", f"{i} New St", "Dayton", "OH", "45402", ""] for i in range(3)]
    assert "more than 2 rows" in upload(member_client, csv_file(rows)).content.decode()
    monkeypatch.setattr(imports, "MAX_BYTES", 100)
    assert "larger than" in upload(member_client, csv_file(rows[:1] * 1 + [["x" * 120] * 7])).content.decode()
    assert not HomeImport.objects.exists()


def test_formula_cells_are_refused_row_by_row(member_client, located):
    rows = [["N-1", "NB-1", "=HYPERLINK(\"http://x.example\")", "Dayton", "OH", "45402", ""],
            ["N-2", "NB-1", "@SUM(A1)", "Dayton", "OH", "45402", ""],
            ["N-3", "NB-1", "'=our own export", "Dayton", "OH", "45402", ""]]
    _, html = preview_of(member_client, csv_file(rows))
    assert "Would create 1, update 0, 2 rows with errors." in html
    assert "address_line1: “=HYPERLINK(&quot;http://x” looks like a spreadsheet formula" in html


def test_a_duplicate_external_id_in_the_file_and_an_unknown_location_are_row_errors(member_client, located):
    rows = [["N-1", "NB-1", "10 New St", "Dayton", "OH", "45402", ""],
            ["N-1", "NB-1", "11 New St", "Dayton", "OH", "45402", ""],
            ["N-4", "Atlantis", "12 New St", "Dayton", "OH", "45402", ""],
            ["N-5", "North", "13 New St", "Dayton", "OH", "45402", ""]]
    _, html = preview_of(member_client, csv_file(rows))
    assert "external_id: “N-1” is also on line 2." in html
    assert "no neighborhood or property has the external id or name “Atlantis”" in html
    assert "“North”" in html  # a region is not a place for a home
    assert "Would create 1, update 0, 3 rows with errors." in html


def test_a_home_under_an_inactive_neighborhood_is_a_row_error_with_the_services_reason(member_client, located):
    quiet = locations.create_location(located.org, kind=Kind.NEIGHBORHOOD, name="Quiet", parent=located.master)
    locations.deactivate_location(quiet)
    _, html = preview_of(member_client, csv_file([["N-1", "Quiet", "10 New St", "Dayton", "OH", "45402", ""]]))
    assert "Cannot add a home under “Quiet”: neighborhood “Quiet” is inactive." in html


def test_a_viewer_cannot_import(viewer_client, located):
    assert viewer_client.get("/homes/import/").status_code == 403
    assert upload(viewer_client, csv_file(MIXED)).status_code == 403


def test_someone_elses_or_another_organizations_import_is_not_found(client, member_client, located, other_org):
    batch, _ = preview_of(member_client, csv_file(MIXED))
    colleague = MembershipFactory(organization=located.org, user=UserFactory(email="colleague@example.com"))
    outsider = MembershipFactory(organization=other_org, user=UserFactory(email="outsider@example.com"))
    for user in (colleague.user, outsider.user):
        client.force_login(user)
        assert client.get(f"/homes/import/{batch.pk}/").status_code == 404
        assert client.post(f"/homes/import/{batch.pk}/apply/").status_code == 404
        assert client.post(f"/homes/import/{batch.pk}/cancel/").status_code == 404
    assert Home.objects.count() == 1 and HomeImport.objects.filter(status="pending").exists()
