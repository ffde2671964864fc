"""The BrikSync client against its sandbox over real HTTP on 127.0.0.1: auth, paging, the envelope's [gap]s,
429s with a reset in Unix milliseconds, retries, uploads and signed downloads that expire."""

from __future__ import annotations

import datetime as dt

import pytest

from integrations.base import AuthError, RateLimited, Rejected, VendorError
from integrations.briksync import streams
from integrations.briksync.sandbox import BrikSyncSandbox
from integrations.briksync.sandbox_data import pdf_bytes
from integrations.models import Connection
from tests.integrations.briksync.conftest import CREDENTIALS


def read_all(client, resource: str) -> list[str]:
    ids, cursor = [], None
    for _ in range(100):
        page = streams.fetch_numbered(client, resource, cursor, {})
        ids += [r["id"] for r in page.records]
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor
    raise AssertionError("paging never ended")


def test_the_demo_key_is_sent_as_a_bearer_token_and_health_needs_none(briksync):
    with briksync.client() as client:
        assert client.list_page("properties").total == 0
        assert client.health()


def test_a_wrong_key_is_an_auth_error_that_says_what_to_check(briksync):
    with briksync.client(credentials={"api_key": "revoked"}) as client, pytest.raises(AuthError) as caught:
        client.list_page("units")
    assert caught.value.status == 401 and "did not accept the API key (UNAUTHORIZED)" in caught.value.message


def test_a_key_on_a_plan_without_the_api_says_which_plan_to_buy(briksync):
    briksync.control("POST", "keys", json={"api_key": "starter", "plan": "STARTER"})
    with briksync.client(credentials={"api_key": "starter"}) as client, pytest.raises(AuthError) as caught:
        client.list_page("units")
    assert caught.value.message.startswith("BrikSync says your plan does not include the API "
                                           "(PLAN_UPGRADE_REQUIRED): upgrade to BUSINESS (now on STARTER)")


def test_a_role_below_landlord_may_not_touch_properties(briksync):
    briksync.control("POST", "keys", json={"api_key": "pm", "role": "property_manager"})
    with briksync.client(credentials={"api_key": "pm"}) as client:
        assert client.list_page("units").total == 0
        with pytest.raises(AuthError, match=r"\(FORBIDDEN\): Forbidden: requires landlord role or higher"):
            client.list_page("properties")


def test_numbered_pages_are_read_to_the_last_one_and_every_record_once(briksync):
    briksync.app.seed(45)
    with briksync.client(config={"page_size": 7}) as client:
        ids = read_all(client, "units")
        assert len(ids) == len(set(ids)) == 45
        assert client.list_page("units", 8).items == []  # past the end: an empty page, not an error


def test_a_record_deleted_between_two_pages_does_not_push_another_out_of_the_pass(briksync):
    briksync.app.seed(30)
    with briksync.client(config={"page_size": 10}) as client:
        first = streams.fetch_numbered(client, "units", None, {})
        for record in first.records[:3]:
            briksync.control("DELETE", f"records/units/{record['id']}")
        seen = {r["id"] for r in first.records}
        cursor = first.next_cursor
        while cursor is not None:
            page = streams.fetch_numbered(client, "units", cursor, {})
            seen |= {r["id"] for r in page.records}
            cursor = page.next_cursor
    assert {u["id"] for u in briksync.records("units")} <= seen


def test_the_page_size_is_capped_at_brik_syncs_maximum_and_the_vendor_refuses_more(briksync):
    with briksync.client(config={"page_size": 500}) as client:
        assert client.page_size == 100
        with pytest.raises(Rejected, match="pageSize between 1 and 100"):
            client.list_page("units", page_size=101)


@pytest.mark.parametrize("sandbox_options", [{"items_key": "results"}])
def test_a_list_nested_under_another_key_is_explained_and_the_option_reads_it(briksync):
    briksync.app.seed(5)
    with briksync.client() as client, pytest.raises(VendorError, match=r"under \['results'\], not 'items'"):
        client.list_page("units")
    with briksync.client(config={"items_key": "results"}) as client:
        assert len(client.list_page("units").items) == 5


