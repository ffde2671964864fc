"""Pull mapping from fixtures: RentEngine's string-typed numbers, its address shapes, nulls, extremes, refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from integrations.base import MappingError, Ref
from integrations.rentengine import mapping
from tests.integrations.rentengine.fixtures import cases, load, unmappable


def as_compared(value):
    return format(value, "f") if isinstance(value, Decimal) else value


def test_a_multifamily_property_becomes_a_property_location_with_its_address_split():
    first, second = (mapping.map_property(r) for r in load("properties_page_1"))
    assert first.fields == {"kind": "property", "name": "Harbor View Apartments", "address_line1": "410 Harbor Dr",
                            "address_line2": "", "city": "Tampa", "state": "FL", "postal_code": "33602",
                            "country": "US"}
    assert first.parents == {}
    # A suite in the street part, a ZIP+4 and a trailing country are all understood.
    assert (second.fields["address_line1"], second.fields["city"], second.fields["postal_code"]) == (
        "1200 Congress Ave, Suite 5", "Austin", "78701-2204")


@pytest.mark.parametrize("case", cases("properties_nulls_and_extremes"))
def test_properties_with_nulls_and_extremes(case):
    fields = mapping.map_property(case["record"]).fields
    assert {k: fields[k] for k in case["expected"]} == case["expected"]


@pytest.mark.parametrize(("reason", "record"), unmappable("properties"))
def test_a_property_that_cannot_be_mapped_says_why(reason, record):
    with pytest.raises(MappingError, match=reason):
        mapping.vendor_id(record)
        mapping.map_property(record)


def test_a_unit_reads_its_string_numbers_and_stands_under_its_multifamily_property():
    unit = load("units_page_1")[0]
    mapped = mapping.map_unit(unit)
    assert mapped.fields == {
        "address_line1": "410 Harbor Dr", "address_line2": "", "city": "Tampa", "state": "FL", "postal_code": "33602",
        "country": "US", "unit_number": "204", "home_type": "multi_family", "bedrooms": 2,
        "bathrooms": Decimal("1.5"), "size_sqft": 950, "market_rent": Decimal("1450.00"), "status": "active",
    }
    assert mapped.parents == {"location": Ref("properties", "0d6f7a2e-3b1c-4c55-9a51-7f0e1f7c2a01")}
    assert mapping.vendor_id(unit) == "5012"
    assert mapping.updated_at(unit) == dt.datetime(2026, 2, 1, 9, 15, 0, 500000, tzinfo=dt.UTC)


def test_a_single_family_unit_goes_under_the_connections_default_location():
    unit = {**load("units_page_1")[1], mapping.DEFAULT_LOCATION_KEY: "17"}
    mapped = mapping.map_unit(unit)
    assert mapped.parents == {"location": Ref.portal("locations.Location", "17")}
    assert mapped.fields["state"] == "TX"  # "Texas"
    assert (mapped.fields["size_sqft"], mapped.fields["market_rent"]) == (1640, Decimal("2395.50"))  # "1,640"
    assert mapped.fields["home_type"] == "single_family" and mapped.fields["unit_number"] == ""


@pytest.mark.parametrize("case", cases("units_nulls_and_extremes"))
def test_units_with_nulls_and_extremes(case):
    fields = mapping.map_unit(case["record"]).fields
    assert {k: as_compared(fields[k]) for k in case["expected"]} == case["expected"]


@pytest.mark.parametrize(("reason", "record"), unmappable("units"))
def test_a_unit_that_cannot_be_mapped_says_why(reason, record):
    with pytest.raises(MappingError, match=reason):
        mapping.map_unit(record)


@pytest.mark.parametrize(("status", "portal"), [
    ("Available", "active"), ("Leased", "active"), ("On Hold", "active"), ("Archived", "inactive"),
    ("Expired", "inactive"), ("Withdrawn", "inactive"), ("Incomplete", "pending"), ("Under Review", "pending"),
    ("Price Analysis", "pending"), ("Withdrawal Requested", "pending"),
])
def test_every_listing_status_has_a_home_status(status, portal):
    unit = {**load("units_page_1")[0], "status": status}
    assert mapping.map_unit(unit).fields["status"] == portal


@pytest.mark.parametrize(("kind", "in_multifamily", "expected"), [
    ("SINGLE FAMILY RESIDENCE", True, "single_family"), ("TOWNHOUSE", False, "single_family"),
    ("DUPLEX", False, "multi_family"), ("TRIPLEX", False, "multi_family"), ("CONDO", False, "multi_family"),
    ("ROOM", False, "multi_family"), ("ADU", False, "multi_family"), ("MULTI-FAMILY", False, "multi_family"),
    (None, True, "multi_family"), (None, False, "single_family"), ("castle", True, "multi_family"),
])
def test_the_home_type_follows_the_property_type_then_where_the_unit_stands(kind, in_multifamily, expected):
    assert mapping.home_type(kind, in_multifamily) == expected


def test_mapping_is_pure_the_record_is_not_changed():
    unit = load("units_page_1")[0]
    before = repr(unit)
    mapping.map_unit(unit)
    mapping.map_property(load("properties_page_1")[0])
    assert repr(unit) == before


def test_a_timestamp_without_a_zone_is_utc_and_garbage_is_no_time():
    assert mapping.updated_at({"updated_at": "2026-01-01T10:00:00"}) == dt.datetime(2026, 1, 1, 10, tzinfo=dt.UTC)
    assert mapping.updated_at({"updated_at": "2026-01-01T10:00:00-05:00"}).hour == 15
    assert mapping.updated_at({"updated_at": "yesterday"}) is None
    assert mapping.updated_at({}) is None
