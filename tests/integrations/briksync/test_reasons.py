"""BrikSync's error answers reach staff as reasons they can act on, in the exception the engine acts on."""

from __future__ import annotations

import json

import httpx
import pytest

from integrations import errors
from integrations.briksync import reasons
from integrations.briksync.client import BrikSyncClient
from integrations.runs import describe
from tests.integrations.briksync.fixtures import load


def answer(case: dict) -> httpx.Response:
    content = json.dumps(case["body"]).encode() if case["body"] is not None else case.get("text", "").encode()
    return httpx.Response(case["status"], content=content, request=httpx.Request("GET", "http://briksync.test/x"))


@pytest.mark.parametrize("case", load("errors"), ids=lambda c: f"{c['status']}-{(c['body'] or {}).get('code')}")
def test_every_error_answer_reads_as_a_reason_in_the_right_exception(case):
    with BrikSyncClient("http://briksync.test", {"api_key": "k"}) as client:
        error = client.error_for(answer(case))
    assert error.message == case["reason"]
    assert type(error).__name__ == case["class"]
    assert sorted(error.field_errors) == sorted(case.get("fields", []))


def test_the_plan_upgrade_reason_is_what_the_sync_log_shows():
    case = next(c for c in load("errors") if (c["body"] or {}).get("code") == "PLAN_UPGRADE_REQUIRED")
    with BrikSyncClient("http://briksync.test", {"api_key": "k"}) as client:
        shown = describe(client.error_for(answer(case)))
    assert shown.startswith("HTTP 403 [PLAN_UPGRADE_REQUIRED]: BrikSync says your plan does not include the API "
                            "(PLAN_UPGRADE_REQUIRED): upgrade to BUSINESS")


def test_a_plan_limit_fails_one_record_and_a_billing_outage_is_retried_but_a_missing_plan_stops_the_sync():
    by_code = {(c["body"] or {}).get("code"): c for c in load("errors")}
    with BrikSyncClient("http://briksync.test", {"api_key": "k"}) as client:
        assert isinstance(client.error_for(answer(by_code["PLAN_LIMIT_EXCEEDED"])), errors.Rejected)
        assert client.error_for(answer(by_code["PLAN_CONTEXT_UNAVAILABLE"])).retryable
        upgrade = client.error_for(answer(by_code["PLAN_UPGRADE_REQUIRED"]))
        assert isinstance(upgrade, errors.AuthError) and not upgrade.refreshable


def test_field_errors_are_read_from_either_shape():
    assert reasons.field_errors({"a": ["too", "short"]}) == {"a": "too; short"}
    assert reasons.field_errors([{"field": "b", "message": "bad"}, {"nothing": 1}, "x"]) == {"b": "bad"}
    assert reasons.field_errors(None) == {}


def test_an_unknown_code_without_any_text_still_says_who_answered():
    assert reasons.explain(418, {"data": None, "code": "TEAPOT"})[0] == "BrikSync answered TEAPOT: no details given"
