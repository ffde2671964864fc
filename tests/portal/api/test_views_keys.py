"""The portal's API keys page: owners and admins create a key (shown once), see prefixes only, and revoke."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from portal.accounts.apikeys import issue_key
from portal.accounts.models import APIKey, Role
from tests.factories import MembershipFactory, UserFactory
from tests.portal.api.conftest import client_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(org) -> Client:
    admin = MembershipFactory(organization=org, role=Role.ADMIN, user=UserFactory(email="admin@example.com"))
    client = Client()
    client.force_login(admin.user)
    return client


def test_an_admin_creates_a_key_that_is_shown_once_and_works(admin_client, portfolio):
    page = admin_client.post("/api/keys/new/", {"name": "CRM sync", "scope": "write", "expires_in_days": "90"})
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    plaintext = re.search(r'value="(lnt_[0-9a-f]{12}_[0-9a-f]{64})"', page.content.decode()).group(1)
    key = APIKey.objects.get()
    assert (key.name, key.scope, key.created_by.email) == ("CRM sync", "write", "admin@example.com")
    assert key.expires_at is not None
    client = client_with(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert client.get("/api/v1/homes/").status_code == 200
    listing = admin_client.get("/api/keys/").content.decode()
    assert f"lnt_{key.prefix}_" in listing and plaintext not in listing


def test_a_key_needs_a_name_and_the_form_says_so(admin_client, org):
    page = admin_client.post("/api/keys/new/", {"name": "", "scope": "read"})
    assert page.status_code == 400
    assert "This field is required" in page.content.decode()
    assert not APIKey.objects.exists()


def test_an_admin_revokes_a_key_and_it_stops_working(admin_client, org):
    issued = issue_key(org, name="Old ERP", scope="read")
    response = admin_client.post(f"/api/keys/{issued.key.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == "/api/keys/"
    assert client_with(issued).get("/api/v1/homes/").status_code == 401
    assert "revoked" in admin_client.get("/api/keys/").content.decode()


def test_another_organizations_key_cannot_be_revoked_from_here(admin_client, other_org):
    theirs = issue_key(other_org, name="Theirs")
    assert admin_client.post(f"/api/keys/{theirs.key.pk}/revoke/").status_code == 404
    theirs.key.refresh_from_db()
    assert theirs.key.revoked_at is None


def test_managers_and_viewers_cannot_manage_keys(member, org):
    client = Client()
    client.force_login(member.user)  # a manager
    assert client.get("/api/keys/").status_code == 403
    assert client.post("/api/keys/new/", {"name": "x", "scope": "write"}).status_code == 403
    assert not APIKey.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(db):
    response = Client().get("/api/keys/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
