import pytest

from portal.homes import services as homes
from tests.portal.web.conftest import add_homes

pytestmark = pytest.mark.django_db


def results(client, q: str, kind: str) -> str:
    html = client.get("/search/", {"q": q}).content.decode()
    marker = f'id="found-{kind}"'
    return html.split(marker)[1].split("</section>")[0] if marker in html else ""


def test_a_home_is_found_by_part_of_its_address_or_its_external_id(member_client, portfolio):
    assert f'href="/homes/{portfolio.home.pk}/"' in results(member_client, "elm st", "homes")
    assert f'href="/homes/{portfolio.home.pk}/"' in results(member_client, "H1", "homes")


def test_a_person_is_found_by_full_name_email_or_phone_digits(member_client, portfolio):
    homes.update_person(portfolio.person, phone="(555) 010-4477")
    link = f'href="/people/{portfolio.person.pk}/"'
    assert link in results(member_client, "ada park", "people")
    assert link in results(member_client, "ADA@example.com", "people")
    assert link in results(member_client, "555-010-4477", "people")
    assert link in results(member_client, "0104477", "people")


def test_a_lease_is_found_by_its_tenants_email_and_links_to_the_lease(member_client, portfolio):
    found = results(member_client, "ada@example.com", "leases")
    assert f'href="/leases/{portfolio.lease.pk}/"' in found
    assert "Ada Park (ada@example.com)" in found


def test_a_location_is_found_by_name(member_client, portfolio):
    assert f'href="/locations/{portfolio.neighborhood.pk}/"' in results(member_client, "cove", "locations")


def test_another_organizations_records_are_never_found(member_client, portfolio, other_portfolio):
    html = member_client.get("/search/", {"q": "ParkX"}).content.decode()
    assert "No matches" in html
    assert results(member_client, "elm", "homes").count("<li>") == 1


def test_a_one_letter_query_asks_for_more(member_client, portfolio):
    assert "Type at least 2 characters" in member_client.get("/search/", {"q": "a"}).content.decode()


def test_an_htmx_search_returns_only_the_results(member_client, portfolio):
    html = member_client.get("/search/", {"q": "elm"}, headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<div id="search-results">')
    assert "<html" not in html


def test_search_runs_the_same_queries_for_10_and_500_matches(member_client, portfolio, count_queries):
    add_homes(portfolio, 10)
    search = lambda: member_client.get("/search/", {"q": "grove"})  # noqa: E731
    search()
    small = count_queries(search)
    add_homes(portfolio, 490, start=10)
    assert count_queries(search) == small


def test_an_address_with_a_house_number_does_not_match_phone_numbers(member_client, portfolio):
    homes.update_person(portfolio.person, phone="555-114-4477")
    assert results(member_client, "4477 Elm", "people") == ""


def test_htmx_restoring_a_page_from_history_gets_the_whole_page(member_client, portfolio):
    html = member_client.get("/search/", {"q": "elm"}, headers={"HX-Request": "true",
                                                              "HX-History-Restore-Request": "true"}).content.decode()
    assert "<html" in html
