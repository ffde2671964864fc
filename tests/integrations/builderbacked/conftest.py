"""A Builder Backed sandbox over real HTTP on 127.0.0.1, and a client connected to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from integrations.builderbacked.client import BuilderBackedClient
from integrations.builderbacked.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, BuilderBackedSandbox
from integrations.sandbox.server import SandboxServer, serve

CREDENTIALS = {"client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}


@dataclass
class RunningSandbox:
    app: BuilderBackedSandbox
    url: str  # base URL of the vendor API
    root: str  # the server's root (other mounts live here)

    def control(self, method: str, action: str, json: Any = None) -> Any:
        response = httpx.request(method, f"{self.url}/__sandbox__/{action}", json=json, timeout=10)
        response.raise_for_status()
        return response.json()

    def received(self, method: str | None = None) -> list[dict[str, Any]]:
        return [r for r in self.control("GET", "received") if method is None or r["method"] == method]

    def stats(self) -> dict[str, int]:
        return self.control("GET", "stats")


@pytest.fixture(scope="module")
def bb_server() -> Iterator[SandboxServer]:
    """One server per test module (stopping one takes half a second); each test resets its state."""
    server = serve({"/builderbacked": BuilderBackedSandbox(rate_limit=False)})
    yield server
    server.stop()


@pytest.fixture
def bb_sandbox(bb_server) -> RunningSandbox:
    """A fresh sandbox: empty store (regions seeded), no faults, no tokens, no rate window (tests that need one
    turn it on: a test's own speed must not trip it)."""
    app = bb_server.apps["/builderbacked"]
    app.token_ttl = 3600.0
    sandbox = RunningSandbox(app=app, url=bb_server.url_for("/builderbacked"), root=bb_server.url)
    sandbox.control("POST", "reset")
    sandbox.control("POST", "rate", {"enabled": False})
    return sandbox


@pytest.fixture
def make_client(bb_sandbox) -> Callable[..., BuilderBackedClient]:
    made: list[BuilderBackedClient] = []

    def make(credentials: dict[str, str] | None = None, **kw: Any) -> BuilderBackedClient:
        config = kw.pop("config", {})
        client = BuilderBackedClient(kw.pop("base_url", bb_sandbox.url), credentials or CREDENTIALS, config, **kw)
        client.forget_token()  # tokens are cached per process by URL: a port reused from an earlier test starts clean
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def bb_client(make_client) -> BuilderBackedClient:
    return make_client()


def build_tree(client: BuilderBackedClient, region: str = "Cincinnati") -> None:
    """The guide's example hierarchy and home: DIV_001 > lnt-loc-3 > NH_001 > HOME_12345."""
    client.create_location("divisions", {"externalId": "DIV_001", "name": "Cincinnati Division", "regionName": region})
    client.create_location("master-communities",
                           {"externalId": "lnt-loc-3", "name": "Shaker Run", "divisionExternalId": "DIV_001"})
    client.create_location("neighborhoods",
                           {"externalId": "NH_001", "name": "Lakeside", "masterCommunityExternalId": "lnt-loc-3"})
    client.create_home({"externalId": "HOME_12345", "addressLine1": "123 Main St", "city": "Columbus",
                        "state": "OH", "postalCode": "43215", "type": "Single Family",
                        "neighborhoodExternalId": "NH_001"})
