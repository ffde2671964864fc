"""A Buildium sandbox on a free 127.0.0.1 port and a client that talks to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from integrations.buildium.client import BuildiumClient
from integrations.buildium.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, BuildiumSandbox

CREDENTIALS = {"client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET, "webhook_secret": "whsec-test"}


@dataclass
class Vendor:
    app: BuildiumSandbox
    url: str  # base URL of the Buildium API (…/buildium)

    def control(self, method: str, path: str, **kw: Any) -> httpx.Response:
        """Steer the running sandbox over HTTP, as tests and the demo do."""
        return httpx.request(method, f"{self.url}/__sandbox__/{path}", timeout=10, **kw)

    def client(self, **kw: Any) -> BuildiumClient:
        kw.setdefault("sleep", lambda seconds: None)  # retries wait no wall time in tests unless asked
        return BuildiumClient(self.url, kw.pop("credentials", CREDENTIALS), kw.pop("config", {}), **kw)


@pytest.fixture
def vendor_clock() -> list[dt.datetime]:
    """The sandbox's clock, settable by tests (a one-element list holding "now")."""
    return [dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)]


@pytest.fixture
def buildium(serve_sandbox, vendor_clock) -> Iterator[Vendor]:
    app = BuildiumSandbox(rate_limit=False, clock=lambda: vendor_clock[0])
    server = serve_sandbox({"/buildium": app})
    yield Vendor(app=app, url=server.url_for("/buildium"))


@pytest.fixture
def live(buildium, vendor_clock) -> Vendor:
    """The sandbox on the wall clock (the engine's watermarks are wall-clock times)."""
    vendor_clock[0] = dt.datetime.now(dt.UTC)
    return buildium


def make_connection(org, vendor: Vendor, **config: Any):
    """A Buildium connection to a running sandbox (rate limit off, the options pushes need)."""
    from integrations.models import Connection

    conn = Connection(
        organization=org,
        vendor="buildium",
        name="Buildium sandbox",
        base_url=vendor.url,
        config={
            "rate_limit": {"enabled": False},
            "options": {"operating_bank_account_id": 1, "rent_gl_account_id": 40},
            **config,
        },
    )
    conn.set_credentials(CREDENTIALS)
    conn.save()
    return conn


@pytest.fixture
def connection(org, live):
    return make_connection(org, live)


def vendor_records(live: Vendor, collection: str) -> list[dict[str, Any]]:
    return live.control("GET", f"records/{collection}").json()
