"""The upsert's compiled field checks (integrations/upsert/checks.py) never accept what ``full_clean`` refuses, and
accept the plain valid values (so the fast path is the one a pull takes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from integrations.upsert.checks import surely_valid
from integrations.upsert.insert import build
from portal.documents.models import Document
from portal.homes.models import Home, HomeType, Person
from portal.leases.models import Lease
from portal.locations.models import Location

MODELS = [Home, Person, Lease, Location, Document]
VALUES = [
    None, "", " ", "x", "OH", "Ohio", "oh", "45402", "4", "x" * 21, "x" * 201, "x" * 5000, "a\x00b", "castle",
    "single_family", HomeType.MULTI_FAMILY, "active", "draft", "region", "a@b.co", "not an email", "https://example.com",
    0, 1, -1, 50, 51, 32767, 10**6, 10**6 + 1, 10**12, True, False, 2.5,
    Decimal("0"), Decimal("-0.01"), Decimal("2.5"), Decimal("2.55"), Decimal("999.9"), Decimal("1000.0"),
    Decimal("9999999999.99"), Decimal("10000000000.00"), Decimal("NaN"), Decimal("Infinity"), Decimal("1E+3"),
    dt.date(2024, 1, 31), dt.datetime(2024, 1, 31, 12, tzinfo=dt.UTC), [], {}, object(),
]


def fields_of(model):
    return [f for f in model._meta.concrete_fields if not f.is_relation and not f.primary_key]


def full_clean_passes(instance, name) -> bool:
    others = [f.name for f in instance._meta.concrete_fields if f.name != name]
    try:
        instance.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_value_the_checks_accept_is_one_full_clean_accepts(model):
    accepted = refused = 0
    for field in fields_of(model):
        for value in VALUES:
            instance = build(model, {})
            setattr(instance, field.attname, value)
            if surely_valid(model, instance, [field.name]):
                accepted += 1
                assert full_clean_passes(instance, field.name), (field.name, value)
            else:
                refused += 1
    assert accepted and refused  # both sides were exercised


@pytest.mark.parametrize(("name", "value"), [
    ("state", "Ohio"), ("state", "oh"), ("postal_code", "!"), ("address_line1", ""), ("address_line1", None),
    ("address_line1", "x" * 201), ("home_type", "castle"), ("bedrooms", 51),
    ("bedrooms", -1), ("bathrooms", Decimal("2.55")), ("bathrooms", Decimal("-1")), ("market_rent", Decimal("NaN")),
    ("market_rent", Decimal("10000000000.00")), ("size_sqft", 10**6 + 1),
])
def test_what_the_domain_refuses_goes_to_full_clean(name, value):
    home = build(Home, {})
    setattr(home, name, value)
    assert not surely_valid(Home, home, [name])
    assert not full_clean_passes(home, name)


def test_a_plain_valid_home_takes_the_fast_path():
    home = build(Home, {"address_line1": "1 Main St", "city": "Dayton", "state": "OH", "postal_code": "45402",
                        "bedrooms": 3, "bathrooms": Decimal("2.5"), "market_rent": Decimal("1250.00"),
                        "home_type": "multi_family", "size_sqft": 1200})
    names = [f.name for f in fields_of(Home) if f.editable]
    assert surely_valid(Home, home, names)
    home.full_clean(exclude=["organization", "location"], validate_unique=False, validate_constraints=False)


def test_a_remembered_valid_value_does_not_vouch_for_another_that_compares_equal():
    home = build(Home, {"bathrooms": Decimal("2.5"), "state": "OH"})
    assert surely_valid(Home, home, ["bathrooms", "state"])
    assert surely_valid(Home, home, ["bathrooms", "state"])  # the second time from memory
    home.bathrooms = Decimal("2.50")  # equal to 2.5, but two decimal places where the field keeps one
    assert not surely_valid(Home, home, ["bathrooms"])
    assert not full_clean_passes(home, "bathrooms")
