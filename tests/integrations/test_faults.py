"""Faults: retries survive a flaky vendor; definite refusals are recorded, not retried; failing connections pause."""

from __future__ import annotations

import httpx
import pytest

from integrations.models import Connection
from integrations.pull import run_pull
from integrations.runs import Reschedule
from portal.homes.models import Home


def faults(app, **body):
    httpx.post(f"{app.base_url}/__sandbox__/faults", json=body)


def stats(app):
    return httpx.get(f"{app.base_url}/__sandbox__/stats").json()


@pytest.fixture(autouse=True)
def _fast_backoff(monkeypatch):
    from integrations.http import BaseClient

    monkeypatch.setattr(BaseClient, "backoff_base", 0.01)


def test_a_sync_survives_5xx_timeouts_drops_malformed_pages_and_429s(fake_connection, fake_sandbox):
    fake_sandbox.seed(60)
    faults(fake_sandbox, seed=7, error_rate=0.15, malformed_rate=0.1, drop_rate=0.1, burst_429=2, retry_after=0.05)
    run = run_pull(fake_connection.pk, full=True)
    assert run.status == "succeeded", run.message
    assert Home.objects.count() == 60
    seen = stats(fake_sandbox)
    assert seen["faults_injected"] + seen.get("drops", 0) + seen.get("malformed_sent", 0) > 0
    assert seen["429_sent"] == 2


def test_a_refusal_is_not_retried_and_its_message_lands_on_the_run_and_the_connection(fake_connection, fake_sandbox):
    fake_sandbox.seed(5)
    faults(fake_sandbox, script=[{"path": "/v1/units", "status": 422, "count": 1}])
    run = run_pull(fake_connection.pk, full=True)
    assert run.status == "failed"
    assert "HTTP 422" in run.message and "Injected failure" in run.message
    assert stats(fake_sandbox)["GET /v1/units"] == 1  # not retried
    connection = Connection.objects.get(pk=fake_connection.pk)
    assert "Injected failure" in connection.last_error and connection.health == "failing"


def test_wrong_credentials_fail_the_run_with_the_vendors_words(fake_connection, fake_sandbox):
    fake_connection.set_credentials({"api_key": "wrong"})
    fake_connection.save()
    run = run_pull(fake_connection.pk, full=True)
    assert run.status == "failed" and "Invalid API key" in run.message


def test_a_connection_failing_n_times_in_a_row_is_paused_with_its_reason(fake_connection, fake_sandbox, settings):
    settings.INTEGRATIONS_PAUSE_AFTER_FAILURES = 3
    faults(fake_sandbox, error_rate=1.0, statuses=[404])
    for _ in range(3):
        run_pull(fake_connection.pk)
    connection = Connection.objects.get(pk=fake_connection.pk)
    assert connection.state == "paused" and connection.consecutive_failures == 3
    assert "Paused after 3 failed runs" in connection.paused_reason and "Injected failure" in connection.paused_reason
    assert run_pull(fake_connection.pk).status == "skipped"


def test_a_success_resets_the_failure_count(fake_connection, fake_sandbox):
    faults(fake_sandbox, error_rate=1.0, statuses=[404])
    run_pull(fake_connection.pk)
    faults(fake_sandbox, clear=True)
    run_pull(fake_connection.pk)
    connection = Connection.objects.get(pk=fake_connection.pk)
    assert connection.consecutive_failures == 0 and connection.health == "ok"


def test_a_long_retry_after_reschedules_the_run_instead_of_sleeping(fake_connection, fake_sandbox):
    fake_sandbox.seed(5)
    faults(fake_sandbox, script=[{"path": "/v1/properties", "status": 429, "retry_after": 120, "count": 1}])
    with pytest.raises(Reschedule) as wait:
        run_pull(fake_connection.pk, full=True)
    assert wait.value.countdown >= 100
    run = fake_connection.runs.get()
    assert run.status == "waiting"
    resumed = run_pull(fake_connection.pk, full=True, run_id=wait.value.run_id)
    assert resumed.pk == run.pk and resumed.status == "succeeded"
    assert Home.objects.count() == 5


def test_only_one_sync_of_a_connection_runs_at_a_time(fake_connection, fake_sandbox):
    from integrations import locking

    holder = locking.acquire(fake_connection.pk)
    try:
        run = run_pull(fake_connection.pk)
        assert run.status == "skipped" and "Another sync" in run.message
    finally:
        locking.release(fake_connection.pk, holder)
    assert run_pull(fake_connection.pk).status == "succeeded"
