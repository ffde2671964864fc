"""RentEngine's write rules and AJV error bodies: the same words locally, from the sandbox, and from the vendor."""

from __future__ import annotations

import httpx
import pytest

from integrations.base import Rejected
from integrations.rentengine import validation
from integrations.rentengine.client import RentEngineClient
from integrations.rentengine.sandbox import DEMO_ACCOUNT_ID
from tests.integrations.rentengine.fixtures import cases

ADDRESS = {"street_number": "12", "street_name": "Elm St", "unit": "", "zip_code": "45402", "state": "OH",
           "country": "United States", "city": "Dayton"}
UNIT = {"address": ADDRESS, "property_type": "SINGLE FAMILY RESIDENCE", "target_rental_rate": 1450,
        "account_id": DEMO_ACCOUNT_ID}


@pytest.mark.parametrize("case", cases("error_bodies"))
def test_an_ajv_error_body_reads_as_one_sentence_with_its_fields(case):
    response = httpx.Response(400, json=case["body"])
    message, code, fields = RentEngineClient("http://x", {}).parse_error(response)
    assert (message, fields, code) == (case["message"], case["fields"], case["code"])


def test_a_complete_new_unit_has_no_problems_and_an_update_needs_only_its_id():
    assert validation.unit_problems(UNIT, creating=True) == []
    assert validation.unit_problems({"id": 4}, creating=False) == []


def test_a_new_unit_names_every_missing_required_field():
    problems = validation.unit_problems({"bedrooms": 2}, creating=True)
    assert [p["params"]["missingProperty"] for p in problems] == ["address", "property_type", "target_rental_rate",
                                                                  "account_id"]


def test_the_address_is_sent_whole_or_refused():
    partial = {"id": 4, "address": {"zip_code": "45402"}}
    missing = {p["params"]["missingProperty"] for p in validation.unit_problems(partial, creating=False)
               if p["keyword"] == "required"}
    assert missing == {"street_number", "street_name", "unit", "state", "country", "city"}


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"zip_code": "4540"}, "address.zip_code", "must match pattern"),
    ({"state": "Ohio"}, "address.state", "must match pattern"),
    ({"country": "US"}, "address.country", "allowed values (United States)"),
    ({"street_number": " "}, "address.street_number", "fewer than 1 characters"),
    ({"city": None}, "address.city", "must be string"),
])
def test_address_rules(change, field, words):
    with pytest.raises(Rejected) as refused:
        validation.raise_if(validation.unit_problems({**UNIT, "address": {**ADDRESS, **change}}, creating=True))
    assert field in refused.value.field_errors and words in refused.value.field_errors[field]
    assert refused.value.message.startswith("Invalid request parameters: ")


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"target_rental_rate": "1450"}, "target_rental_rate", "must be number"),
    ({"target_rental_rate": -1}, "target_rental_rate", "must be >= 0"),
    ({"bedrooms": 2.5}, "bedrooms", "must be integer"),
    ({"bathrooms": True}, "bathrooms", "must be number"),
    ({"sqft": -5}, "sqft", "must be >= 0"),
    ({"property_type": "CASTLE"}, "property_type", "allowed values"),
    ({"structured_access_instructions": {"x": 1}}, "showing_method", "required property"),
])
def test_numbers_are_numbers_on_write_and_enums_are_checked(change, field, words):
    problems = validation.unit_problems({**UNIT, **change}, creating=True)
    _, fields = validation.describe(validation.INVALID, problems)
    assert words in fields[field]


def test_a_new_multifamily_property_needs_every_published_required_field():
    problems = validation.property_problems({"community_name": "Tower"}, creating=True)
    missing = [p["params"]["missingProperty"] for p in problems]
    assert missing == ["building_count", "unit_count", "structure_type", "year_built", "photos", "text_address",
                       "account_id"]
    bad = validation.property_problems({"id": "x", "structure_type": "Igloo", "year_built": 1200, "unit_count": 0,
                                        "text_address": ""}, creating=False)
    _, fields = validation.describe(validation.INVALID, bad)
    assert set(fields) == {"structure_type", "year_built", "unit_count", "text_address"}
