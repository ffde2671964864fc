"""A worker killed with SIGKILL in the middle of a Buildium sync, then run again: the portal ends equal to the
sandbox, every record once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.integrations.buildium.conftest import vendor_records
from tests.integrations.test_worker_killed import child_env, kill_when, run_child

COLLECTIONS = {"properties": "rentals", "owners": "owners", "units": "units", "tenants": "tenants",
               "leases": "leases", "files": "files"}


MODULE = "tests.integrations.buildium.kill_child"


def child(env: dict[str, str], *args: str) -> dict:
    return run_child(MODULE, env, *args)


@pytest.mark.slow
def test_a_buildium_sync_killed_mid_way_ends_equal_to_buildium_with_nothing_doubled(transactional_db, live, tmp_path):
    live.app.seed(120)
    live.control("POST", "faults", json={"latency_ms": 300})
    env = child_env(tmp_path)
    connection_id = str(child(env, "setup", live.url)["connection"])

    # Killed while the units page is on its way: properties and owners have landed, the rest has not.
    kill_when(lambda: live.app.stats.get("GET /v1/rentals/units", 0) >= 1, MODULE, env, tmp_path / "worker.log",
              "sync", connection_id)
    halfway = child(env, "report", connection_id)
    assert halfway["streams"]["properties"]["refs"] == len(vendor_records(live, "rentals"))
    assert halfway["streams"]["units"]["refs"] == halfway["streams"]["leases"]["refs"] == 0

    live.control("POST", "faults", json={"latency_ms": 0})
    resumed = child(env, "sync", connection_id)
    assert resumed["status"] == "succeeded", (resumed["message"], resumed["errors"])

    final = child(env, "report", connection_id)
    for stream, collection in COLLECTIONS.items():
        vendor_ids = sorted(str(r["Id"]) for r in vendor_records(live, collection))
        seen = final["streams"][stream]
        assert seen["vendor_ids"] == vendor_ids, stream
        assert seen["refs"] == seen["objects"] == len(vendor_ids), stream
    assert final["max_creates"] == 1  # nothing created twice
    assert final["in_org"]["homes.Home"] == len(vendor_records(live, "units"))
    assert final["in_org"]["homes.Person"] == len(vendor_records(live, "owners")) + len(vendor_records(live, "tenants"))
    cents = Decimal("0.01")
    assert final["homes"] == {str(u["Id"]): [u["UnitNumber"], str(Decimal(str(u["MarketRent"])).quantize(cents))]
                              for u in vendor_records(live, "units")}
