"""/api/v1/connections, /sync-runs, /conflicts: scoped to the caller's organization, in the API's envelope."""

from __future__ import annotations

import pytest

from integrations.models import Conflict, Connection, SyncRun
from integrations.pull import run_pull
from portal.accounts.apikeys import issue_key
from portal.homes import services as homes
from portal.homes.models import Home


@pytest.fixture
def auth(org):
    return {"Authorization": f"Bearer {issue_key(org, name='t', scope='write').plaintext}"}


def test_connections_are_created_with_write_only_credentials(client, auth, fake_sandbox):
    response = client.post("/api/v1/connections/", {"vendor": "fakevendor", "name": "API", "base_url":
                           fake_sandbox.base_url, "credentials": {"api_key": "fake-key"}},
                           content_type="application/json", headers=auth)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert "credentials" not in body and body["credential_keys"] == ["api_key"]
    assert body["webhook_url"].endswith(f"/integrations/webhooks/fakevendor/{body['id']}/")


def test_missing_credentials_are_refused_in_the_envelope(client, auth, fake_plugin):
    response = client.post("/api/v1/connections/", {"vendor": "fakevendor", "name": "API",
                           "base_url": "http://127.0.0.1:1"}, content_type="application/json", headers=auth)
    assert response.status_code == 400
    assert "api_key" in str(response.json()["error"]["fields"]["credentials"])


def test_sync_runs_and_conflicts_of_another_organization_are_invisible(client, auth, fake_connection, other_org):
    theirs = Connection.objects.create(organization=other_org, vendor="fakevendor", name="T",
                                       base_url="http://127.0.0.1:1")
    SyncRun.objects.create(connection=theirs, kind="pull")
    assert client.get("/api/v1/sync-runs/", headers=auth).json()["results"] == []
    assert client.get(f"/api/v1/connections/{theirs.pk}/", headers=auth).status_code == 404


def test_a_sync_started_through_the_api_is_watchable(client, auth, fake_connection, fake_sandbox):
    fake_sandbox.seed(3)
    started = client.post(f"/api/v1/connections/{fake_connection.pk}/sync/", {"full": True},
                          content_type="application/json", headers=auth)
    assert started.status_code == 202
    run_pull(fake_connection.pk, full=True, run_id=started.json()["id"])
    run = client.get(f"/api/v1/sync-runs/{started.json()['id']}/", headers=auth).json()
    assert run["status"] == "succeeded" and run["totals"]["created"] == 4


def test_a_conflict_is_resolved_through_the_api(client, auth, fake_connection, fake_sandbox):
    fake_sandbox.seed(1)
    run_pull(fake_connection.pk, full=True)
    homes.update_home(Home.objects.get(), market_rent=1100)
    fake_sandbox.mutate("units", "1", {"rent": "1300.00"})
    run_pull(fake_connection.pk)
    listed = client.get("/api/v1/conflicts/", headers=auth).json()["results"]
    assert [(c["field"], c["ours"], c["theirs"]) for c in listed] == [("market_rent", "1100.00", "1300.00")]
    resolved = client.post(f"/api/v1/conflicts/{listed[0]['id']}/resolve/", {"resolution": "keep_ours"},
                           content_type="application/json", headers=auth)
    assert resolved.status_code == 200 and resolved.json()["resolution"] == "keep_ours"
    assert Conflict.objects.get().resolved_at is not None
    assert client.get("/api/v1/conflicts/", headers=auth).json()["results"] == []


def test_a_read_only_key_cannot_change_connections(client, org, fake_connection):
    read = {"Authorization": f"Bearer {issue_key(org, name='r').plaintext}"}
    response = client.patch(f"/api/v1/connections/{fake_connection.pk}/", {"name": "x"},
                            content_type="application/json", headers=read)
    assert response.status_code == 403
