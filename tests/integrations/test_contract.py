"""The contract every plug-in passes, run against its own sandbox over HTTP through the engine.

Parametrized over every available plug-in (and the test plug-in): a new vendor is covered the moment its registry
line resolves. Vendor-specific behaviour is tested in tests/integrations/<key>/.
"""

from __future__ import annotations

import httpx
import pytest

from integrations.contract import Plugin, PullStream, PushStream
from integrations.errors import AuthError
from integrations.models import Connection, ExternalRef, SyncState
from integrations.pull import run_pull
from integrations.registry import PLUGINS, available
from tests.integrations.conftest import FAKE

KEYS = [*PLUGINS, *FAKE]


@pytest.fixture(params=KEYS)
def plugin(request, settings) -> Plugin:
    settings.INTEGRATIONS_EXTRA_PLUGINS = FAKE
    found = available().get(request.param)
    if found is None:
        pytest.skip(f"{request.param} is not available yet")
    return found


@pytest.fixture
def sandbox(plugin, serve_sandbox):
    app = plugin.sandbox_app(rate_limit=False)
    app.seed(30)
    server = serve_sandbox({plugin.prefix(): app})
    app.base_url = server.url_for(plugin.prefix())
    return app


@pytest.fixture
def connection(org, plugin, sandbox) -> Connection:
    c = Connection(organization=org, vendor=plugin.key, name=plugin.display_name, base_url=sandbox.base_url,
                   config={"rate_limit": {"enabled": False}, "options": dict(plugin.demo_options)})
    c.set_credentials(plugin.demo_credentials)
    c.save()
    return c


def test_the_plugin_declares_what_the_engine_needs(plugin):
    assert plugin.key in KEYS and plugin.display_name
    names = [s.name for s in plugin.pull_streams()] + [f"push:{s.name}" for s in plugin.push_streams()]
    assert len(names) == len(set(names)), "stream names are unique per direction"
    for stream in plugin.streams():
        assert isinstance(stream, PullStream | PushStream)
        from integrations.upsert.adapters import adapter_for

        adapter_for(stream.model)  # the engine can write this model
    assert {f.name for f in plugin.credential_fields} >= set(plugin.demo_credentials)
    for stream in plugin.pull_streams():
        for dep in stream.depends_on:
            plugin.pull_stream(dep)


def test_the_demo_credentials_pass_the_connection_check(connection):
    from integrations.engine import test_connection

    ok, message = test_connection(connection)
    assert ok, message


def test_wrong_credentials_are_an_auth_error(connection, plugin):
    from integrations.context import make_client

    wrong = {f.name: "wrong-" + f.name for f in plugin.credential_fields}
    connection.set_credentials(wrong)
    with make_client(connection) as client, pytest.raises(AuthError):
        plugin.check(client)


def test_a_full_pull_reads_to_the_end_and_a_rerun_changes_nothing(connection, plugin):
    if not plugin.pull_streams():
        pytest.skip("push-only vendor")
    first = run_pull(connection.pk, full=True)
    assert first.status in ("succeeded", "partial"), first.message
    for stream in plugin.pull_streams():
        counts = first.counts.get(stream.name, {})
        state = SyncState.objects.get(connection=connection, stream=stream.name)
        assert state.cursor == {}, f"{stream.name}: the pass did not reach its last page"
        landed = counts.get("created", 0) + counts.get("updated", 0) + counts.get("unchanged", 0)
        assert ExternalRef.objects.filter(connection=connection, stream=stream.name).count() == landed
    again = run_pull(connection.pk, full=True)
    assert again.totals()["created"] == again.totals()["updated"] == 0, again.counts
    assert again.totals()["fetched"] == first.totals()["fetched"]


def test_429s_are_honoured_and_the_sync_still_lands(connection, plugin, sandbox, monkeypatch):
    if not plugin.pull_streams():
        pytest.skip("push-only vendor")
    from integrations.http import BaseClient

    monkeypatch.setattr(BaseClient, "backoff_base", 0.01)
    httpx.post(f"{sandbox.base_url}/__sandbox__/faults", json={"burst_429": 2, "retry_after": 0.05})
    run = run_pull(connection.pk, full=True)
    assert run.status in ("succeeded", "partial"), run.message
    assert httpx.get(f"{sandbox.base_url}/__sandbox__/stats").json()["429_sent"] == 2


def test_a_record_the_plugin_cannot_read_is_reported_and_the_rest_of_its_page_lands(connection, plugin, sandbox):
    if not plugin.pull_streams():
        pytest.skip("push-only vendor")
    httpx.post(f"{sandbox.base_url}/__sandbox__/faults",
               json={"script": [{"kind": "corrupt", "count": 1, "method": "GET"}]})
    run = run_pull(connection.pk, full=True)
    assert run.status == "partial", (run.status, run.message)
    # The first stream (in pull order) with a failure holds the spoiled record; records of later streams that
    # hang on it may wait or fail too, but nothing else of its own page is lost.
    hit = next((name for name, counts in run.counts.items() if counts.get("failed")), None)
    assert hit is not None, run.counts
    counts = run.counts[hit]
    assert counts["failed"] == 1 and counts["created"] == counts["fetched"] - 1, counts
    assert any(e["reason"] for e in run.errors if e["stream"] == hit)


def test_a_sync_with_credentials_the_vendor_refuses_fails_with_a_reason(connection, plugin):
    if not plugin.pull_streams():
        pytest.skip("push-only vendor")
    connection.set_credentials({f.name: "wrong-" + f.name for f in plugin.credential_fields})
    connection.save()
    run = run_pull(connection.pk, full=True)
    assert run.status == "failed" and run.message
    connection.refresh_from_db()
    assert connection.last_error and not ExternalRef.objects.filter(connection=connection).exists()
