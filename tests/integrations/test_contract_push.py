"""The contract for push-only plug-ins (no pull stream, so test_contract.py's pull checks skip them), run against
each one's own sandbox over HTTP through the engine's drain: everything lands, a rerun sends nothing, 429s are
honoured, a 401 is answered with a new token once, and a payload the vendor refuses is reported without losing the
rest. Parametrized over every available plug-in without pull streams: a new push-only vendor is covered at once.
"""

from __future__ import annotations

import httpx
import pytest

from integrations.cli import backfill_outbox
from integrations.contract import Plugin
from integrations.engine import test_connection as check_connection
from integrations.http import BaseClient
from integrations.models import Connection, OutboxEntry
from integrations.push import run_drain
from integrations.registry import PLUGINS, available
from portal.homes import services as homes
from portal.locations import services as locations
from portal.locations.models import Kind

ADDRESS = {"address_line1": "6500 Warren Pkwy", "city": "Frisco", "state": "TX", "postal_code": "75034"}
CONTROL = httpx.Client(timeout=10)


@pytest.fixture(params=list(PLUGINS))
def plugin(request) -> Plugin:
    found = available().get(request.param)
    if found is None:
        pytest.skip(f"{request.param} is not available yet")
    if found.pull_streams():
        pytest.skip("pulls too: test_contract.py covers it")
    return found


@pytest.fixture
def sandbox(plugin, serve_sandbox):
    app = plugin.sandbox_app(rate_limit=False)
    server = serve_sandbox({plugin.prefix(): app})
    app.base_url = server.url_for(plugin.prefix())
    return app


@pytest.fixture
def connection(org, plugin, sandbox) -> Connection:
    c = Connection(organization=org, vendor=plugin.key, name=plugin.display_name, base_url=sandbox.base_url,
                   config={"rate_limit": {"enabled": False}, "options": dict(plugin.demo_options)})
    c.set_credentials(plugin.demo_credentials)
    c.save()
    ok, message = check_connection(c)  # also caches a token, so faults below hit the pushes themselves
    assert ok, message
    return c


@pytest.fixture
def tree(org, connection):
    """A small portfolio with an address on every level, made after the connection (so its outbox fills)."""
    region = locations.create_location(org, kind=Kind.REGION, name="Texas", **ADDRESS)
    division = locations.create_location(org, kind=Kind.DIVISION, name="Dallas", parent=region, **ADDRESS)
    master = locations.create_location(org, kind=Kind.MASTER_COMMUNITY, name="Prairie", parent=division, **ADDRESS)
    hood = locations.create_location(org, kind=Kind.NEIGHBORHOOD, name="Bluebonnet", parent=master, **ADDRESS)
    prop = locations.create_location(org, kind=Kind.PROPERTY, name="Frisco Lofts", parent=hood, **ADDRESS)
    homes.create_home(org, location=hood, external_id="SF-1", **{**ADDRESS, "address_line1": "1 Oak Dr"})
    homes.create_home(org, location=prop, unit_number="101", home_type="multi_family", **ADDRESS)
    return prop


def control(sandbox, action: str, body: dict | None = None) -> dict:
    method = "POST" if body is not None else "GET"
    return CONTROL.request(method, f"{sandbox.base_url}/__sandbox__/{action}", json=body).json()


def test_a_drain_sends_every_record_and_a_rerun_sends_nothing(connection, tree, sandbox):
    first = run_drain(connection.pk)
    assert first.status == "succeeded", first.errors
    assert first.totals()["pushed"] >= 3 and first.totals()["failed"] == 0
    sent = control(sandbox, "stats")["requests"]
    backfill_outbox(connection)
    again = run_drain(connection.pk)
    assert again.totals()["pushed"] == 0 and again.totals()["unchanged"] == first.totals()["pushed"], again.counts
    assert control(sandbox, "stats")["requests"] == sent


def test_429s_are_honoured_and_the_drain_still_lands(connection, tree, sandbox, monkeypatch):
    monkeypatch.setattr(BaseClient, "backoff_base", 0.01)
    control(sandbox, "faults", {"burst_429": 2, "retry_after": 0.05})
    run = run_drain(connection.pk)
    assert run.status == "succeeded", run.errors
    assert control(sandbox, "stats")["429_sent"] == 2


def test_a_401_gets_one_new_token_or_fails_the_run_readably(connection, tree, sandbox, plugin):
    control(sandbox, "faults", {"script": [{"status": 401, "count": 1}]})
    run = run_drain(connection.pk)
    if plugin.client_class.fetch_token is not BaseClient.fetch_token:
        assert run.status == "succeeded", run.errors
    else:
        assert run.status == "failed" and "HTTP 401" in run.message
        assert OutboxEntry.objects.filter(connection=connection, status="pending").exists()


def test_a_payload_the_vendor_refuses_is_reported_and_the_rest_lands(connection, tree, sandbox):
    control(sandbox, "faults", {"script": [{"status": 400, "count": 1}]})
    run = run_drain(connection.pk)
    assert run.status == "partial"
    assert run.totals()["failed"] == 1 and run.totals()["pushed"] >= 1
    assert "HTTP 400" in run.errors[0]["reason"] and "Injected failure" in run.errors[0]["reason"]
    assert OutboxEntry.objects.get(connection=connection, status="failed").last_error == run.errors[0]["reason"]
