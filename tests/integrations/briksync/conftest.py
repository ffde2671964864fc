"""A BrikSync sandbox on a free 127.0.0.1 port, a client that talks to it, and a connection through the engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from integrations.briksync.client import BrikSyncClient
from integrations.briksync.sandbox import DEMO_API_KEY, BrikSyncSandbox
from integrations.models import Connection
from integrations.sandbox.server import serve

CREDENTIALS = {"api_key": DEMO_API_KEY}


@dataclass
class Vendor:
    app: BrikSyncSandbox
    url: str  # the API's base URL (…/briksync), like https://briksync.com/api

    def control(self, method: str, path: str, **kw: Any) -> httpx.Response:
        """Steer the running sandbox over HTTP, as tests and the demo do."""
        return httpx.request(method, f"{self.url}/__sandbox__/{path}", timeout=10, **kw)

    def records(self, collection: str) -> list[dict[str, Any]]:
        return self.control("GET", f"records/{collection}").json()

    def received(self) -> list[dict[str, Any]]:
        return self.control("GET", "received").json()

    def client(self, **kw: Any) -> BrikSyncClient:
        kw.setdefault("sleep", lambda seconds: None)  # retries wait no wall time unless a test asks
        return BrikSyncClient(self.url, kw.pop("credentials", CREDENTIALS), kw.pop("config", {}), **kw)


CLOCK = [dt.datetime.now(dt.UTC)]  # the sandbox's clock (signed links expire by it), settable by tests


@pytest.fixture
def vendor_clock() -> list[dt.datetime]:
    CLOCK[0] = dt.datetime.now(dt.UTC)
    return CLOCK


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    """Options for a sandbox of the test's own (a test overrides this with parametrize)."""
    return {}


@pytest.fixture(scope="module")
def shared_sandbox() -> Iterator[Vendor]:
    """One server per test module (stopping a server costs half a second); each test starts from a reset."""
    app = BrikSyncSandbox(rate_limit=False, clock=lambda: CLOCK[0])
    server = serve({"/briksync": app})
    yield Vendor(app=app, url=server.url_for("/briksync"))
    server.stop()


@pytest.fixture
def briksync(request, vendor_clock, sandbox_options) -> Vendor:
    if sandbox_options:
        app = BrikSyncSandbox(rate_limit=False, clock=lambda: CLOCK[0], **sandbox_options)
        server = request.getfixturevalue("serve_sandbox")({"/briksync": app})
        return Vendor(app=app, url=server.url_for("/briksync"))
    vendor = request.getfixturevalue("shared_sandbox")
    vendor.control("POST", "reset")
    return vendor


@pytest.fixture
def connection(org, briksync) -> Connection:
    conn = Connection(organization=org, vendor="briksync", name="BrikSync sandbox", base_url=briksync.url,
                      config={"rate_limit": {"enabled": False}, "options": {"page_size": 10}})
    conn.set_credentials(CREDENTIALS)
    conn.save()
    return conn
