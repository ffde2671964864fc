"""The Buildium client against the sandbox over real HTTP: auth, paging, filters, errors, faults, files."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from integrations.base import AuthError, NotFound, RateLimited, Rejected, TransientError
from integrations.buildium.client import utc_param
from integrations.buildium.streams import by_id, by_updated_then_id, fetch_offset_page


def test_the_key_headers_authenticate_and_missing_ones_get_401_in_buildiums_error_shape(buildium):
    buildium.app.seed(10)
    assert buildium.client().list_page("/v1/rentals", limit=1).total >= 1
    with pytest.raises(AuthError) as caught:
        buildium.client(credentials={"client_id": "x", "client_secret": "y"}).list_page("/v1/rentals")
    assert caught.value.status == 401 and caught.value.vendor_code == "Unauthorized"
    assert "client ID and secret" in caught.value.message and not caught.value.refreshable


def test_paging_walks_every_record_once_in_id_order_with_x_total_count(buildium):
    buildium.app.seed(120)
    client, cursor, seen = buildium.client(), None, []
    for _ in range(100):
        page = fetch_offset_page(client, "/v1/rentals/units", {"orderby": "Id asc"}, cursor, by_id, page_size=25)
        seen += [r["Id"] for r in page.records]
        assert page.total == 120
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == list(range(1, 121))


def test_a_record_deleted_between_pages_does_not_make_paging_skip_another(buildium):
    buildium.app.seed(60)
    client = buildium.client()
    first = fetch_offset_page(client, "/v1/rentals/units", {"orderby": "Id asc"}, None, by_id, page_size=20)
    for unit_id in (3, 7, 11):  # three records before the cursor vanish: later ones shift back three places
        assert buildium.control("DELETE", f"records/units/{unit_id}").status_code == 200
    seen, cursor = [r["Id"] for r in first.records], first.next_cursor
    while cursor is not None:
        page = fetch_offset_page(client, "/v1/rentals/units", {"orderby": "Id asc"}, cursor, by_id, page_size=20)
        seen += [r["Id"] for r in page.records]
        cursor = page.next_cursor
    assert seen == list(range(1, 61))  # 21, 22 and 23 were not skipped


def test_leases_sort_by_last_update_and_other_lists_refuse_a_field_their_records_lack(buildium):
    buildium.app.seed(30)
    client = buildium.client()
    leases = client.list_page("/v1/leases", {"orderby": "LastUpdatedDateTime asc,Id asc"}).records
    assert [by_updated_then_id(r) for r in leases] == sorted(by_updated_then_id(r) for r in leases)
    with pytest.raises(Rejected, match="orderby field 'LastUpdatedDateTime' is not a property") as caught:
        client.list_page("/v1/rentals", {"orderby": "LastUpdatedDateTime asc,Id asc"})
    assert caught.value.status == 400 and caught.value.field_errors == {
        "orderby": "The orderby field 'LastUpdatedDateTime' is not a property of the result."
    }


def test_lastupdatedfrom_returns_only_records_changed_on_or_after_it_in_utc(buildium, vendor_clock):
    buildium.app.seed(20)
    vendor_clock[0] = dt.datetime(2026, 7, 1, 9, 30, 15, 999000, tzinfo=dt.UTC)
    buildium.control("POST", "records/units/4", json={"MarketRent": 1999.0})
    client = buildium.client()
    since = {"lastupdatedfrom": utc_param(dt.datetime(2026, 7, 1, 9, 30, 15, tzinfo=dt.UTC))}
    changed = client.list_page("/v1/rentals/units", since).records
    assert [(u["Id"], u["MarketRent"]) for u in changed] == [(4, 1999.0)]
    later = {"lastupdatedfrom": "2026-07-01T09:30:16Z"}
    assert client.list_page("/v1/rentals/units", later).records == []
    with pytest.raises(Rejected, match="YYYY-MM-DDTHH:MM:SSZ"):
        client.list_page("/v1/rentals/units", {"lastupdatedfrom": "2026-07-01 09:30:15"})


def test_utc_param_writes_buildiums_filter_format_from_any_zone():
    eastern = dt.timezone(dt.timedelta(hours=-5))
    assert utc_param(dt.datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=eastern)) == "2026-01-02T08:04:05Z"


def test_limit_above_1000_is_coerced_and_wrong_case_paging_names_are_404(buildium):
    buildium.app.seed(5)
    client = buildium.client()
    response = client.request("GET", "/v1/rentals/units", params={"limit": 5000})
    assert len(response.json()) == 5
    with pytest.raises(NotFound):
        client.request("GET", "/v1/rentals/units", params={"Limit": 10})
    with pytest.raises(Rejected, match="between 1 and 1000"):
        client.request("GET", "/v1/rentals/units", params={"limit": 0})


def test_a_429_is_waited_out_and_the_request_retried(buildium):
    buildium.app.seed(5)
    buildium.control("POST", "faults", json={"burst_429": 2})
    waits: list[float] = []
    page = buildium.client(sleep=waits.append).list_page("/v1/rentals")
    assert page.total >= 1 and waits == [0.25, 0.25]  # Buildium sends no Retry-After: its guide's ~200 ms
    assert buildium.control("GET", "stats").json()["429_sent"] == 2


def test_the_sandbox_enforces_ten_requests_a_second_and_the_client_survives_it(serve_sandbox):
    from integrations.buildium.sandbox import BuildiumSandbox
    from tests.integrations.buildium.conftest import Vendor

    app = BuildiumSandbox(seed=3)  # the documented limit is on by default
    vendor = Vendor(app=app, url=serve_sandbox({"/buildium": app}).url_for("/buildium"))
    client = vendor.client(sleep=time.sleep)
    rentals = len(app.store.all("rentals"))
    for _ in range(25):
        assert client.list_page("/v1/rentals", limit=1).total == rentals
    assert app.stats["429_sent"] > 0  # unthrottled, the client met the limit and waited each 429 out
    assert app.stats["requests"] - app.stats["429_sent"] == 25


def test_a_sync_within_the_plugins_declared_limit_never_meets_buildiums_429(org, serve_sandbox):
    """The plug-in's RateSpec (10 a second) through the engine's shared limiter keeps a whole pull under the
    sandbox's enforced limit."""
    from integrations.buildium.sandbox import BuildiumSandbox
    from integrations.pull import run_pull
    from tests.integrations.buildium.conftest import Vendor, make_connection

    app = BuildiumSandbox(seed=40)  # the documented limit is on
    vendor = Vendor(app=app, url=serve_sandbox({"/buildium": app}).url_for("/buildium"))
    connection = make_connection(org, vendor)
    connection.config.pop("rate_limit")  # the plug-in's own limit
    connection.save(update_fields=["config"])
    for _ in range(3):  # back to back: unthrottled, these requests come faster than 10 a second
        run = run_pull(connection.pk, full=True)
        assert run.status == "succeeded", run.message
    assert app.stats["requests"] >= 30 and app.stats.get("429_sent", 0) == 0


