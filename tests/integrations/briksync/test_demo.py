"""The demo picks BrikSync up: `vendor_sandbox` serves it under /briksync with seeded records, and
`integrations connect-demo` connects to it with the sandbox's demo key."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from integrations.briksync.sandbox import BrikSyncSandbox
from integrations.context import make_client
from integrations.models import Connection
from integrations.sandbox.server import available_apps

pytestmark = pytest.mark.django_db


def test_vendor_sandbox_serves_briksync_under_its_prefix():
    app = available_apps(seed=20)["/briksync"]
    assert isinstance(app, BrikSyncSandbox)
    assert (app.store.count("units"), app.store.count("leases")) == (20, 14)


def test_connect_demo_connects_briksync_with_the_demo_key(org, briksync):
    out = io.StringIO()
    base = briksync.url.removesuffix("/briksync")
    call_command("integrations", "connect-demo", "--org", org.slug, "--sandbox-url", base, "--no-sync", stdout=out)
    assert "briksync" in out.getvalue()
    connection = Connection.objects.get(organization=org, vendor="briksync")
    assert connection.base_url == briksync.url
    with make_client(connection) as client:
        assert connection.plugin.check(client) == "Connected to BrikSync PropOS: 0 properties."
