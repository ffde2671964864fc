"""Local validation refuses exactly what the sandbox refuses, with the same status and message: the same bodies
go to both (the sandbox reads Builder Backed's rules on its own, in integrations/builderbacked/sandbox_rules.py)."""

from __future__ import annotations

import pytest

from integrations.base import VendorError
from integrations.builderbacked import mapping
from tests.integrations.builderbacked.conftest import build_tree
from tests.integrations.builderbacked.helpers import fixture, node, record
from tests.integrations.builderbacked.test_validation import BAD_BODIES, GOOD_DOCS, GOOD_HOME, GOOD_OWNER, check

TREE = fixture("push_tree.json")
HOMES = fixture("push_homes.json")
SEGMENT = {kind: LEVEL[0] for kind, LEVEL in mapping.LEVELS.items()}


def send(client, what: str, body: dict) -> None:
    if what == "home":
        client.create_home(body)
    elif what == "homeowner":
        client.add_homeowner("HOME_12345", body)
    elif what == "documents":
        client.add_documents(body)
    else:
        client.create_location(SEGMENT[what], body)


@pytest.mark.parametrize(("what", "body", "message"), BAD_BODIES, ids=lambda v: v if isinstance(v, str) else "")
def test_the_sandbox_refuses_a_bad_body_exactly_as_local_validation_does(bb_client, what, body, message):
    build_tree(bb_client)
    local = check(what, body)
    with pytest.raises(VendorError) as caught:
        send(bb_client, what, body)
    assert (caught.value.status, caught.value.message) == (local["status"], local["message"]) == (400, message)


@pytest.mark.parametrize(("what", "body"), [
    ("home", {**GOOD_HOME, "externalId": "HOME_NEW"}),
    ("home", {**HOMES["cases"][1]["expected"], "externalId": "HOME_UNIT"}),
    ("homeowner", GOOD_OWNER),
    ("documents", GOOD_DOCS),
    ("division", {**TREE["expected"]["division"]["body"], "externalId": "DIV_NEW"}),
    ("neighborhood", {**TREE["expected"]["neighborhood"]["body"], "externalId": "NH_NEW"}),
])
def test_a_body_local_validation_lets_through_is_taken_by_the_sandbox(bb_client, bb_sandbox, what, body):
    build_tree(bb_client)
    assert check(what, body) is None
    send(bb_client, what, body)
    assert bb_sandbox.received("POST")[-1]["status"] == 201


def test_a_home_under_a_deactivated_division_is_refused_alike_here_and_there(bb_client):
    build_tree(bb_client)
    bb_client.set_location_active("divisions", "DIV_001", False)
    chain = [node(n) for n in HOMES["neighborhood_chain"]]
    chain[2] = node(HOMES["neighborhood_chain"][2], is_active=False)
    envelope = mapping.home_envelope(record({**HOMES["cases"][0]["home"], "external_id": "HOME_NEW"}), chain)
    with pytest.raises(VendorError) as caught:
        bb_client.create_home(envelope["body"])
    assert (caught.value.status, caught.value.message) == (
        envelope["refusal"]["status"], envelope["refusal"]["message"])


def test_a_division_under_a_region_builder_backed_does_not_list_is_refused_alike(bb_client):
    region = node(TREE["region"], name="Springfield", external_id="", vendor_id=None)
    envelope = mapping.location_envelope(node(TREE["division"]), [region])
    with pytest.raises(VendorError) as caught:
        bb_client.create_location("divisions", envelope["body"])
    assert (caught.value.status, caught.value.message) == (404, envelope["refusal"]["message"])


def test_a_neighborhood_under_a_deactivated_master_community_is_refused_alike(bb_client):
    build_tree(bb_client)
    bb_client.set_location_active("master-communities", "lnt-loc-3", False)
    chain = [node(TREE["master_community"], is_active=False), node(TREE["division"]), node(TREE["region"])]
    envelope = mapping.location_envelope(node(TREE["neighborhood"], external_id="NH_NEW"), chain)
    with pytest.raises(VendorError) as caught:
        bb_client.create_location("neighborhoods", envelope["body"])
    assert (caught.value.status, caught.value.message) == (404, envelope["refusal"]["message"])
