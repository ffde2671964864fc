"""The demo picks RentEngine up: `vendor_sandbox` serves it, `integrations connect-demo` connects to it with the
options the sandbox needs, and its webhooks are pointed at the portal."""

from __future__ import annotations

import io

from django.core.management import call_command

from integrations.context import make_client
from integrations.models import Connection
from integrations.rentengine.sandbox import DEMO_ACCOUNT_ID, RentEngineSandbox
from integrations.sandbox.server import available_apps


def test_vendor_sandbox_serves_rentengine_under_its_prefix():
    apps = available_apps(seed=20)
    assert isinstance(apps["/rentengine"], RentEngineSandbox)
    assert apps["/rentengine"].store.count("units") == 20


def test_connect_demo_connects_rentengine_with_its_demo_options_and_webhooks(org, serve_sandbox):
    app = RentEngineSandbox(rate_limit=False, seed=10)
    server = serve_sandbox({"/rentengine": app})
    out = io.StringIO()
    call_command("integrations", "connect-demo", "--org", org.slug, "--sandbox-url", server.url, "--no-sync",
                 stdout=out)
    assert "rentengine" in out.getvalue()
    connection = Connection.objects.get(organization=org, vendor="rentengine")
    assert connection.base_url == server.url_for("/rentengine")
    assert connection.options["account_id"] == DEMO_ACCOUNT_ID
    [target] = app.webhook_targets
    assert target.endswith(f"/integrations/webhooks/rentengine/{connection.pk}/")
    with make_client(connection) as client:
        assert "Connected to RentEngine" in connection.plugin.check(client)
