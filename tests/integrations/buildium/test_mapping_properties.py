"""Whatever values Buildium sends, mapping either returns fields the portal can store or raises MappingError."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from integrations.base import MappingError
from integrations.buildium import mapping
from integrations.buildium.geo import COUNTRY_TO_ISO

INT32 = st.integers(min_value=-(2**31), max_value=2**31 - 1)
# Anything a JSON value may be, weighted toward what the spec allows (nulls, empty strings, int32, doubles).
ANY_VALUE = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=40),
    INT32,
    st.floats(allow_nan=False),
    st.booleans(),
    st.integers(),
    st.lists(st.integers(), max_size=2),
)
ADDRESS = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            "AddressLine1": st.one_of(st.none(), st.text(max_size=120)),
            "City": st.one_of(st.none(), st.text(max_size=120)),
            "State": st.one_of(st.none(), st.sampled_from(["OH", "Ohio", "Quebec", "XX", ""]), st.text(max_size=5)),
            "PostalCode": st.one_of(st.none(), st.text(max_size=12), st.just("45402")),
            "Country": st.one_of(st.sampled_from(sorted(COUNTRY_TO_ISO)), st.text(max_size=10)),
        },
    ),
)
UNIT = st.fixed_dictionaries(
    {"Id": INT32},
    optional={
        "PropertyId": st.one_of(INT32, ANY_VALUE),
        "UnitNumber": ANY_VALUE,
        "MarketRent": ANY_VALUE,
        "UnitBedrooms": st.one_of(st.sampled_from(list(mapping.BEDROOMS)), ANY_VALUE),
        "UnitBathrooms": st.one_of(st.sampled_from(list(mapping.BATHROOMS)), ANY_VALUE),
        "UnitSize": ANY_VALUE,
        "Address": ADDRESS,
        "_PropertySubType": ANY_VALUE,
    },
)
LEASE = st.fixed_dictionaries(
    {"Id": INT32},
    optional={
        "UnitId": st.one_of(INT32, ANY_VALUE),
        "LeaseFromDate": st.one_of(st.dates().map(str), ANY_VALUE),
        "LeaseToDate": st.one_of(st.dates().map(str), ANY_VALUE),
        "LeaseType": st.one_of(st.sampled_from(["None", "Fixed", "FixedWithRollover", "AtWill"]), ANY_VALUE),
        "LeaseStatus": st.one_of(st.sampled_from(["Active", "Past", "Future"]), ANY_VALUE),
        "PaymentDueDay": st.one_of(INT32, ANY_VALUE),
        "AccountDetails": st.one_of(
            st.none(), st.fixed_dictionaries({}, optional={"Rent": ANY_VALUE, "SecurityDeposit": ANY_VALUE})
        ),
        "Tenants": st.one_of(
            st.none(), st.lists(st.fixed_dictionaries({"Id": ANY_VALUE, "Status": ANY_VALUE}), max_size=3)
        ),
    },
)


def _fits_money(value: Decimal | None) -> bool:
    return value is None or (Decimal(0) <= value < Decimal("10000000000") and value == value.quantize(Decimal("0.01")))


@settings(max_examples=300, deadline=None)
@given(UNIT)
def test_any_unit_maps_to_storable_fields_or_is_refused_with_a_reason(raw):
    try:
        fields = mapping.map_unit(raw).fields
    except MappingError as exc:
        assert str(exc)
        return
    assert all(fields[k] for k in ("address_line1", "city", "state", "postal_code"))
    assert len(fields["state"]) == 2 and len(fields["unit_number"]) <= 20 and len(fields["country"]) == 2
    assert _fits_money(fields["market_rent"])
    assert fields["size_sqft"] is None or 0 <= fields["size_sqft"] <= 1_000_000
    assert fields["bedrooms"] is None or 0 <= fields["bedrooms"] <= 50


@settings(max_examples=300, deadline=None)
@given(LEASE)
def test_any_lease_maps_to_storable_fields_or_is_refused_with_a_reason(raw):
    try:
        fields = mapping.map_lease(raw).fields
    except MappingError as exc:
        assert str(exc)
        return
    assert isinstance(fields["start_date"], dt.date)
    assert fields["end_date"] is None or fields["end_date"] >= fields["start_date"]
    assert fields["lease_type"] == "at_will" or fields["end_date"] is not None
    assert _fits_money(fields["rent"]) and _fits_money(fields["deposit"])
    assert 1 <= fields["due_day"] <= 31


# --- every stream: what mapping returns passes the portal's own field checks ------------------------------------
PHONES = st.one_of(st.none(), st.lists(st.fixed_dictionaries({}, optional={
    "Number": ANY_VALUE, "Type": st.one_of(st.sampled_from(["Cell", "Home", "Work", "Fax"]), ANY_VALUE)}), max_size=3))
PERSON = {
    "FirstName": ANY_VALUE, "LastName": ANY_VALUE, "Email": st.one_of(ANY_VALUE, st.emails()),
    "AlternateEmail": st.one_of(ANY_VALUE, st.emails()), "PhoneNumbers": PHONES, "Address": ADDRESS,
}
RENTAL = st.fixed_dictionaries({"Id": INT32}, optional={
    "Name": ANY_VALUE, "Address": ADDRESS, "IsActive": ANY_VALUE,
    "RentalSubType": st.one_of(st.sampled_from(["MultiFamily", "SingleFamily", "Office"]), ANY_VALUE)})
TENANT = st.fixed_dictionaries({"Id": INT32}, optional=PERSON)
OWNER = st.fixed_dictionaries({"Id": INT32}, optional={
    **PERSON, "IsCompany": ANY_VALUE, "CompanyName": ANY_VALUE, "PropertyIds": st.one_of(st.none(), st.lists(INT32))})
FILE = st.fixed_dictionaries({"Id": INT32}, optional={
    "FileEntity": st.one_of(st.none(), st.fixed_dictionaries({}, optional={
        "Id": st.one_of(INT32, ANY_VALUE),
        "EntityType": st.one_of(st.sampled_from(["Rental", "RentalUnit", "Lease", "Tenant", "Vendor"]), ANY_VALUE)})),
    "Title": ANY_VALUE, "Description": ANY_VALUE, "PhysicalFileName": ANY_VALUE, "Size": ANY_VALUE,
    "ContentType": ANY_VALUE, "CategoryId": ANY_VALUE,
    "UploadedDateTime": st.one_of(st.datetimes().map(lambda d: d.isoformat() + "Z"), ANY_VALUE)})


def assert_storable(label: str, fields: dict) -> None:
    """Each value passes the model field's own clean(): length, choices, decimal places, validators, not-null."""
    from django.apps import apps

    model = apps.get_model(label)
    for name, value in fields.items():
        field = model._meta.get_field(name)
        field.clean(value, None)


@settings(max_examples=600, deadline=None)
@given(st.sampled_from([
    ("locations.Location", RENTAL, mapping.map_property),
    ("homes.Home", UNIT, mapping.map_unit),
    ("homes.Person", TENANT, mapping.map_tenant),
    ("homes.Person", OWNER, mapping.map_owner),
    ("leases.Lease", LEASE, mapping.map_lease),
    ("documents.Document", FILE, lambda raw: mapping.map_file(raw, "https://portal.example/f/1/")),
]).flatmap(lambda case: st.tuples(st.just(case), case[1])))
def test_whatever_any_stream_maps_passes_the_portal_field_checks_or_is_refused_with_a_reason(case_and_raw):
    (label, _, map_record), raw = case_and_raw
    try:
        fields = map_record(raw).fields
    except MappingError as exc:
        assert str(exc)
        return
    assert_storable(label, fields)
