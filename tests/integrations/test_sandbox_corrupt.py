"""The sandbox kit's "corrupt" fault: one record of a served list answer is spoiled, the rest stay intact."""

from __future__ import annotations

import httpx

from tests.integrations.fakevendor.sandbox import API_KEY


def test_one_record_of_the_next_list_is_spoiled_and_the_others_are_intact(fake_sandbox):
    fake_sandbox.seed(10)
    headers = {"X-Api-Key": API_KEY}
    clean = httpx.get(f"{fake_sandbox.base_url}/v1/units", params={"limit": 5}, headers=headers).json()
    httpx.post(f"{fake_sandbox.base_url}/__sandbox__/faults",
               json={"script": [{"kind": "corrupt", "count": 1, "method": "GET", "path": "/v1/units"}]})
    one = httpx.get(f"{fake_sandbox.base_url}/v1/units/{clean[0]['id']}", headers=headers)
    assert one.json() == clean[0]  # a single record is no list: the fault waits for one
    spoiled = httpx.get(f"{fake_sandbox.base_url}/v1/units", params={"limit": 5}, headers=headers)
    body = spoiled.json()
    assert set(body[0]) == set(clean[0]) and all(v == {"corrupted": True} for v in body[0].values())
    assert body[1:] == clean[1:]
    assert spoiled.headers["X-Total-Count"] == "10"
    again = httpx.get(f"{fake_sandbox.base_url}/v1/units", params={"limit": 5}, headers=headers).json()
    assert again == clean  # once only


def test_an_error_answer_is_left_alone(fake_sandbox):
    httpx.post(f"{fake_sandbox.base_url}/__sandbox__/faults",
               json={"script": [{"kind": "corrupt", "count": 1, "method": "GET"}]})
    refused = httpx.get(f"{fake_sandbox.base_url}/v1/units")
    assert refused.status_code == 401 and "corrupted" not in refused.text
