"""BrikSync records -> portal fields, from fixtures named for the scenario (nulls, extremes, unmappable ones)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from integrations.base import MappingError, Ref, RemoteFile
from integrations.briksync import mapping
from tests.integrations.briksync.fixtures import items, load

PROPERTIES = {p["id"]: p for p in items("properties_page_1")}
MAPLE = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def with_property(unit: dict) -> dict:
    return {**unit, mapping.PROPERTY_KEY: PROPERTIES.get(unit.get("property_id"))}


def test_a_live_property_becomes_an_active_top_level_property_with_its_address():
    mapped = mapping.map_property(items("properties_page_1")[0])
    assert mapped.fields == {
        "kind": "property", "name": "Maple Residences", "address_line1": "120 Maple Ave",
        "address_line2": "Building B", "city": "Austin", "state": "TX", "postal_code": "78701", "country": "US",
        "is_active": True,
    }
    assert mapped.parents == {} and mapped.links == {}


def test_an_archived_property_is_inactive_and_a_country_name_is_read_as_its_code():
    mapped = mapping.map_property(items("properties_page_1")[1])
    assert (mapped.fields["is_active"], mapped.fields["country"], mapped.fields["address_line2"]) == (False, "US", "")


def test_a_property_with_nothing_but_a_name_maps_with_blank_address_and_the_default_country():
    mapped = mapping.map_property(items("properties_page_1")[2])
    assert mapped.fields["address_line1"] == mapped.fields["city"] == mapped.fields["state"] == ""
    assert mapped.fields["country"] == "US"


@pytest.mark.parametrize("case", load("properties_unmappable"), ids=lambda c: c["record"].get("id", "no-id"))
def test_an_unmappable_property_is_refused_with_its_reason(case):
    record = {k: ("N" * 201 if v == "NAME_201" else v) for k, v in case["record"].items()}
    with pytest.raises(MappingError, match=case["reason"].replace("(", r"\(").replace(")", r"\)")):
        mapping.vendor_id(record)
        mapping.map_property(record)


def test_a_unit_becomes_a_home_at_its_property_address():
    mapped = mapping.map_unit(with_property(items("units_page_1")[0]))
    assert mapped.fields == {
        "address_line1": "120 Maple Ave", "address_line2": "Building B", "city": "Austin", "state": "TX",
        "postal_code": "78701", "country": "US", "unit_number": "101", "home_type": "multi_family", "bedrooms": 2,
        "bathrooms": Decimal("1.5"), "size_sqft": 850, "market_rent": Decimal("1450.50"), "status": "active",
    }
    assert mapped.parents == {"location": Ref("properties", MAPLE)}


def test_numbers_sent_as_strings_are_read_exactly_and_a_reserved_unit_is_pending():
    fields = mapping.map_unit(with_property(items("units_page_1")[1])).fields
    assert (fields["bathrooms"], fields["market_rent"], fields["bedrooms"], fields["status"]) == (
        Decimal("1.0"), Decimal("995.00"), 0, "pending")


def test_the_unit_of_a_one_unit_property_is_a_single_family_home_and_inactive_stays_inactive():
    fields = mapping.map_unit(with_property(items("units_page_1")[2])).fields
    assert (fields["home_type"], fields["status"], fields["city"]) == ("single_family", "inactive", "Tampa")


@pytest.mark.parametrize("case", load("units_nulls_and_extremes"), ids=lambda c: c["scenario"])
def test_units_with_nulls_and_extreme_values(case):
    fields = mapping.map_unit(with_property(case["record"])).fields
    for name, expected in case["expect"].items():
        got = fields[name]
        assert (str(got) if isinstance(got, Decimal) else got) == expected, name


@pytest.mark.parametrize("case", load("units_unmappable"), ids=lambda c: c["record"]["id"])
def test_an_unmappable_unit_is_refused_with_its_reason(case):
    with pytest.raises(MappingError, match=case["reason"].replace("(", r"\(").replace(".", r"\.")):
        mapping.map_unit(with_property(case["record"]))


def test_a_tenant_becomes_a_person_with_a_lower_cased_email():
    first, second = (mapping.map_tenant(t).fields for t in items("tenants_page_1"))
    assert first == {"first_name": "Priya", "last_name": "Patel", "email": "priya.patel@example.com",
                     "phone": "+1 512 555 0101"}
    assert second == {"first_name": "Omar", "last_name": "Okafor", "email": "", "phone": ""}


@pytest.mark.parametrize("case", load("tenants_unmappable"), ids=lambda c: c["record"]["id"])
def test_an_unmappable_tenant_is_refused_with_its_reason(case):
    with pytest.raises(MappingError) as caught:
        mapping.map_tenant(case["record"])
    assert case["reason"] in str(caught.value)


def test_a_lease_lands_on_its_unit_with_its_one_tenant():
    mapped = mapping.map_lease(items("leases_page_1")[0])
    assert mapped.fields == {
        "lease_type": "fixed", "status": "active", "start_date": dt.date(2026, 1, 1),
        "end_date": dt.date(2026, 12, 31), "rent": Decimal("1450.50"), "deposit": Decimal("1450.50"), "due_day": 1,
    }
    assert mapped.parents == {"home": Ref("units", "u-101")}
    assert mapped.links == {"tenants": [Ref("tenants", "t-1")]}


def test_a_lease_without_an_end_date_runs_at_will_and_a_missing_deposit_is_zero():
    fields = mapping.map_lease(items("leases_page_1")[1]).fields
    assert (fields["lease_type"], fields["end_date"], fields["deposit"], fields["due_day"], fields["status"]) == (
        "at_will", None, Decimal("0.00"), 28, "terminated")


def test_a_one_day_draft_lease_of_one_cent_without_tenant_or_due_day():
    mapped = mapping.map_lease(items("leases_page_1")[2])
    assert (mapped.fields["start_date"], mapped.fields["end_date"]) == (dt.date(2026, 7, 1), dt.date(2026, 7, 1))
    assert (mapped.fields["rent"], mapped.fields["due_day"], mapped.links) == (Decimal("0.01"), 1, {"tenants": []})


@pytest.mark.parametrize("case", load("leases_unmappable"), ids=lambda c: c["record"]["id"])
def test_an_unmappable_lease_is_refused_with_its_reason(case):
    with pytest.raises(MappingError) as caught:
        mapping.map_lease(case["record"])
    assert case["reason"] in str(caught.value)


def test_a_property_document_lands_on_the_property_with_its_file_by_reference():
    doc = {**items("documents_page_1")[0], mapping.FETCH_KEY: lambda: b"%PDF-"}
    mapped = mapping.map_document(doc)
    remote = mapped.fields.pop("file")
    assert mapped.fields == {"title": "Insurance policy 2026", "category": "insurance",
                             "original_name": "insurance-2026.pdf", "external_url": ""}
    assert mapped.parents == {"location": Ref("properties", MAPLE)}
    assert isinstance(remote, RemoteFile) and remote.name == "insurance-2026.pdf" and remote.fetch() == b"%PDF-"
    assert remote.version == "d-1:48213:2026-01-05T10:00:00.000Z"


def test_a_lease_document_lands_on_the_lease_and_a_unit_document_on_its_home():
    lease_doc, unit_doc = items("documents_page_1")[1:3]
    assert mapping.map_document(lease_doc).parents == {"lease": Ref("leases", "l-1")}
    mapped = mapping.map_document(unit_doc)
    assert mapped.parents == {"home": Ref("units", "u-102")}
    assert (mapped.fields["category"], mapped.fields["original_name"]) == ("inspection", "Boiler inspection")
    assert mapped.fields["file"].fetch is None  # a fixture has no fetcher: the engine reports it if it must fetch


def test_a_tenant_level_document_has_no_place_in_the_portal():
    doc = items("documents_page_1")[3]
    assert mapping.document_target(doc) is None
    with pytest.raises(MappingError, match="tenant-level document"):
        mapping.map_document(doc)


def test_the_same_document_maps_to_the_same_file_version_and_a_new_upload_to_another():
    doc = items("documents_page_1")[0]
    again = mapping.map_document(dict(doc)).fields["file"]
    assert again == mapping.map_document(doc).fields["file"]
    assert mapping.map_document({**doc, "id": "d-9"}).fields["file"] != again