def test_server_errors_and_malformed_pages_are_retried_until_a_good_answer(buildium):
    buildium.app.seed(5)
    buildium.control(
        "POST",
        "faults",
        json={
            "script": [
                {"status": 503, "count": 2, "path": "/v1/rentals"},
                {"kind": "malformed", "count": 1, "path": "/v1/rentals"},
            ]
        },
    )
    assert buildium.client().list_page("/v1/rentals").total >= 1
    assert buildium.control("GET", "stats").json()["faults_injected"] == 3


def test_a_page_that_is_not_a_list_is_a_transient_error(buildium, monkeypatch):
    buildium.app.seed(2)
    with pytest.raises(TransientError, match="not a list"):
        buildium.client().list_page("/v1/rentals/1")


def test_a_validation_error_carries_buildiums_message_and_per_field_errors(buildium):
    with pytest.raises(Rejected) as caught:
        buildium.client().create_rental({"Name": "", "Address": {"AddressLine1": "1 A St"}})
    error = caught.value
    assert error.status == 400 and error.vendor_code == "BadRequest"
    assert error.field_errors["Name"] == "The Name field is required."
    assert error.field_errors["Address.PostalCode"] == "The PostalCode field is required."
    assert error.message.startswith("One or more fields are invalid. (Name: The Name field is required.;")


def test_a_missing_record_is_none_and_a_missing_parent_is_404(buildium):
    client = buildium.client()
    assert client.get_unit(999) is None
    with pytest.raises(NotFound, match="rental property 42 does not exist"):
        client.create_unit(
            {
                "PropertyId": 42,
                "UnitNumber": "1",
                "Address": {"AddressLine1": "1 A St", "PostalCode": "45402", "Country": "UnitedStates", "State": "OH"},
            }
        )


def test_a_file_is_uploaded_in_two_steps_found_by_its_physical_name_and_downloaded_again(buildium):
    buildium.app.seed(10)
    client = buildium.client()
    content = b"%PDF-1.4 signed lease"
    record = client.upload_file(
        {"EntityType": "Lease", "EntityId": 1, "FileName": "lease.pdf", "Title": "Lease", "CategoryId": 2}, content
    )
    assert record["FileEntity"] == {"Id": 1, "EntityType": "Lease", "Href": None}
    assert (record["Size"], record["ContentType"], record["Title"]) == (len(content), "application/pdf", "Lease")
    assert client.download(record["Id"]) == content


def test_an_upload_refused_locally_never_reaches_buildium(buildium):
    client = buildium.client()
    with pytest.raises(Rejected, match="FileName: The FileName field is required"):
        client.upload_file({"EntityType": "Lease", "EntityId": 1, "FileName": "", "Title": "x", "CategoryId": 1}, b"x")
    assert buildium.control("GET", "stats").json().get("requests", 0) == 0


def test_the_upload_url_refuses_bytes_without_the_returned_headers(buildium):
    import httpx

    buildium.app.seed(3)
    ticket = (
        buildium.client()
        .request(
            "POST",
            "/v1/files/uploads",
            json={"EntityType": "Lease", "EntityId": 1, "FileName": "a.txt", "Title": "A", "CategoryId": 1},
        )
        .json()
    )
    plain = httpx.put(ticket["UploadUrl"], content=b"x", headers={"Content-Type": "application/octet-stream"})
    assert plain.status_code == 403 and b"SignatureDoesNotMatch" in plain.content


def test_an_expired_rate_limit_wait_longer_than_allowed_goes_back_to_the_task(buildium):
    buildium.app.seed(2)
    buildium.control("POST", "faults", json={"script": [{"status": 503, "count": 1, "retry_after": 120}]})
    with pytest.raises(RateLimited) as caught:
        buildium.client().list_page("/v1/rentals")
    assert caught.value.retry_after == 120
