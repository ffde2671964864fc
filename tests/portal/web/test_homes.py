import csv
import io
import re
from decimal import Decimal

import pytest

from portal.homes import services as homes
from portal.homes.models import Home, HomeType
from portal.leases import services as leases
from portal.leases.models import LeaseStatus
from portal.locations import services as locations
from portal.locations.models import Kind
from tests.portal.web.conftest import add_homes

pytestmark = pytest.mark.django_db

HOME = {"address_line1": "5 Birch Rd", "city": "Dayton", "state": "OH", "postal_code": "45402", "country": "US",
        "home_type": "single_family", "status": "active", "market_rent": "1800"}


def addresses(html: str) -> list[str]:
    return re.findall(r'<td><a href="/homes/\d+/">([^<]+)</a>', html)


def exported(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def mixed(portfolio):
    """Three homes: rented (active lease), a vacant multi-family unit under a property, an inactive one."""
    leases.transition_lease(portfolio.lease, LeaseStatus.ACTIVE)
    tower = locations.create_location(portfolio.org, kind=Kind.PROPERTY, name="Tower", parent=portfolio.region)
    homes.create_home(portfolio.org, location=tower, address_line1="9 High St", unit_number="4B", city="Akron",
                      state="OH", postal_code="44301", home_type=HomeType.MULTI_FAMILY, market_rent=Decimal(900))
    homes.create_home(portfolio.org, location=portfolio.neighborhood, address_line1="3 Ash Ct", city="Xenia",
                      state="OH", postal_code="45385", status="inactive", market_rent=Decimal(2500))
    return portfolio


def test_the_list_shows_the_homes_sorted_by_address(member_client, mixed, other_portfolio):
    html = member_client.get("/homes/").content.decode()
    assert addresses(html) == ["1 Elm St", "3 Ash Ct", "9 High St #4B"]
    assert "Showing 1–3 of 3" in html


@pytest.mark.parametrize(("query", "expected"), [
    ("sort=-rent", ["3 Ash Ct", "9 High St #4B", "1 Elm St"]),
    ("sort=rent", ["9 High St #4B", "3 Ash Ct", "1 Elm St"]),
    ("sort=city", ["9 High St #4B", "1 Elm St", "3 Ash Ct"]),
    ("home_type=multi_family", ["9 High St #4B"]),
    ("status=inactive", ["3 Ash Ct"]),
    ("occupied=yes", ["1 Elm St"]),
    ("occupied=no", ["3 Ash Ct", "9 High St #4B"]),
    ("active_lease=yes", ["1 Elm St"]),
    ("active_lease=no", ["3 Ash Ct", "9 High St #4B"]),
])
def test_the_list_filters_and_sorts(member_client, mixed, query, expected):
    assert addresses(member_client.get(f"/homes/?{query}").content.decode()) == expected


def test_the_location_filter_takes_the_whole_subtree(member_client, mixed):
    assert addresses(member_client.get(f"/homes/?location={mixed.division.pk}").content.decode()) == [
        "1 Elm St", "3 Ash Ct"]
    assert len(addresses(member_client.get(f"/homes/?location={mixed.region.pk}").content.decode())) == 3


def test_filtering_by_another_organizations_location_shows_nothing_of_theirs(member_client, mixed, other_portfolio):
    html = member_client.get(f"/homes/?location={other_portfolio.neighborhood.pk}").content.decode()
    assert addresses(html) == [] and "No homes match these filters" in html
    assert "Select a valid choice" in html


def test_the_list_pages_by_50(member_client, portfolio):
    add_homes(portfolio, 60)
    first = member_client.get("/homes/").content.decode()
    assert len(addresses(first)) == 50 and "Showing 1–50 of 61" in first
    second = member_client.get("/homes/?page=2").content.decode()
    assert len(addresses(second)) == 11 and "Showing 51–61 of 61" in second
    assert 'href="?page=1"' in second


def test_an_htmx_filter_returns_only_the_results(member_client, mixed):
    html = member_client.get("/homes/?status=inactive", headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<div id="home-results"') and "<html" not in html


def test_the_list_has_an_empty_state(member_client, org):
    html = member_client.get("/homes/").content.decode()
    assert "No homes yet" in html and 'href="/homes/new/"' in html


def test_the_homes_list_runs_the_same_queries_for_10_and_500_homes(member_client, portfolio, count_queries):
    add_homes(portfolio, 9)
    for query in ["", "?occupied=yes&sort=-rent", f"?location={portfolio.region.pk}&active_lease=no&page=2"]:
        member_client.get(f"/homes/{query}")
    small = [count_queries(lambda q=q: member_client.get(f"/homes/{q}"))
             for q in ["", "?occupied=yes&sort=-rent", f"?location={portfolio.region.pk}&active_lease=no"]]
    add_homes(portfolio, 491, start=9)
    large = [count_queries(lambda q=q: member_client.get(f"/homes/{q}"))
             for q in ["", "?occupied=yes&sort=-rent", f"?location={portfolio.region.pk}&active_lease=no"]]
    assert small == large


def test_the_export_is_the_filtered_list_as_csv(member_client, mixed):
    response = member_client.get("/homes/export.csv?status=active&sort=-rent")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="homes-acme-')
    rows = exported(response)
    assert rows[0][:4] == ["id", "external_id", "location", "address_line1"]
    assert [row[3] for row in rows[1:]] == ["9 High St", "1 Elm St"]  # no rent: last


def test_the_export_neutralizes_cells_a_spreadsheet_would_run_as_formulas(member_client, portfolio):
    homes.create_home(portfolio.org, location=portfolio.neighborhood, address_line1='=HYPERLINK("http://x.example")',
                      address_line2="+1 floor", unit_number="-2", city="@SUM(A1)", state="OH", postal_code="45402",
                      external_id="\tTAB")
    rows = exported(member_client.get("/homes/export.csv?sort=address"))
    row = next(r for r in rows if "HYPERLINK" in r[3])
    assert row[3] == "'=HYPERLINK(\"http://x.example\")"
    assert row[4] == "'+1 floor" and row[5] == "'-2" and row[6] == "'@SUM(A1)"
    assert row[1] == "'\tTAB"
    plain = next(r for r in rows if r[3] == "1 Elm St")
    assert plain[6] == "Dayton"


def test_the_detail_page_shows_the_home_and_everything_around_it(member_client, member, portfolio):
    homes.set_homeowner(portfolio.home, portfolio.person)
    response = member_client.get(f"/homes/{portfolio.home.pk}/")
    html = response.content.decode()
    assert "1 Elm St, Dayton, OH 45402" in html
    crumbs = html.split('aria-label="Location"')[1].split("</ol>")[0]
    assert re.findall(r">(\w+)</a>", crumbs) == ["Homes", "North", "Lakes", "Bay", "Cove"]
    owners = html.split('id="owners-heading"')[1].split("</section>")[0]
    assert f'href="/people/{portfolio.person.pk}/">Ada Park</a>' in owners and "Primary" in owners
    assert f'href="/leases/{portfolio.lease.pk}/"' in html
    assert "No documents yet." in html
    assert "Vendor links</h2>" in html  # the sync app's section, or the placeholder before it is installed


def test_the_detail_history_says_who_changed_what(member_client, portfolio):
    data = {**HOME, "location": portfolio.neighborhood.pk, "address_line1": "1 Elm St", "market_rent": "1650",
            "external_id": "H1"}
    assert member_client.post(f"/homes/{portfolio.home.pk}/edit/", data).status_code == 302
    history = member_client.get(f"/homes/{portfolio.home.pk}/").content.decode().split('id="history-heading"')[1]
    assert "Market rent: <del>—</del> → <ins>1650.00</ins>" in history
    assert "Postal code" not in history  # unchanged fields are not listed
    assert "manager@example.com" in history and "Created" in history


def test_a_home_is_created_from_the_form(member_client, portfolio):
    response = member_client.post("/homes/new/", {**HOME, "location": portfolio.neighborhood.pk, "state": "oh"})
    home = Home.objects.get(address_line1="5 Birch Rd")
    assert response["Location"] == f"/homes/{home.pk}/"
    assert home.state == "OH" and home.market_rent == Decimal("1800")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("state", "Ohio", "Ensure this value has at most 2 characters"),
    ("state", "O1", "Use the two-letter state code"),
    ("postal_code", "!!", "Enter a valid postal code."),
    ("home_type", "castle", "Select a valid choice"),
    ("city", "", "This field is required."),
])
def test_an_invalid_home_is_refused_with_the_reason_next_to_the_field(member_client, portfolio, field, value, message):
    response = member_client.post("/homes/new/", {**HOME, "location": portfolio.neighborhood.pk, field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    assert not Home.objects.filter(address_line1="5 Birch Rd").exists()


def test_a_home_under_an_inactive_neighborhood_is_refused_with_the_services_reason(member_client, portfolio):
    empty = locations.create_location(portfolio.org, kind=Kind.NEIGHBORHOOD, name="Quiet", parent=portfolio.master)
    locations.deactivate_location(empty)
    response = member_client.post("/homes/new/", {**HOME, "location": empty.pk})
    assert response.status_code == 400
    next_to_location = response.content.decode().split('id="id_location_error"')[1]
    assert "Cannot add a home under “Quiet”: neighborhood “Quiet” is inactive." in next_to_location
    assert not Home.objects.filter(address_line1="5 Birch Rd").exists()


def test_a_home_cannot_be_placed_under_another_organizations_location(member_client, portfolio, other_portfolio):
    response = member_client.post("/homes/new/", {**HOME, "location": other_portfolio.neighborhood.pk})
    assert response.status_code == 400
    assert not Home.objects.filter(address_line1="5 Birch Rd").exists()


def test_an_invalid_edit_changes_nothing(member_client, portfolio):
    data = {**HOME, "location": portfolio.neighborhood.pk, "postal_code": "#"}
    response = member_client.post(f"/homes/{portfolio.home.pk}/edit/", data)
    assert response.status_code == 400
    portfolio.home.refresh_from_db()
    assert portfolio.home.address_line1 == "1 Elm St" and portfolio.home.postal_code == "45402"


def test_a_viewer_reads_homes_but_cannot_create_or_edit(viewer_client, portfolio):
    assert viewer_client.get("/homes/").status_code == 200
    assert viewer_client.get(f"/homes/{portfolio.home.pk}/").status_code == 200
    assert viewer_client.get("/homes/export.csv").status_code == 200
    assert "Add a home" not in viewer_client.get("/homes/").content.decode()
    assert viewer_client.get("/homes/new/").status_code == 403
    assert viewer_client.post("/homes/new/", {**HOME, "location": portfolio.neighborhood.pk}).status_code == 403
    assert viewer_client.post(f"/homes/{portfolio.home.pk}/edit/", {**HOME}).status_code == 403
    assert not Home.objects.filter(address_line1="5 Birch Rd").exists()


@pytest.mark.parametrize("suffix", ["", "edit/"])
def test_another_organizations_home_is_not_found(member_client, portfolio, other_portfolio, suffix):
    assert member_client.get(f"/homes/{other_portfolio.home.pk}/{suffix}").status_code == 404


def test_the_export_never_contains_another_organizations_homes(member_client, portfolio, other_portfolio):
    rows = exported(member_client.get("/homes/export.csv"))
    assert len(rows) == 2 and rows[1][3] == "1 Elm St"
