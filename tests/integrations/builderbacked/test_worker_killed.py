"""A worker killed with SIGKILL in the middle of a Builder Backed drain, then run again: the vendor ends holding the
portal's tree, every record once, and nothing is left to send."""

from __future__ import annotations

import pytest

from integrations.builderbacked.sandbox import BuilderBackedSandbox
from tests.integrations.builderbacked.kill_child import HOMES
from tests.integrations.test_worker_killed import child_env, kill_when, run_child

MODULE = "tests.integrations.builderbacked.kill_child"


def child(env: dict[str, str], *args: str) -> dict:
    return run_child(MODULE, env, *args)


@pytest.mark.slow
def test_a_drain_killed_mid_way_ends_with_the_vendor_holding_every_record_once(transactional_db, serve_sandbox,
                                                                               tmp_path):
    app = BuilderBackedSandbox(rate_limit=False)
    url = serve_sandbox({"/builderbacked": app}).url_for("/builderbacked")
    env = child_env(tmp_path)
    connection_id = str(child(env, "setup", url)["connection"])
    app.faults.configure({"latency_ms": 150})

    # Killed with a home POST on the wire.
    kill_when(lambda: app.stats.get("POST /api/v2/homes", 0) >= 8, MODULE, env, tmp_path / "worker.log", "drain",
              f"{connection_id}:0")
    halfway = child(env, "report", connection_id)
    assert 0 < len(halfway["refs"]["homes"]) < HOMES and halfway["pending"] > 0

    app.faults.configure({"latency_ms": 0})
    for hours in range(0, 12, 3):  # bounded: a later clock each time, past any back-off
        if child(env, "report", connection_id)["pending"] == 0:
            break
        child(env, "drain", f"{connection_id}:{hours}")
    final = child(env, "report", connection_id)
    assert (final["pending"], final["statuses"]) == (0, ["sent"])
    store = app.store
    assert [store.count(k) for k in ("divisions", "master-communities", "neighborhoods")] == [1, 1, 1]
    assert sorted(h["externalId"] for h in store.all("homes")) == final["refs"]["homes"] == final["homes"]
    assert all(len(h["homeowners"]) == 1 for h in store.all("homes"))
    assert len(final["refs"]["homeowners"]) == HOMES
    assert final["ref_objects"] == 3 + 2 * HOMES  # one ref per record: nothing pushed as two
    posts = [r for r in app.received if r["method"] == "POST" and r["path"] == "/api/v2/homes"]
    assert sum(r["status"] == 201 for r in posts) == HOMES  # each home created once (a retry meets 409 or find)
