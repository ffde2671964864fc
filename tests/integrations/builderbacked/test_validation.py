"""Local validation: what Builder Backed would refuse is refused before sending, in the vendor's words."""

from __future__ import annotations

import copy

import pytest

from integrations.builderbacked import validation
from tests.integrations.builderbacked.helpers import fixture

HOMES = fixture("push_homes.json")
TREE = fixture("push_tree.json")
GOOD_HOME = HOMES["cases"][0]["expected"]
GOOD_OWNER = fixture("push_homeowners.json")["cases"][0]["expected"]
GOOD_DOCS = {"externalHomeId": "HOME_12345", "documents": [fixture("push_documents.json")["cases"][0]["expected"]]}


def changed(body: dict, **changes) -> dict:
    result = copy.deepcopy(body)
    for key, value in changes.items():
        if value is ...:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def changed_doc(**changes) -> dict:
    body = copy.deepcopy(GOOD_DOCS)
    body["documents"][0] = changed(body["documents"][0], **changes)
    return body


# (what, body, the vendor's message); shared with the sandbox comparison test.
BAD_BODIES = [
    ("home", changed(GOOD_HOME, type="single family"), "Invalid value for 'type' field"),
    ("home", changed(GOOD_HOME, type="SINGLE FAMILY"), "Invalid value for 'type' field"),
    ("home", changed(GOOD_HOME, type="Single  Family"), "Invalid value for 'type' field"),
    ("home", changed(GOOD_HOME, type=...), "Validation failed for field 'type'"),
    ("home", changed(GOOD_HOME, externalId=...), "Validation failed for field 'externalId'"),
    ("home", changed(GOOD_HOME, addressLine1="   "), "Validation failed for field 'addressLine1'"),
    ("home", changed(GOOD_HOME, city=None), "Validation failed for field 'city'"),
    ("home", changed(GOOD_HOME, postalCode=""), "Validation failed for field 'postalCode'"),
    ("home", changed(GOOD_HOME, neighborhoodExternalId=""), "Validation failed for field 'neighborhoodExternalId'"),
    ("home", changed(GOOD_HOME, state="Ohio"), "Validation failed for field 'state'"),
    ("home", changed(GOOD_HOME, state="O"), "Validation failed for field 'state'"),
    ("home", changed(GOOD_HOME, state="O1"), "Validation failed for field 'state'"),
    ("home", changed(GOOD_HOME, type="Duplex", city=""), "Invalid value for 'type' field"),
    ("home", changed(GOOD_HOME, marketHome="yes"), "Invalid value for 'marketHome' field"),
    ("homeowner", changed(GOOD_OWNER, email=""), "Validation failed for field 'email'"),
    ("homeowner", changed(GOOD_OWNER, email="not-an-address"), "Validation failed for field 'email'"),
    ("homeowner", changed(GOOD_OWNER, homeownerType="primary"), "Invalid value for 'homeownerType' field"),
    ("homeowner", changed(GOOD_OWNER, homeownerType="OWNER", email=""), "Invalid value for 'homeownerType' field"),
    ("documents", changed(GOOD_DOCS, externalHomeId=""), "Validation failed for field 'externalHomeId'"),
    ("documents", changed(GOOD_DOCS, documents=[]), "Validation failed for field 'documents'"),
    ("documents", changed_doc(type="URL"), "Invalid value for 'type' field"),
    ("documents", changed_doc(shareable=...), "Validation failed for field 'documents[0].shareable'"),
    ("documents", changed_doc(shareable="true"), "Invalid value for 'shareable' field"),
    ("documents", changed_doc(name=""), "Validation failed for field 'documents[0].name'"),
    ("documents", changed_doc(category=...), "Validation failed for field 'documents[0].category'"),
    ("documents", changed_doc(url="ftp://example.com/x.pdf"), "Validation failed for field 'documents[0].url'"),
    ("documents", changed_doc(displayStart="2025-01-01T00:00:00Z"), "Invalid value for 'displayStart' field"),
    ("documents", changed_doc(displayEnd="2035-01-01 00:00:00"), "Invalid value for 'displayEnd' field"),
    ("documents", changed_doc(type="AWS"), "Validation failed for field 'documents[0].bucket'"),
    ("division", changed(TREE["expected"]["division"]["body"], regionName=""),
     "Validation failed for field 'regionName'"),
    ("master_community", changed(TREE["expected"]["master_community"]["body"], name=...),
     "Validation failed for field 'name'"),
    ("neighborhood", changed(TREE["expected"]["neighborhood"]["body"], masterCommunityExternalId=...),
     "Validation failed for field 'masterCommunityExternalId'"),
]


def check(what: str, body: dict):
    if what in ("division", "master_community", "neighborhood"):
        return validation.check_location(what, body)
    return validation.CHECKS[what](body)


@pytest.mark.parametrize(("what", "body", "message"), BAD_BODIES, ids=lambda v: v if isinstance(v, str) else "")
def test_a_body_the_vendor_would_refuse_is_refused_with_its_message(what, body, message):
    refusal = check(what, body)
    assert refusal is not None
    assert (refusal["status"], refusal["message"]) == (400, message)


@pytest.mark.parametrize(("what", "body"), [
    ("home", GOOD_HOME),
    ("home", HOMES["cases"][1]["expected"]),
    ("homeowner", GOOD_OWNER),
    ("homeowner", {"email": "only@example.com"}),
    ("documents", GOOD_DOCS),
    ("documents", changed_doc(type="AWS", bucket="builder-docs")),
    ("division", TREE["expected"]["division"]["body"]),
    ("neighborhood", TREE["expected"]["neighborhood"]["body"]),
])
def test_a_body_the_vendor_takes_passes(what, body):
    assert check(what, body) is None


def test_a_document_update_is_checked_as_one_document_found_by_its_external_id():
    doc = GOOD_DOCS["documents"][0]
    assert validation.check_document_update(doc) is None
    assert validation.check_document_update(changed(doc, externalId=""))["message"] == (
        "Validation failed for field 'externalId'")
    assert validation.check_document_update(changed(doc, name=""))["message"] == "Validation failed for field 'name'"
