"""The operator CLI: add prints an id, sync --wait prints the run's counts, connect-demo is idempotent."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from integrations.models import Connection, OutboxEntry, SyncRun
from portal.locations import services as locations


def run(*args):
    out = io.StringIO()
    call_command("integrations", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_add_then_sync_wait_prints_the_counts(org, fake_sandbox):
    fake_sandbox.seed(12)
    new_id = int(run("add", "fakevendor", "--org", org.slug, "--name", "CLI", "--base-url", fake_sandbox.base_url,
                     "--credential", "api_key=fake-key", "--config", '{"rate_limit": {"enabled": false}}').strip())
    connection = Connection.objects.get(pk=new_id)
    assert connection.credentials["api_key"] == "fake-key"
    assert "Connected" in run("test", str(new_id))
    report = json.loads(run("sync", str(new_id), "--full", "--wait"))
    assert report["status"] == "succeeded"
    assert report["counts"]["units"]["created"] == 12 and report["totals"]["created"] == 13
    status = json.loads(run("status", str(new_id)))
    assert status["refs"] == 13 and status["last_run"]["status"] == "succeeded"
    SyncRun.objects.create(connection=connection, kind="webhook", status="succeeded")
    listing = run("list").splitlines()
    assert listing[0].split() == ["ID", "ORGANIZATION", "VENDOR", "NAME", "STATE", "HEALTH", "LAST", "SYNC"]
    assert listing[1].split()[:2] == [str(new_id), org.slug] and "pull succeeded" in listing[1]


def test_add_refuses_unknown_credentials_with_the_known_ones(org, fake_plugin):
    with pytest.raises(CommandError, match="Known: api_key, webhook_secret"):
        run("add", "fakevendor", "--org", org.slug, "--name", "X", "--base-url", "http://127.0.0.1:1",
            "--credential", "apikey=oops")


def test_a_failed_test_exits_with_the_vendors_message(org, fake_sandbox):
    new_id = run("add", "fakevendor", "--org", org.slug, "--name", "Bad", "--base-url", fake_sandbox.base_url,
                 "--credential", "api_key=wrong").strip()
    with pytest.raises(CommandError, match="Invalid API key"):
        run("test", new_id)


def test_connect_demo_is_idempotent_and_queues_existing_records_for_push(org, fake_sandbox, serve_sandbox):
    locations.create_location(org, kind="property", name="Tower", address_line1="1 Main St", city="Dayton",
                              state="OH", postal_code="45402")
    server_url = fake_sandbox.base_url.rsplit("/", 1)[0]
    first = run("connect-demo", "--org", org.slug, "--sandbox-url", server_url, "--no-sync")
    second = run("connect-demo", "--org", org.slug, "--sandbox-url", server_url, "--no-sync")
    assert "created, 1 records queued for push" in first and "already connected" in second
    connection = Connection.objects.get(vendor="fakevendor")
    assert connection.base_url == fake_sandbox.base_url.replace("/fake", "/fakevendor")
    assert OutboxEntry.objects.filter(connection=connection).count() == 1


def test_connect_demo_has_the_sandbox_sign_webhooks_with_the_connections_secret(org, serve_sandbox, live_server,
                                                                                 settings):
    """The Buildium sandbox signs with the secret connect-demo gives it: the portal accepts its deliveries (202)."""
    import httpx

    from integrations.models import WebhookDelivery
    from integrations.registry import get_plugin

    settings.SITE_URL = live_server.url
    buildium = get_plugin("buildium").sandbox_app(seed=2, rate_limit=False)
    server = serve_sandbox({"/buildium": buildium})
    run("connect-demo", "--org", org.slug, "--sandbox-url", server.url, "--no-sync")
    connection = Connection.objects.get(organization=org, vendor="buildium")
    assert buildium.webhook_targets == [f"{live_server.url}/integrations/webhooks/buildium/{connection.pk}/"]

    httpx.post(f"{server.url_for('/buildium')}/__sandbox__/records/rentals/1", json={"Name": "Renamed at Buildium"})
    assert buildium.webhooks.wait_idle(10)
    assert [entry["status"] for entry in buildium.webhooks.log] == [202]
    assert WebhookDelivery.objects.filter(connection=connection).count() == 1


def test_sync_wait_drains_after_the_pull_and_keeps_each_runs_counts_apart(org, fake_sandbox):
    """A drain the vendor slows down (429 on the push) is waited out as a push run; the pull run keeps pull counts."""
    import httpx

    from integrations.models import SyncRun

    fake_sandbox.seed(2)
    new_id = run("add", "fakevendor", "--org", org.slug, "--name", "CLI", "--base-url", fake_sandbox.base_url,
                 "--credential", "api_key=fake-key", "--config", '{"rate_limit": {"enabled": false}}').strip()
    run("sync", new_id, "--full", "--wait")
    locations.create_location(org, kind="property", name="Tower", address_line1="1 Main St", city="Dayton",
                              state="OH", postal_code="45402")
    httpx.post(f"{fake_sandbox.base_url}/__sandbox__/faults", json={"script": [
        {"status": 429, "count": 1, "method": "POST", "path": "/v1/properties", "retry_after": 1}]})
    report = json.loads(run("sync", new_id, "--wait"))
    pull = SyncRun.objects.get(pk=report["run"])
    assert pull.kind == "pull" and pull.totals()["pushed"] == 0 and report["totals"]["pushed"] == 0
    push = SyncRun.objects.get(pk=report["push"]["run"])
    assert push.kind == "push" and push.status == "succeeded"
    assert report["push"]["totals"]["pushed"] == 1 and push.totals()["fetched"] == 0
    assert push.totals()["faults"] == 1  # the 429 was met and waited out
