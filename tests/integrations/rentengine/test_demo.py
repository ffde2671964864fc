"""The demo picks RentEngine up: `vendor_sandbox` serves it, `integrations connect-demo` connects to it with the
options the sandbox needs, and its webhooks are pointed at the portal."""

from __future__ import annotations

import io

from django.core.management import call_command

from integrations import pull
from integrations.context import make_client
from integrations.models import Connection
from integrations.rentengine.sandbox import DEMO_ACCOUNT_ID, RentEngineSandbox
from integrations.sandbox.server import available_apps
from portal.homes.models import Home
from portal.locations.models import Location


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


def test_connect_demo_sets_a_default_location_so_the_demo_pull_lands_every_unit(org, portfolio, serve_sandbox):
    app = RentEngineSandbox(rate_limit=False, seed=30)  # every tenth unit has no multifamily property
    server = serve_sandbox({"/rentengine": app})
    out = io.StringIO()
    call_command("integrations", "connect-demo", "--org", org.slug, "--sandbox-url", server.url, "--no-sync",
                 stdout=out)
    connection = Connection.objects.get(organization=org, vendor="rentengine")
    default = Location.objects.get(pk=connection.options["default_location_id"], organization=org)
    assert default.kind == "neighborhood"
    assert f"{default.name} (neighborhood {default.pk})" in out.getvalue()
    before = Home.objects.filter(organization=org, location=default).count()
    run = pull.run_pull(connection.pk, full=True)
    assert run.status == "succeeded", run.errors
    assert not any("default location" in e["reason"] for e in run.errors)
    assert Home.objects.filter(organization=org, location=default).count() == before + 3


def test_demo_setup_keeps_a_default_location_the_connection_already_names(org, portfolio, serve_sandbox):
    server = serve_sandbox({"/rentengine": RentEngineSandbox(rate_limit=False, seed=0)})
    chosen = Location.objects.filter(organization=org).order_by("pk").last()
    call_command("integrations", "connect-demo", "--org", org.slug, "--sandbox-url", server.url, "--no-sync",
                 stdout=io.StringIO())
    connection = Connection.objects.get(organization=org, vendor="rentengine")
    connection.config = {**connection.config, "options": {**connection.options, "default_location_id": chosen.pk}}
    connection.save()
    assert "(kept)" in connection.plugin.demo_setup(connection)
    connection.refresh_from_db()
    assert connection.options["default_location_id"] == chosen.pk
