"""Buildium records map to portal fields; records that cannot be mapped are refused with the reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from integrations.base import MappingError, Ref
from integrations.buildium import mapping
from tests.integrations.buildium.fixtures import by_id, load, unmappable

FILE_URL = "https://portal.example/integrations/buildium/files/1/"


def test_a_rental_property_becomes_a_top_level_property_with_its_address():
    mapped = mapping.map_property(by_id("rentals_page_1")[101])
    assert mapped.parents == {}
    assert mapped.fields == {
        "kind": "property",
        "name": "Maple Court",
        "is_active": True,
        "address_line1": "12 Maple St",
        "address_line2": "Building A, Rear entrance",
        "city": "Dayton",
        "state": "OH",
        "postal_code": "45402",
        "country": "US",
    }


def test_an_inactive_property_stays_inactive_and_a_zip_plus_four_is_kept():
    fields = mapping.map_property(by_id("rentals_page_1")[102]).fields
    assert fields["is_active"] is False
    assert fields["postal_code"] == "43215-1234"


def test_a_canadian_province_name_becomes_its_code_and_the_country_iso():
    fields = mapping.map_property(by_id("rentals_page_1")[103]).fields
    assert (fields["state"], fields["country"], fields["city"]) == ("QC", "CA", "Montréal")


def test_a_property_with_no_address_unknown_enums_and_extreme_numbers_still_maps():
    records = load("rentals_nulls_and_extremes")
    fields = [mapping.map_property(r).fields for r in records]
    assert fields[0]["name"] == "Padded name"
    assert fields[0]["is_active"] is True  # IsActive null: Buildium's default
    assert fields[0]["country"] == "US" and fields[0]["address_line1"] == ""
    assert fields[1]["city"] == "" and fields[1]["state"] == ""


def test_a_foreign_region_name_that_is_no_code_is_dropped_for_a_property():
    # A property's state is optional: outside the US and Canada a region name is not a 2-letter code.
    fields = mapping.map_property(load("rentals_nulls_and_extremes")[2]).fields
    assert (fields["country"], fields["state"]) == ("GI", "")


@pytest.mark.parametrize(("reason", "record"), unmappable("rentals"))
def test_an_unmappable_property_is_refused_with_the_reason(reason, record):
    with pytest.raises(MappingError, match=reason):
        mapping.map_property(record)


def test_a_unit_becomes_a_home_under_its_property_with_numbers_from_the_enums():
    mapped = mapping.map_unit(by_id("units_page_1")[5001])
    assert mapped.parents == {"location": Ref("properties", "101")}
    assert mapped.fields == {
        "unit_number": "2B",
        "address_line1": "12 Maple St",
        "address_line2": "Unit 2B",
        "city": "Dayton",
        "state": "OH",
        "postal_code": "45402",
        "country": "US",
        "market_rent": Decimal("1450.50"),
        "bedrooms": 2,
        "bathrooms": Decimal("1.5"),
        "size_sqft": 880,
        "home_type": "multi_family",
    }


def test_a_unit_of_a_single_family_property_is_a_single_family_home_and_a_studio_has_no_bedroom():
    fields = mapping.map_unit(by_id("units_page_1")[5002]).fields
    assert (fields["home_type"], fields["bedrooms"], fields["state"]) == ("single_family", 0, "OH")


def test_units_with_nulls_and_extreme_values_map_to_the_edges_the_portal_holds():
    first, second, third, fourth = (mapping.map_unit(r) for r in load("units_nulls_and_extremes"))
    assert first.parents["location"] == Ref("properties", "2147483647")
    assert {k: first.fields[k] for k in ("unit_number", "market_rent", "bedrooms", "bathrooms", "size_sqft")} == {
        "unit_number": "",
        "market_rent": None,
        "bedrooms": None,
        "bathrooms": None,
        "size_sqft": None,
    }
    assert first.fields["home_type"] == "single_family"  # property type unknown: single family
    assert (second.fields["market_rent"], second.fields["bedrooms"], second.fields["bathrooms"]) == (
        Decimal("9999999999.99"),
        9,
        Decimal("5.0"),
    )
    assert second.fields["size_sqft"] == 1_000_000 and second.fields["state"] == "PA"
    assert (third.fields["market_rent"], third.fields["size_sqft"], third.fields["state"]) == (Decimal("0.00"), 0, "PR")
    assert (fourth.fields["country"], fourth.fields["state"], fourth.fields["market_rent"]) == (
        "CA",
        "NS",
        Decimal("0.00"),
    )


@pytest.mark.parametrize(("reason", "record"), unmappable("units"))
def test_an_unmappable_unit_is_refused_with_the_reason(reason, record):
    with pytest.raises(MappingError, match=reason):
        mapping.map_unit(record)


def test_an_active_fixed_lease_maps_dates_money_due_day_unit_and_tenants_current_first():
    mapped = mapping.map_lease(by_id("leases_page_1")[9001])
    assert mapped.parents == {"home": Ref("units", "5001")}
    assert mapped.links == {"tenants": [Ref("tenants", "302"), Ref("tenants", "303"), Ref("tenants", "301")]}
    assert mapped.fields == {
        "lease_type": "fixed",
        "status": "active",
        "start_date": dt.date(2026, 1, 1),
        "end_date": dt.date(2026, 12, 31),
        "rent": Decimal("1450.50"),
        "deposit": Decimal("1450.00"),
        "due_day": 5,
    }


def test_a_future_at_will_lease_is_a_draft_with_no_money_and_the_first_as_due_day():
    mapped = mapping.map_lease(by_id("leases_page_1")[9002])
    assert (mapped.fields["status"], mapped.fields["lease_type"], mapped.fields["end_date"]) == (
        "draft",
        "at_will",
        None,
    )
    assert (mapped.fields["rent"], mapped.fields["deposit"], mapped.fields["due_day"]) == (Decimal("0.00"),) * 2 + (1,)
    assert mapped.links == {"tenants": []}


def test_a_past_lease_is_ended_and_a_tenant_listed_twice_is_linked_once():
    mapped = mapping.map_lease(by_id("leases_page_1")[9003])
    assert (mapped.fields["status"], mapped.fields["lease_type"], mapped.fields["due_day"]) == (
        "ended",
        "fixed_with_rollover",
        31,
    )
    assert mapped.links == {"tenants": [Ref("tenants", "304")]}


def test_a_lease_of_type_none_is_fixed_with_an_end_date_and_at_will_without_one():
    with_end, without_end = by_id("leases_page_1")[9004], by_id("leases_page_1")[9005]
    fixed = mapping.map_lease(with_end).fields
    assert fixed["lease_type"] == "fixed" and fixed["start_date"] == dt.date(2023, 1, 1)
    assert (fixed["rent"], fixed["deposit"]) == (Decimal("9999999999.99"), Decimal("9999999999.99"))
    assert mapping.map_lease(without_end).fields["lease_type"] == "at_will"


@pytest.mark.parametrize(("reason", "record"), unmappable("leases"))
def test_an_unmappable_lease_is_refused_with_the_reason(reason, record):
    with pytest.raises(MappingError, match=reason):
        mapping.map_lease(record)


def test_a_tenant_becomes_a_person_with_a_lowercased_email_and_the_mobile_first():
    fields = mapping.map_tenant(by_id("tenants_page_1")[302]).fields
    assert fields == {
        "first_name": "Ada",
        "last_name": "Park",
        "email": "ada.park@example.com",
        "alternate_email": "",
        "phone": "555-0102",
        "alternate_phone": "555-0101",
    }


def test_a_tenant_with_empty_and_null_contact_details_maps_to_blanks():
    sparse, odd_phones = by_id("tenants_page_1")[303], by_id("tenants_page_1")[304]
    assert mapping.map_tenant(sparse).fields == {
        "first_name": "Bo",
        "last_name": "Lind",
        "email": "",
        "alternate_email": "",
        "phone": "",
        "alternate_phone": "",
    }
    assert mapping.map_tenant(odd_phones).fields["phone"] == "555-0199"  # unknown phone type ranks last, is kept


@pytest.mark.parametrize(("reason", "record"), unmappable("tenants"))
def test_an_unmappable_tenant_is_refused_with_the_reason(reason, record):
    with pytest.raises(MappingError, match=reason):
        mapping.map_tenant(record)


def test_an_owner_is_a_person_and_a_company_owner_keeps_its_name_as_first_name():
    owners = by_id("owners_page_1")
    person = mapping.map_owner(owners[401]).fields
    assert (person["first_name"], person["alternate_email"], person["phone"]) == (
        "Grace",
        "grace.h@example.org",
        "555-0200",
    )
    company = mapping.map_owner(owners[402]).fields
    assert (company["first_name"], company["last_name"]) == ("Hall Holdings LLC", "(company)")


@pytest.mark.parametrize(("reason", "record"), unmappable("owners"))
def test_an_unmappable_owner_is_refused_with_the_reason(reason, record):
    with pytest.raises(MappingError, match=reason):
        mapping.map_owner(record)


def test_a_lease_file_becomes_a_lease_document_that_refers_to_the_vendor_file():
    mapped = mapping.map_file(by_id("files_page_1")[601], FILE_URL)
    assert mapped.parents == {"lease": Ref("leases", "9001")}
    assert mapped.fields == {
        "title": "Signed lease 2026",
        "category": "lease",
        "original_name": "9c1e1f2a-lease.pdf",
        "content_type": "application/pdf",
        "size": 183422,
        "external_url": FILE_URL,
    }


def test_unit_and_property_files_attach_to_the_home_and_the_location_with_a_category_from_the_title():
    files = by_id("files_page_1")
    unit_file, roof, untitled = (mapping.map_file(files[i], FILE_URL) for i in (602, 603, 604))
    assert unit_file.parents == {"home": Ref("units", "5001")}
    assert (unit_file.fields["category"], unit_file.fields["content_type"]) == ("inspection", "")
    assert roof.parents == {"location": Ref("properties", "101")}
    assert (roof.fields["title"], roof.fields["category"], roof.fields["size"]) == (
        "roof-warranty.pdf",
        "warranty",
        2147483647,
    )
    assert untitled.fields["title"] == "Buildium file 604"


@pytest.mark.parametrize(("reason", "record"), unmappable("files"))
def test_an_unmappable_file_is_refused_with_the_reason(reason, record):
    with pytest.raises(MappingError, match=reason):
        mapping.map_file(record, FILE_URL)


@pytest.mark.parametrize(("ours", "vendor", "verdict"), [
    ("terminated", "Past", "keep"), ("ended", "Past", "keep"),  # Past is said by either end of a lease
    ("renewed", "Active", "keep"), ("active", "Active", "keep"), ("draft", "Future", "keep"),
    ("active", "Past", "take"), ("renewed", "Past", "take"), ("draft", "Active", "take"),  # lifecycle moves
    ("ended", "Active", "conflict"), ("terminated", "Active", "conflict"),  # ended here, still running there
    ("active", "Future", "conflict"), ("draft", "Past", "conflict"), ("terminated", "Future", "conflict"),
])
def test_a_pulled_lease_status_is_kept_taken_or_a_conflict_against_the_portals(ours, vendor, verdict):
    theirs = mapping.LEASE_STATUS[vendor]
    assert mapping.settle_lease_status(ours, theirs) == verdict


def test_every_verdict_to_take_is_a_move_the_lease_lifecycle_allows():
    from portal.leases.models import TRANSITIONS, LeaseStatus

    for ours in LeaseStatus.values:
        for theirs in set(mapping.LEASE_STATUS.values()):
            verdict = mapping.settle_lease_status(ours, theirs)
            assert (verdict == "take") == (theirs in TRANSITIONS[ours] and verdict != "keep"), (ours, theirs)