@pytest.mark.parametrize("sandbox_options", [{"field_case": "camel"}])
def test_a_camel_case_api_is_read_and_written_in_snake_case_by_the_option(briksync):
    briksync.app.seed(5)
    with briksync.client(config={"field_case": "camel"}) as client:
        unit = client.list_page("units").items[0]
        assert {"property_id", "unit_number", "base_rent"} <= set(unit)
        made = client.create("tenants", {"first_name": "Ada", "last_name": "Lovelace", "email": None})
        assert made["first_name"] == "Ada"
    assert briksync.received()[-1]["body"] == {"firstName": "Ada", "lastName": "Lovelace", "email": None}


def test_a_429_is_retried_after_retry_after(briksync):
    briksync.control("POST", "faults", json={"burst_429": 2, "retry_after": 0.2})
    waits: list[float] = []
    with briksync.client(sleep=waits.append) as client:
        assert client.list_page("units").total == 0
    assert waits == [0.2, 0.2]


def test_without_retry_after_the_reset_in_unix_milliseconds_sets_the_wait(briksync):
    briksync.control("POST", "rate-headers", json={"retry_after": False})
    briksync.control("POST", "faults", json={"burst_429": 1, "retry_after": 4})
    waits: list[float] = []
    with briksync.client(sleep=waits.append) as client:
        client.list_page("units")
    assert len(waits) == 1 and 2.5 < waits[0] <= 4.0  # seconds: not 4,000 (ms read as s) and not 0


def test_a_reset_too_far_for_a_worker_to_sleep_goes_back_to_the_task(briksync):
    briksync.control("POST", "rate-headers", json={"retry_after": False})
    briksync.control("POST", "faults", json={"burst_429": 1, "retry_after": 45})
    with briksync.client() as client, pytest.raises(RateLimited) as caught:
        client.list_page("units")
    assert 40 < caught.value.retry_after <= 45


