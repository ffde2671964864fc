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
