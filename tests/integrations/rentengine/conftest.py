"""A RentEngine sandbox on a free 127.0.0.1 port, a client that talks to it, and a connection to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from integrations.rentengine.client import RentEngineClient
from integrations.rentengine.sandbox import DEMO_ACCOUNT_ID, DEMO_TOKEN, DEMO_WEBHOOK_KEY, RentEngineSandbox
from integrations.sandbox.server import serve

CREDENTIALS = {"api_token": DEMO_TOKEN, "webhook_api_key": DEMO_WEBHOOK_KEY}


@dataclass
class Vendor:
    app: RentEngineSandbox
    url: str  # the API's base URL (…/rentengine), as /api/public/v1 at RentEngine

    def control(self, method: str, path: str, **kw: Any) -> httpx.Response:
        """Steer the running sandbox over HTTP, as the demo does."""
        return httpx.request(method, f"{self.url}/__sandbox__/{path}", timeout=10, **kw)

    def records(self, table: str) -> list[dict[str, Any]]:
        return self.control("GET", f"records/{table}").json()

    def client(self, **kw: Any) -> RentEngineClient:
        kw.setdefault("sleep", lambda seconds: None)  # retries wait no wall time unless a test asks
        return RentEngineClient(self.url, kw.pop("credentials", CREDENTIALS), kw.pop("config", {}), **kw)


@pytest.fixture(scope="module")
def _shared_sandbox() -> Iterator[Vendor]:
    """One server per test module (stopping a server costs half a second); each test gets it reset."""
    app = RentEngineSandbox(rate_limit=False)
    server = serve({"/rentengine": app})
    yield Vendor(app=app, url=server.url_for("/rentengine"))
    server.stop()


@pytest.fixture
def rentengine(_shared_sandbox) -> Vendor:
    _shared_sandbox.control("POST", "reset")
    _shared_sandbox.control("POST", "rate", json={"enabled": False})
    return _shared_sandbox


@pytest.fixture
def frozen(serve_sandbox) -> Iterator[tuple[Vendor, list[dt.datetime]]]:
    """A sandbox whose clock the test sets (a one-element list holding "now")."""
    clock = [dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)]
    app = RentEngineSandbox(rate_limit=False, clock=lambda: clock[0])
    server = serve_sandbox({"/rentengine": app})
    yield Vendor(app=app, url=server.url_for("/rentengine")), clock


@pytest.fixture
def connection(org, rentengine):
    from integrations.models import Connection

    conn = Connection(organization=org, vendor="rentengine", name="RentEngine sandbox", base_url=rentengine.url,
                      config={"rate_limit": {"enabled": False},
                              "options": {"account_id": DEMO_ACCOUNT_ID, "default_year_built": 1999}})
    conn.set_credentials(CREDENTIALS)
    conn.save()
    return conn
