"""Drill: after the demo's sync (every available vendor, through its sandbox, as `make run` does it), no vendor
credential shows anywhere: the logs as written, `dumpdata` of everything, every admin page, every API and portal
page.

The secrets looked for are every secret credential field of every connection, and every OAuth access token the
clients obtained during the sync. tests/integrations/test_credentials.py checks each door on a failing fake
vendor; this drill sweeps them all after real successful syncs of every vendor.
"""

from __future__ import annotations

import contextlib
import io
import logging

import pytest
from django.contrib.admin import site
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from integrations import engine, http
from integrations.cli import connect_demo
from integrations.models import Connection
from integrations.sandbox.server import available_apps
from portal.accounts.apikeys import issue_key
from portal.accounts.models import Organization, Role
from tests.drills.test_tenant_isolation import NOT_SWEPT, is_api, routes
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.drill, pytest.mark.timeout(180), pytest.mark.django_db]
PER_MODEL = 5  # change pages opened per admin model


def secrets_of(connections: list[Connection]) -> set[str]:
    found = set()
    for connection in connections:
        values = connection.credentials.reveal()
        for field in connection.plugin.credential_fields:
            if field.secret and values.get(field.name):
                found.add(str(values[field.name]))
    found.update(token for token, _expiry in http._TOKENS.values())
    return {s for s in found if len(s) >= 6}


def leaks(text: str, secrets: set[str]) -> list[str]:
    return [s[:4] + "…" for s in secrets if s in text]


def test_no_vendor_credential_shows_anywhere_after_the_demo_sync(serve_sandbox, caplog, admin_client, settings):
    settings.SITE_URL = "http://127.0.0.1:9"  # the sandboxes' webhooks go nowhere; nothing listens there
    apps = available_apps(seed=12)
    for app in apps.values():  # a few failures, so the clients log their retries (with what they sent and got)
        app.faults.configure({"error_rate": 0.05, "burst_429": 1, "retry_after": 0.05, "seed": 12})
    server = serve_sandbox(apps)
    Organization.objects.create(slug="demo-drill", name="Demo drill")
    written = io.StringIO()  # what the production console handler (with its redaction filter) writes
    console = logging.getHandlerByName("console")
    assert console is not None, "settings.LOGGING has no 'console' handler any more: capture the new one"
    previous = console.setStream(written)
    with contextlib.ExitStack() as stack:
        stack.callback(console.setStream, previous)
        stack.enter_context(caplog.at_level(logging.DEBUG))
        connect_demo("demo-drill", server.url, sync=False)
        connections = list(Connection.objects.filter(organization__slug="demo-drill"))
        runs = [engine.sync(c.pk, full=True) for c in connections]
    assert len(connections) >= 2 and any(r.status == "succeeded" for r in runs), [(r.status, r.message) for r in runs]
    secrets = secrets_of(connections)
    assert len(secrets) >= len(connections) - 1  # one secret or more per vendor (a sandbox may take a key only)

    assert "retry" in written.getvalue(), "no retry was logged: the drill would see no leak"
    assert not leaks(written.getvalue(), secrets), "in the logs"
    assert not leaks(caplog.text, secrets), "in the log records"
    dumped = io.StringIO()
    call_command("dumpdata", stdout=dumped)
    assert not leaks(dumped.getvalue(), secrets), "in dumpdata"

    for model in site._registry:  # every admin model: a secret could be copied anywhere (history, logs, tasks)
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages = [base] + [f"{base}{pk}/change/" for pk in
                          model._default_manager.order_by("-pk").values_list("pk", flat=True)[:PER_MODEL]]
        for url in pages:
            response = admin_client.get(url)
            assert response.status_code == 200, url
            assert not leaks(response.content.decode(), secrets), url

    org = connections[0].organization
    api = Client(headers={"Authorization": f"Bearer {issue_key(org, name='drill', scope='write').plaintext}"})
    staff = Client()
    staff.force_login(MembershipFactory(organization=org, role=Role.ADMIN, user=UserFactory()).user)
    # Every API page that takes no id (from the URLconf: a new one is read too), and each connection and run.
    every = [(name, reverse(name) + "?page_size=100") for name, params in routes()
             if not params and name not in NOT_SWEPT]
    urls = [url for name, url in every if is_api(name)]
    urls += [f"/api/v1/connections/{c.pk}/" for c in connections] + [f"/api/v1/sync-runs/{r.pk}/" for r in runs]
    pages = ["/integrations/", "/integrations/conflicts/"] + [
        f"/integrations/{c.pk}/{page}" for c in connections for page in ("", "edit/", "runs/", "webhooks/")
    ] + [f"/integrations/runs/{r.pk}/" for r in runs]
    for client, batch in ((api, urls), (staff, pages)):
        for url in batch:
            response = client.get(url)
            assert response.status_code == 200, url
            assert not leaks(response.content.decode(), secrets), url
    for _name, url in every:  # and every other page of the portal (forms, lists, exports, the API's schema)
        response = staff.get(url)
        assert response.status_code < 500, url
        assert not leaks(b"".join(response.streaming_content).decode(errors="replace") if response.streaming
                         else response.content.decode(errors="replace"), secrets), url
