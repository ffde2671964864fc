"""The pure mapping and the published rules, scenario by scenario from the plug-in's fixtures."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from integrations.buildingminds import mapping, validation
from integrations.buildingminds.client import BuildingMindsClient
from integrations.buildingminds.mapping import Options, Place

FIXTURES = Path(__file__).resolve().parents[3] / "integrations" / "buildingminds" / "fixtures"


def cases(name: str) -> list[Any]:
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))["cases"]
    return [pytest.param(case, id=case["scenario"]) for case in data]


def place(data: dict[str, Any]) -> Place:
    values = dict(data)
    if isinstance(values.get("created_at"), str):
        values["created_at"] = dt.datetime.fromisoformat(values["created_at"])
    return Place(**values)


@pytest.mark.parametrize("case", cases("addresses.json"))
def test_an_address_carries_the_published_fields_and_the_chosen_extras(case):
    body = mapping.address_body(place(case["place"]), Options.from_mapping(case["options"]))
    assert body == case["expected"]
    if "refused" in case:
        assert validation.problems("address", body) == case["refused"]


@pytest.mark.parametrize("case", cases("sites.json"))
def test_a_site_names_its_address_type_and_validity(case):
    body = mapping.site_body(place(case["place"]), case["address_ids"], Options.from_mapping(case["options"]))
    assert body == case["expected"]
    assert validation.problems("site", body) == case["refused"]


@pytest.mark.parametrize("case", cases("buildings.json"))
def test_a_building_refers_to_its_address_and_site(case):
    body = mapping.building_body(place(case["place"]), case["address_ids"], case["site_ids"],
                                 Options.from_mapping(case["options"]))
    assert body == case["expected"]
    assert validation.problems("building", body) == case["refused"]


@pytest.mark.parametrize("case", cases("batch_messages.json"))
def test_a_batch_verdict_follows_its_messages(case):
    verdict = mapping.batch_verdict(case["messages"])
    assert [verdict.state, verdict.status, verdict.reason] == case["expected"]


@pytest.mark.parametrize("case", cases("errors.json"))
def test_every_error_shape_reads_as_the_vendors_words(case):
    request = httpx.Request("GET", "https://api.example/batch")
    if "body" in case:
        response = httpx.Response(case["status"], json=case["body"], request=request)
    else:
        response = httpx.Response(case["status"], text=case["text"], request=request)
    with BuildingMindsClient("https://api.example", {}) as client:
        assert list(client.parse_error(response)) == case["expected"]


def test_sites_and_buildings_say_whether_they_are_added_or_updated_and_addresses_do_not():
    assert mapping.with_event("site", {"siteId": "s"}, created=True)["eventType"] == "SiteAdded"
    assert mapping.with_event("building", {"buildingId": "b"}, created=False)["eventType"] == "BuildingUpdated"
    assert "eventType" not in mapping.with_event("address", {"addressId": "a"}, created=True)


@pytest.mark.parametrize(("given", "expected"), [
    ({}, Options()),
    ({"site_kinds": " Region, ,neighborhood ", "property_buildings": "false", "home_buildings": "all"},
     Options(site_kinds=("region", "neighborhood"), property_buildings=False, home_buildings="all")),
    ({"site_kinds": "", "property_buildings": 0, "home_buildings": "sometimes", "id_prefix": " x "},
     Options(site_kinds=(), property_buildings=False, id_prefix="x")),
    ({"site_kinds": ["property"], "property_buildings": "on", "home_buildings": None},
     Options(site_kinds=("property",), property_buildings=True)),
])
def test_connection_options_are_read_from_json_or_form_text_with_safe_defaults(given, expected):
    assert Options.from_mapping(given) == expected


def test_a_naive_time_is_taken_as_utc():
    assert mapping.timestamp(dt.datetime(9999, 12, 31, 23, 59, 59)) == "9999-12-31T23:59:59Z"
