"""Pure mapping between portal records and Builder Backed payloads, from the JSON fixtures."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from integrations.base import MappingError
from integrations.builderbacked import mapping
from integrations.builderbacked.mapping import Node
from tests.integrations.builderbacked.helpers import fixture, node, record

TREE = fixture("push_tree.json")
HOMES = fixture("push_homes.json")
OWNERS = fixture("push_homeowners.json")
DOCS = fixture("push_documents.json")
REGIONS = fixture("regions_pull.json")
BB_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}")


def chain_of(*kinds: str) -> list[Node]:
    return [node(TREE[kind]) for kind in kinds]


@pytest.mark.parametrize(("raw", "expected"), list(zip(REGIONS["response"], REGIONS["expected"], strict=True)))
def test_a_pulled_region_becomes_an_active_region_keyed_by_its_name(raw, expected):
    assert mapping.region_fields(raw) == expected
    assert mapping.region_vendor_id(raw) == expected["external_id"]


@pytest.mark.parametrize("raw", REGIONS["unmappable"])
def test_a_region_without_a_name_is_reported_with_the_reason(raw):
    with pytest.raises(MappingError, match="without a name"):
        mapping.region_fields(raw)


@pytest.mark.parametrize(("kind", "parents"), [
    ("division", ("region",)),
    ("master_community", ("division", "region")),
    ("neighborhood", ("master_community", "division", "region")),
])
def test_each_level_maps_to_its_request_naming_its_parent_by_its_vendor_key(kind, parents):
    envelope = mapping.location_envelope(node(TREE[kind]), chain_of(*parents))
    assert envelope == TREE["expected"][kind]


def test_a_location_keeps_the_vendor_key_it_was_first_pushed_as_even_after_its_external_id_changes():
    pushed = node(TREE["neighborhood"], external_id="NH_RENAMED", vendor_id="NH_001")
    envelope = mapping.location_envelope(pushed, chain_of("master_community", "division", "region"))
    assert envelope["body"]["externalId"] == "NH_001"


def test_a_location_without_an_external_id_is_pushed_under_a_stable_generated_one():
    fresh = Node(pk=77, kind="neighborhood", name="Orchard")
    assert fresh.bb_id == "lnt-loc-77"
    assert mapping.default_external_id("home", 5) == "lnt-home-5"


def test_an_inactive_location_is_pushed_with_its_state_so_the_client_deactivates_it():
    envelope = mapping.location_envelope(node(TREE["division"], is_active=False), chain_of("region"))
    assert envelope["active"] is False
    assert "refusal" not in envelope


@pytest.mark.parametrize(("kind", "parents", "broken", "message"), [
    ("division", ("region",), {"region": {"vendor_id": None}}, "Region 'Cincinnati' not found"),
    ("division", ("region",), {"region": {"is_active": False}}, "Region 'Cincinnati' not found"),
    ("master_community", ("division", "region"), {"division": {"is_active": False}},
     "Division with external ID 'DIV_001' not found"),
    ("neighborhood", ("master_community", "division", "region"), {"region": {"is_active": False}},
     "Master Community with external ID 'lnt-loc-3' not found"),
    ("neighborhood", ("master_community", "division", "region"), {"region": {"vendor_id": None}},
     "Master Community with external ID 'lnt-loc-3' not found"),
])
def test_a_broken_chain_is_refused_with_the_message_the_vendor_gives_for_the_immediate_parent(
    kind, parents, broken, message
):
    chain = [node(TREE[p], **broken.get(p, {})) for p in parents]
    refusal = mapping.location_envelope(node(TREE[kind]), chain)["refusal"]
    assert (refusal["status"], refusal["message"]) == (404, message)
    assert refusal["detail"].endswith(("is inactive", "is not among the regions Builder Backed lists"))


def test_a_parent_not_pushed_yet_is_pending_not_refused():
    chain = [node(TREE["master_community"], vendor_id=None), *chain_of("division", "region")]
    envelope = mapping.location_envelope(node(TREE["neighborhood"]), chain)
    assert "refusal" not in envelope
    assert mapping.pending(chain) == chain[0]
    assert mapping.pending(chain_of("master_community", "division", "region")) is None


def test_deactivating_a_location_already_at_the_vendor_needs_no_active_chain():
    chain = [node(TREE["region"], is_active=False)]
    envelope = mapping.location_envelope(node(TREE["division"], is_active=False), chain)
    assert "refusal" not in envelope


def test_an_inactive_location_never_pushed_still_needs_its_chain():
    chain = [node(TREE["region"], is_active=False)]
    envelope = mapping.location_envelope(node(TREE["division"], is_active=False, vendor_id=None), chain)
    assert envelope["refusal"]["message"] == "Region 'Cincinnati' not found"


@pytest.mark.parametrize("case", HOMES["cases"], ids=lambda c: c["scenario"])
def test_a_home_maps_to_external_home_request_v3(case):
    chain = [node(n) for n in HOMES["neighborhood_chain"]]
    envelope = mapping.home_envelope(record(case["home"]), chain)
    assert envelope == {"body": case["expected"]}


def test_home_types_are_the_vendors_exact_strings():
    assert set(mapping.HOME_TYPES.values()) == {"Single Family", "Multi Family"}


def test_a_home_under_an_inactive_chain_is_refused_naming_its_neighborhood():
    chain = [node(n) for n in HOMES["neighborhood_chain"]]
    chain[2] = Node(**{**HOMES["neighborhood_chain"][2], "is_active": False})
    envelope = mapping.home_envelope(record(HOMES["cases"][0]["home"]), chain)
    assert envelope["refusal"]["message"] == "Neighborhood with external ID 'NH_001' not found"
    assert envelope["refusal"]["detail"] == "division “Cincinnati Division” is inactive"


@pytest.mark.parametrize("case", OWNERS["cases"], ids=lambda c: c["scenario"])
def test_a_homeownership_maps_to_home_user_request_v2(case):
    envelope = mapping.homeowner_envelope("HOME_12345", record(case["person"]), case["ownership_type"])
    assert envelope == {"home": "HOME_12345", "body": case["expected"]}


def test_a_person_without_an_email_is_refused_locally_with_the_reason():
    envelope = mapping.homeowner_envelope("HOME_12345", record(OWNERS["without_email"]), "primary")
    assert envelope["refusal"]["message"] == "Validation failed for field 'email'"
    assert envelope["refusal"]["detail"] == (
        "Ada Park has no e-mail address; Builder Backed identifies homeowners by e-mail")


def test_a_homeowner_key_splits_back_into_home_and_email_even_when_the_home_id_has_spaces():
    key = mapping.homeowner_vendor_id("HOME 12 A", "a.b+c@example.com")
    assert mapping.split_homeowner_vendor_id(key) == ("HOME 12 A", "a.b+c@example.com")


@pytest.mark.parametrize("case", DOCS["cases"], ids=lambda c: c["scenario"])
def test_a_document_maps_to_one_url_reference_under_its_home(case):
    doc = record(case["document"])
    url = mapping.document_url(doc.external_url, doc.pk, DOCS["download_url_template"])
    envelope = mapping.document_envelope(doc, DOCS["home"], url, ZoneInfo(case["zone"]))
    assert envelope == {"body": {"externalHomeId": DOCS["home"], "documents": [case["expected"]]}}
    for key in ("displayStart", "displayEnd"):
        if key in case["expected"]:
            assert BB_TIMESTAMP.fullmatch(envelope["body"]["documents"][0][key])


def test_the_document_timestamp_round_trips_and_refuses_other_layouts():
    value = dt.datetime(2025, 1, 15, 10, 30, 0, 250000)
    text = mapping.bb_timestamp(value, ZoneInfo("UTC"))
    assert text == "2025-01-15 10:30:00.250"
    assert mapping.parse_bb_timestamp(text) == value
    for bad in ("2025-01-15T10:30:00.250", "2025-01-15 10:30:00", "2025-01-15 10:30:00.250Z",
                "2025-13-01 00:00:00.000"):
        with pytest.raises(ValueError):
            mapping.parse_bb_timestamp(bad)
