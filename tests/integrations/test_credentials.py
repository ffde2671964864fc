"""Vendor credentials never come back out: not in logs, admin, API output, dumpdata, reprs or the database."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.management import call_command
from django.db import connection as db

from integrations.models import Connection
from integrations.pull import run_pull
from portal.accounts.apikeys import issue_key

SECRET = "sup3r-s3cret-vendor-key"


@pytest.fixture
def secret_connection(fake_connection):
    fake_connection.set_credentials({"api_key": SECRET})
    fake_connection.save()
    return fake_connection


def test_credentials_are_encrypted_at_rest_and_read_back(secret_connection):
    with db.cursor() as cursor:
        cursor.execute("SELECT credentials FROM integrations_connection WHERE id = %s", [secret_connection.pk])
        stored = cursor.fetchone()[0]
    assert SECRET not in stored and stored.startswith("gAAAA")  # a Fernet token
    assert Connection.objects.get(pk=secret_connection.pk).credentials["api_key"] == SECRET


def test_credentials_do_not_show_in_reprs_or_strings(secret_connection):
    assert SECRET not in repr(secret_connection) + str(secret_connection)
    assert SECRET not in repr(secret_connection.credentials) + str(secret_connection.credentials)
    assert SECRET not in repr(secret_connection.__dict__)


def test_dumpdata_emits_nothing_readable(secret_connection):
    out = io.StringIO()
    call_command("dumpdata", "integrations.connection", stdout=out)
    dumped = out.getvalue()
    assert '"credentials": ""' in dumped
    assert SECRET not in dumped and "gAAAA" not in dumped


def test_logs_of_a_failing_sync_do_not_carry_credentials(secret_connection, fake_sandbox, caplog):
    with caplog.at_level(logging.DEBUG):
        run = run_pull(secret_connection.pk, full=True)  # the sandbox refuses the key: 401 everywhere
    assert run.status == "failed"
    assert caplog.records and SECRET not in caplog.text
    assert SECRET not in run.message


def test_the_admin_shows_key_names_never_values(admin_client, secret_connection):
    page = admin_client.get(f"/admin/integrations/connection/{secret_connection.pk}/change/")
    assert page.status_code == 200
    assert SECRET not in page.content.decode()
    assert "api_key" in page.content.decode()
    listing = admin_client.get("/admin/integrations/connection/")
    assert SECRET not in listing.content.decode()


def test_the_admin_form_keeps_credentials_when_left_blank(admin_client, secret_connection, org):
    data = {"organization": org.pk, "vendor": "fakevendor", "name": "Renamed", "base_url": secret_connection.base_url,
            "config": "{}", "state": "active", "paused_reason": "", "new_credentials": ""}
    response = admin_client.post(f"/admin/integrations/connection/{secret_connection.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    secret_connection.refresh_from_db()
    assert secret_connection.name == "Renamed" and secret_connection.credentials["api_key"] == SECRET


def test_the_api_never_returns_credentials(client, secret_connection, org):
    key = issue_key(org, name="test", scope="write")
    auth = {"Authorization": f"Bearer {key.plaintext}"}
    listing = client.get("/api/v1/connections/", headers=auth)
    assert listing.status_code == 200
    assert SECRET not in listing.content.decode()
    assert listing.json()["results"][0]["credential_keys"] == ["api_key", "webhook_secret"]
    changed = client.patch(f"/api/v1/connections/{secret_connection.pk}/", {"credentials": {"api_key": "new-one"}},
                           content_type="application/json", headers=auth)
    assert changed.status_code == 200 and "new-one" not in changed.content.decode()
    secret_connection.refresh_from_db()
    assert secret_connection.credentials["api_key"] == "new-one"
    assert secret_connection.credentials["webhook_secret"]  # the other key was kept


def test_the_portal_form_never_renders_stored_credentials(client, secret_connection, org):
    from tests.factories import MembershipFactory, UserFactory

    admin = MembershipFactory(organization=org, role="admin", user=UserFactory())
    client.force_login(admin.user)
    page = client.get(f"/integrations/{secret_connection.pk}/edit/")
    assert page.status_code == 200
    assert SECRET not in page.content.decode()
    detail = client.get(f"/integrations/{secret_connection.pk}/")
    assert SECRET not in detail.content.decode() and "api_key" in detail.content.decode()


# --- the real vendors: a working sync, a refused one and a webhook, then every place a secret could leak ----------
VENDOR_SECRET = "v3ndor-cl1ent-s3cret"
WRONG_SECRET = "wr0ng-guess-s3cret"
WEBHOOK_SECRET = "wh-s1gning-s3cret"


def _buildium(org, serve_sandbox):
    from integrations.buildium.sandbox import BuildiumSandbox

    app = BuildiumSandbox(rate_limit=False)
    app.client_secret = VENDOR_SECRET
    app.seed(5)
    url = serve_sandbox({"/buildium": app}).url_for("/buildium")
    return app, url, {"client_id": app.client_id, "client_secret": VENDOR_SECRET, "webhook_secret": WEBHOOK_SECRET}


def _builderbacked(org, serve_sandbox):
    import httpx

    from integrations.builderbacked.sandbox import BuilderBackedSandbox

    app = BuilderBackedSandbox(rate_limit=False)
    url = serve_sandbox({"/builderbacked": app}).url_for("/builderbacked")
    httpx.post(f"{url}/__sandbox__/clients", json={"client_id": "lintel-leak-test", "client_secret": VENDOR_SECRET},
               timeout=10).raise_for_status()
    return app, url, {"client_id": "lintel-leak-test", "client_secret": VENDOR_SECRET}


def _exercise(vendor, org, connection, client):
    """A working sync (and, for Buildium, a signed webhook; for Builder Backed, a push with its token)."""
    from integrations.push import run_drain

    run = run_pull(connection.pk, full=True)
    assert run.status == "succeeded", (run.message, run.errors)
    if vendor == "buildium":
        from integrations.buildium import webhooks

        body = b'{"EventName":"RentalUnit.Updated","EventDateTime":"2026-06-01T12:00:00Z","AccountId":1,"UnitId":1}'
        answer = client.post(f"/integrations/webhooks/buildium/{connection.pk}/", data=body,
                             content_type="application/json", headers=webhooks.sign(WEBHOOK_SECRET, body))
        assert answer.status_code == 202
    else:
        from portal.locations import services as locations
        from portal.locations.models import Kind, Location

        region = Location.objects.get(organization=org, kind=Kind.REGION, name="Cincinnati")
        locations.create_location(org, kind=Kind.DIVISION, name="Leak Division", parent=region)
        drained = run_drain(connection.pk)
        assert drained.status == "succeeded", drained.errors


@pytest.mark.parametrize("vendor", ["buildium", "builderbacked"])
def test_a_real_vendors_secrets_and_tokens_never_reach_logs_runs_admin_api_or_dumpdata(
        vendor, org, serve_sandbox, client, admin_client, caplog):
    app, url, credentials = {"buildium": _buildium, "builderbacked": _builderbacked}[vendor](org, serve_sandbox)
    good = Connection(organization=org, vendor=vendor, name="Good", base_url=url,
                      config={"rate_limit": {"enabled": False}, "options": {"operating_bank_account_id": 1}})
    good.set_credentials(credentials)
    good.save()
    bad = Connection(organization=org, vendor=vendor, name="Refused", base_url=url,
                     config={"rate_limit": {"enabled": False}})
    bad.set_credentials({**credentials, "client_secret": WRONG_SECRET})
    bad.save()
    with caplog.at_level(logging.DEBUG):
        _exercise(vendor, org, good, client)
        refused = run_pull(bad.pk, full=True)
    assert refused.status == "failed" and refused.message
    secrets = [VENDOR_SECRET, WRONG_SECRET] + ([WEBHOOK_SECRET] if vendor == "buildium" else [])
    secrets += list(getattr(app, "tokens", {}))  # Builder Backed's access tokens are credentials too
    assert len(secrets) >= 3

    key = issue_key(org, name="leak", scope="write")
    auth = {"Authorization": f"Bearer {key.plaintext}"}
    out = io.StringIO()
    call_command("dumpdata", "integrations", stdout=out)
    places = {
        "logs": caplog.text,
        "runs": repr([(r.message, r.errors, r.counts) for r in run_models()]),
        "dumpdata": out.getvalue(),
        "admin": "".join(admin_client.get(p).content.decode() for p in (
            f"/admin/integrations/connection/{good.pk}/change/", "/admin/integrations/connection/",
            "/admin/integrations/syncrun/", "/admin/integrations/webhookdelivery/")),
        "api": "".join(client.get(p, headers=auth).content.decode() for p in (
            "/api/v1/connections/", f"/api/v1/connections/{good.pk}/", "/api/v1/sync-runs/")),
    }
    assert caplog.records and "client_secret" in places["api"] + places["admin"]  # the key's name shows
    leaks = {(where, s) for where, text in places.items() for s in secrets if s in text}
    assert not leaks


def run_models():
    from integrations.models import SyncRun

    return SyncRun.objects.all()
