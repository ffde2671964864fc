"""A BuildingMinds sandbox over real HTTP on 127.0.0.1, and a client connected to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from integrations.buildingminds.client import BuildingMindsClient
from integrations.buildingminds.sandbox import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_SCOPE_URI,
    TOKEN_PATH,
    BuildingMindsSandbox,
)
from integrations.sandbox.server import SandboxServer, serve

CREDENTIALS = {"client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET, "scope_uri": DEMO_SCOPE_URI}
STAGE = 0.05  # seconds each batch status lasts in these tests
# One client for the control calls: a new httpx client per call costs ~60 ms (it loads the TLS trust store).
CONTROL = httpx.Client(timeout=10)


@dataclass
class RunningSandbox:
    app: BuildingMindsSandbox
    url: str  # base URL of the vendor API

    def control(self, method: str, action: str, json: Any = None) -> Any:
        response = CONTROL.request(method, f"{self.url}/__sandbox__/{action}", json=json)
        response.raise_for_status()
        return response.json()

    def received(self, path: str | None = None) -> list[dict[str, Any]]:
        return [r for r in self.control("GET", "received") if path is None or r["path"] == path]

    def records(self, collection: str) -> dict[str, dict[str, Any]]:
        return {r.get("addressId") or r.get("siteId") or r.get("buildingId"): r
                for r in self.control("GET", f"records/{collection}")}

    def stats(self) -> dict[str, int]:
        return self.control("GET", "stats")


@pytest.fixture(scope="module")
def bm_server() -> Iterator[SandboxServer]:
    """One server per test module (stopping one takes half a second); each test resets its state."""
    server = serve({"/buildingminds": BuildingMindsSandbox(rate_limit=False, stage_seconds=STAGE)})
    yield server
    server.stop()


@pytest.fixture
def bm_sandbox(bm_server) -> RunningSandbox:
    """A fresh sandbox: empty store, no faults, no tokens, fast batches, no rate window."""
    app = bm_server.apps["/buildingminds"]
    app.token_ttl = 3599.0
    sandbox = RunningSandbox(app=app, url=bm_server.url_for("/buildingminds"))
    sandbox.control("POST", "reset")
    sandbox.control("POST", "rate", {"enabled": False})
    sandbox.control("POST", "timing", {"stage_seconds": STAGE})
    return sandbox


@pytest.fixture
def make_client(bm_sandbox) -> Iterator[Callable[..., BuildingMindsClient]]:
    made: list[BuildingMindsClient] = []

    def make(credentials: dict[str, str] | None = None, **kw: Any) -> BuildingMindsClient:
        config = {"token_url": TOKEN_PATH, **kw.pop("config", {})}
        client = BuildingMindsClient(kw.pop("base_url", bm_sandbox.url), credentials or CREDENTIALS, config, **kw)
        client.forget_token()  # tokens are cached per process by URL: a reused port starts clean
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def bm_client(make_client) -> BuildingMindsClient:
    return make_client()


def wait_for(check: Callable[[], Any], seconds: float = 5.0) -> Any:
    """Poll ``check`` until it returns something truthy (batches move on a clock); bounded."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(STAGE / 2)
