"""Differential: bodies spoiled field by field at random go both to local validation and, over HTTP, to the sandbox
(which reads Builder Backed's rules on its own). Both refuse with the same status and message, or both accept:
what the portal lets through is never refused half-way at the vendor, and nothing the vendor takes is held back."""

from __future__ import annotations

import copy
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.base import Conflict, VendorError
from tests.integrations.builderbacked.conftest import build_tree
from tests.integrations.builderbacked.helpers import fixture
from tests.integrations.builderbacked.test_validation import GOOD_DOCS, GOOD_HOME, GOOD_OWNER, check
from tests.integrations.builderbacked.test_validation_matches_sandbox import send

MISSING = object()
ODD = st.one_of(
    st.just(MISSING), st.none(), st.just(""), st.just("   "), st.booleans(), st.integers(-5, 10**12),
    st.floats(allow_nan=False, allow_infinity=False), st.lists(st.integers(), max_size=2), st.just({}),
    st.sampled_from(["Single Family", "Multi Family", "single family", "Townhome", "PRIMARY", "OTHER", "primary",
                     "OH", "oh", "Ohio", "X1", "a@b.co", "not-an-email", "https://example.com/x.pdf",
                     "ftp://example.com/x", "2025-01-01 00:00:00.000", "2025-01-01T00:00:00Z",
                     "9999-12-31 23:59:59.999", "Warranty", "warranty", "EXTERNAL_URL", "AWS", "true", "Ü" * 300]),
    st.text(max_size=12),
)
TREE = fixture("push_tree.json")["expected"]
BASES = {"home": GOOD_HOME, "homeowner": GOOD_OWNER, "documents": GOOD_DOCS,
         "division": TREE["division"]["body"], "neighborhood": TREE["neighborhood"]["body"]}
PARENT_KEYS = {"neighborhoodExternalId", "regionName", "masterCommunityExternalId"}
IDS = itertools.count(1)


def spoil(what: str, changes: dict) -> dict:
    body = copy.deepcopy(BASES[what])
    target = body["documents"][0] if what == "documents" else body
    for key, value in changes.items():
        if value is MISSING:
            target.pop(key, None)
        else:
            target[key] = value
    unique = f"X{next(IDS)}"  # a body both sides accept must not meet a 409 for an id taken by an earlier example
    if what in ("home", "division", "neighborhood") and target.get("externalId") == BASES[what]["externalId"]:
        target["externalId"] = f"{what}_{unique}"
    if what == "documents" and target.get("externalId") == GOOD_DOCS["documents"][0]["externalId"]:
        target["externalId"] = f"DOC_{unique}"
    return body


def fields_of(what: str) -> list[str]:
    base = BASES[what]["documents"][0] if what == "documents" else BASES[what]
    extra = {"home": ["marketHome", "type", "state"], "homeowner": ["homeownerType", "email"],
             "documents": ["type", "bucket", "displayStart", "displayEnd", "shareable"],
             "division": ["displayName", "abbreviatedName"], "neighborhood": ["displayName"]}[what]
    # The parent's key is left alone: whether the parent exists is the tree's business (a parent not pushed yet
    # makes the push wait), not the body's.
    return sorted((set(base) | set(extra)) - PARENT_KEYS)


CASES = st.sampled_from(sorted(BASES)).flatmap(lambda what: st.tuples(
    st.just(what), st.dictionaries(st.sampled_from(fields_of(what)), ODD, min_size=1, max_size=3)))


@pytest.fixture
def tree(bb_client):
    build_tree(bb_client)
    return bb_client


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(CASES)
def test_local_validation_and_the_vendor_agree_on_any_spoiled_body(tree, case):
    what, changes = case
    body = spoil(what, changes)
    local = check(what, body)
    try:
        send(tree, what, body)
        remote = None
    except Conflict:  # the id was taken by an earlier example: the body itself passed the vendor's checks
        remote = None
    except VendorError as exc:
        remote = {"status": exc.status, "message": exc.message}
    assert (remote and (remote["status"], remote["message"])) == (local and (local["status"], local["message"])), (
        what, body)