def test_the_vendors_own_window_answers_429_with_its_headers(serve_sandbox):
    from integrations.base import RateSpec

    app = BrikSyncSandbox(rate_limit=RateSpec(2, 60.0))
    server = serve_sandbox({"/briksync": app})
    import httpx

    url = server.url_for("/briksync") + "/units"
    answers = [httpx.get(url, headers={"Authorization": "Bearer x"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 429]
    limited = answers[-1]
    assert limited.json() == {"data": None, "error": "Too many requests", "code": "RATE_LIMITED"}
    reset_ms = int(limited.headers["X-RateLimit-Reset"])
    now_ms = dt.datetime.now(dt.UTC).timestamp() * 1000
    assert now_ms < reset_ms <= now_ms + 61_000
    assert limited.headers["X-RateLimit-Limit"] == "2" and limited.headers["X-RateLimit-Remaining"] == "0"
    assert 0 < int(limited.headers["Retry-After"]) <= 60


def test_server_errors_and_truncated_pages_are_retried(briksync):
    briksync.app.seed(3)
    briksync.control("POST", "faults", json={"script": [{"status": 503, "count": 1, "path": "/units"},
                                                        {"kind": "malformed", "count": 1, "path": "/units"}]})
    with briksync.client() as client:
        assert len(client.list_page("units").items) == 3


def test_lease_status_rules_answer_in_brik_syncs_words(briksync):
    briksync.app.seed(10)
    lease = next(x for x in briksync.records("leases") if x["status"] == "draft")
    with briksync.client() as client:
        with pytest.raises(Rejected, match="Invalid status transition: draft -> ended"):
            client.set_lease_status(lease["id"], "ended")
        assert client.set_lease_status(lease["id"], "active")["status"] == "active"
        with pytest.raises(Rejected, match=r"Lease is already in this status\."):
            client.set_lease_status(lease["id"], "active")


def test_an_uploaded_document_comes_back_byte_for_byte_through_a_signed_url(briksync):
    briksync.app.seed(10)
    prop = briksync.records("properties")[0]
    content = pdf_bytes("Roof warranty")
    with briksync.client() as client:
        made = client.upload_document({"name": "Roof warranty", "type": "Other", "property_id": prop["id"]},
                                      "roof.pdf", content, "application/pdf")
        assert (made["mime_type"], made["size_bytes"], made["file_name"]) == ("application/pdf", len(content),
                                                                              "roof.pdf")
        assert client.download(made["id"]) == content
        link = client.download_link(made["id"])
        expires = dt.datetime.fromisoformat(link["expires_at"].replace("Z", "+00:00"))
        assert dt.timedelta(minutes=4) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=5)


def test_the_vendor_refuses_a_file_that_is_not_a_pdf_or_an_image(briksync):
    briksync.app.seed(10)
    prop = briksync.records("properties")[0]
    with briksync.client() as client, pytest.raises(Rejected, match="file must be a PDF, JPEG, PNG or WebP"):
        client.upload_document({"name": "Notes", "type": "Other", "property_id": prop["id"]}, "notes.txt",
                               b"plain words", "text/plain")


def test_a_signed_url_that_expired_before_use_is_asked_for_again(serve_sandbox):
    """The sandbox's clock jumps six minutes after the first link is made: that link is dead when fetched."""
    start = dt.datetime.now(dt.UTC)
    calls: list[int] = []

    def clock() -> dt.datetime:
        calls.append(1)
        return start if len(calls) == 1 else start + dt.timedelta(minutes=6)

    app = BrikSyncSandbox(rate_limit=False, clock=clock)
    server = serve_sandbox({"/briksync": app})
    from integrations.briksync.client import BrikSyncClient
    from integrations.briksync.sandbox import DEMO_API_KEY

    app.store.insert("documents", {"id": "d1", "name": "Deed"}, key="d1")
    app.blobs["d1"] = (b"%PDF-1.4 deed", "application/pdf")
    with BrikSyncClient(server.url_for("/briksync"), {"api_key": DEMO_API_KEY}) as client:
        assert client.download("d1") == b"%PDF-1.4 deed"
    assert app.stats["GET /documents/d1/download"] == 2 and app.stats["GET /storage"] == 2


def test_deleting_a_document_twice_is_fine(briksync):
    briksync.app.seed(10)
    doc = briksync.records("documents")[0]
    with briksync.client() as client:
        client.delete_document(doc["id"])
        client.delete_document(doc["id"])
        assert client.get("documents", doc["id"]) is None


def test_a_sync_within_the_plugins_declared_limit_never_meets_brik_syncs_429(org, serve_sandbox):
    """The plug-in's RateSpec through the engine's shared limiter keeps whole pulls under the sandbox's enforced
    limit (BrikSync's documented 100 requests a minute)."""
    from integrations.base import RateSpec
    from integrations.briksync.plugin import BrikSyncPlugin
    from integrations.pull import run_pull

    app = BrikSyncSandbox(seed=30)  # the documented limit is on
    assert BrikSyncPlugin.rate_limit == app.rate_limit == RateSpec(100, 60.0)  # what BrikSync documents
    connection = Connection(organization=org, vendor="briksync", name="BrikSync sandbox",
                            base_url=serve_sandbox({"/briksync": app}).url_for("/briksync"),
                            config={"options": {"page_size": 10}})  # no rate_limit: the plug-in's own limit
    connection.set_credentials(CREDENTIALS)
    connection.save()
    for _ in range(3):  # back to back: unthrottled, these requests come faster than 100 a minute
        run = run_pull(connection.pk, full=True)
        assert run.status in ("succeeded", "partial"), run.message
    assert app.stats["requests"] >= 30 and app.stats.get("429_sent", 0) == 0
