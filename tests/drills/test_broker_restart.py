"""Drill: Redis (the broker) restarted in the middle of an outbox drain run by a real Celery worker.

300 new homes are drained to the vendor; when a third of them have been sent, the drill's own redis-server is
stopped (it keeps nothing: every queued and unacknowledged message is lost), staff change the rent of 20 homes
already sent and three webhooks arrive while it is down, and it is started again. Beat's next dispatch is then
published, as beat would. Every change must reach the vendor exactly once: each home created once, each rent
change sent once.
"""

from __future__ import annotations

import collections
import json

import httpx
import pytest

from tests.drills.processes import celery_worker, child, wait_until

pytestmark = [pytest.mark.drill, pytest.mark.timeout(150)]
HOMES = 300
CHANGED = 20  # each change made while the broker is down waits ~0.6 s for Celery's publish retries


def test_every_change_reaches_the_vendor_exactly_once_across_a_broker_restart(drill_env, redis, fake_sandbox,
                                                                              tmp_path):
    httpx.post(f"{fake_sandbox.base_url}/__sandbox__/faults", json={"latency_ms": 15})
    connection = str(child(drill_env, "connect", "broker", "Broker", fake_sandbox.base_url)["connection"])
    with celery_worker(drill_env, tmp_path, concurrency=1) as worker:
        made = child(drill_env, "make-homes", connection, str(HOMES))  # its commit publishes the drain
        wait_until(lambda: fake_sandbox.stats.get("POST /v1/units", 0) >= HOMES // 3, 60, "a third of the homes sent")

        down = json.dumps([["update-pushed", connection, str(CHANGED), "2222.00"],
                           ["deliver", connection, "[1, 2, 3]"]])
        changed, delivered = redis.restart(down_for=1.0, while_down=lambda: child(drill_env, "batch", down))["results"]
        # Saved and answered as saved although the broker could not be reached: the dispatcher publishes later.
        assert changed["errors"] == [], changed
        assert delivered["statuses"] == [202, 202, 202], delivered
        after = json.dumps([["publish", "dispatch_due"], ["outbox", connection, "60"], ["homes", connection]])
        _, outbox, ours = child(drill_env, "batch", after)["results"]  # beat's next tick, then the drain's end
        # The webhooks whose task was never published: the dispatcher takes them up once five minutes have passed.
        later = json.dumps([["age-deliveries", connection, "6"], ["publish", "dispatch_due"],
                            ["deliveries", connection, "30"], ["settle", connection, "webhook", "3", "30"]])
        hooks, hooks_runs = child(drill_env, "batch", later)["results"][-2:]
        log = worker.output()

    context = f"outbox {outbox}; worker log: {log}"
    assert set(outbox["statuses"]) <= {"sent", "superseded"}, context
    units = fake_sandbox.store.all("units")
    refs = collections.Counter(u["external_ref"] for u in units)
    assert len(units) == HOMES and max(refs.values()) == 1, context  # no home created twice
    assert fake_sandbox.stats["POST /v1/units"] == HOMES, context
    assert fake_sandbox.stats.get("PUT /v1/units", 0) == 0  # a PUT to the collection would be a bug
    puts = sum(n for path, n in fake_sandbox.stats.items() if path.startswith("PUT /v1/units/"))
    assert puts == CHANGED, f"each rent change sent exactly once, got {puts} PUTs; {context}"
    ours = ours["homes"]
    theirs = {u["external_ref"].removeprefix("home-"): [u["unit_number"], u["rent"]] for u in units}
    assert theirs == {pk: v for pk, v in ours.items() if int(pk) in made["homes"]}, context
    assert sum(1 for v in theirs.values() if v[1] == "2222.00") == CHANGED
    assert hooks["statuses"] == {"processed": 3}, f"webhooks {hooks}; {context}"
    webhook_runs = [r["status"] for r in hooks_runs["runs"] if r["kind"] == "webhook"]
    assert webhook_runs == ["succeeded"] * 3, f"each webhook processed once: {webhook_runs}; {context}"
