"""API keys: stored hashed, shown once, revocable, expiring, last use recorded; and the create_api_key command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.accounts import apikeys
from portal.accounts.models import APIKey, APIKeyScope
from tests.portal.api.conftest import client_with, error_of

pytestmark = pytest.mark.django_db


def test_a_key_is_stored_as_a_hash_and_only_its_prefix_stays_readable(org):
    issued = apikeys.issue_key(org, name="CRM", scope=APIKeyScope.WRITE)
    marker, prefix, secret = issued.plaintext.split("_", 2)
    assert (marker, prefix) == ("lnt", issued.key.prefix)
    assert len(secret) == 64  # 256 random bits
    stored = APIKey.objects.get(pk=issued.key.pk)
    assert secret not in stored.hashed_key and issued.plaintext not in str(stored.__dict__)
    assert stored.hashed_key == apikeys.hash_key(issued.plaintext)


@pytest.mark.parametrize("tamper", [
    lambda k: k[:-1] + ("0" if k[-1] != "0" else "1"),  # right prefix, wrong secret
    lambda k: "lnt_000000000000_" + k.split("_", 2)[2],  # unknown prefix
    lambda k: k.replace("lnt_", "xyz_"),
    lambda k: "not-a-key",
])
def test_a_wrong_or_malformed_key_answers_401_with_a_bearer_challenge(write_key, tamper):
    response = client_with(None).get("/api/v1/homes/", HTTP_AUTHORIZATION=f"Bearer {tamper(write_key.plaintext)}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert error_of(response) == {"code": "not_authenticated", "message": "Invalid API key.", "fields": {}}


def test_a_request_without_credentials_answers_401(db):
    response = client_with(None).get("/api/v1/locations/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_another_authorization_scheme_is_refused_with_a_hint(write_key):
    response = client_with(None).get("/api/v1/homes/", HTTP_AUTHORIZATION=f"Token {write_key.plaintext}")
    assert response.status_code == 401
    assert "Bearer" in error_of(response)["message"]


def test_a_revoked_key_answers_401_and_says_so(api, write_key):
    assert api.get("/api/v1/homes/").status_code == 200
    apikeys.revoke_key(write_key.key)
    response = api.get("/api/v1/homes/")
    assert response.status_code == 401
    assert "revoked" in error_of(response)["message"]


def test_an_expired_key_answers_401_and_says_so(org, monkeypatch):
    issued = apikeys.issue_key(org, name="Short", expires_at=timezone.now() + dt.timedelta(hours=1))
    assert client_with(issued).get("/api/v1/homes/").status_code == 200  # verified, and cached
    later = timezone.now() + dt.timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)  # the hour passes: the cached key expires with it
    response = client_with(issued).get("/api/v1/homes/")
    assert response.status_code == 401
    assert "expired" in error_of(response)["message"]


def test_a_verified_key_is_served_from_the_cache_for_a_few_seconds(write_key, portfolio):
    api = client_with(write_key)
    assert api.get("/api/v1/homes/").status_code == 200
    with CaptureQueriesContext(connection) as cached:
        assert api.get("/api/v1/homes/").status_code == 200
    assert not [q for q in cached.captured_queries if APIKey._meta.db_table in q["sql"]]
    assert cache.get(apikeys.VERIFIED_CACHE_KEY.format(prefix=write_key.key.prefix)).pk == write_key.key.pk
    # A wrong secret under a cached key's prefix is still refused (refusals never come from the cache).
    wrong = write_key.plaintext[:-1] + ("0" if write_key.plaintext[-1] != "0" else "1")
    assert client_with(None).get("/api/v1/homes/", HTTP_AUTHORIZATION=f"Bearer {wrong}").status_code == 401


def test_a_cached_key_revoked_or_changed_by_an_admin_takes_effect_on_the_next_request(org, write_key):
    api = client_with(write_key)
    assert api.post("/api/v1/people/", {"first_name": "A", "last_name": "B"}, format="json").status_code == 201
    key = APIKey.objects.get(pk=write_key.key.pk)
    key.scope = APIKeyScope.READ  # the Django admin saves the row: the cached copy is dropped
    key.save()
    refused = api.post("/api/v1/people/", {"first_name": "C", "last_name": "D"}, format="json")
    assert refused.status_code == 403 and "read-only" in error_of(refused)["message"]
    key.expires_at = timezone.now() - dt.timedelta(seconds=1)
    key.save()
    assert api.get("/api/v1/people/").status_code == 401
    key.expires_at = None
    key.save()
    assert api.get("/api/v1/people/").status_code == 200
    key.delete()
    assert api.get("/api/v1/people/").status_code == 401


def test_a_key_revoked_inside_a_transaction_is_refused_once_it_commits(api, write_key,
                                                                         django_capture_on_commit_callbacks):
    assert api.get("/api/v1/homes/").status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        apikeys.revoke_key(write_key.key)
    # A request between the revoke and its commit still sees the row unrevoked, and may cache it again...
    APIKey.objects.filter(pk=write_key.key.pk).update(revoked_at=None)
    assert api.get("/api/v1/homes/").status_code == 200
    APIKey.objects.filter(pk=write_key.key.pk).update(revoked_at=timezone.now())
    for callback in callbacks:  # ...the commit drops it again
        callback()
    response = api.get("/api/v1/homes/")
    assert response.status_code == 401 and "revoked" in error_of(response)["message"]


def test_last_use_is_recorded_but_written_at_most_once_a_minute(write_key):
    start = timezone.now()
    apikeys.verify_key(write_key.plaintext, now=start)
    write_key.key.refresh_from_db()
    assert write_key.key.last_used_at == start
    apikeys.verify_key(write_key.plaintext, now=start + dt.timedelta(seconds=30))
    write_key.key.refresh_from_db()
    assert write_key.key.last_used_at == start
    later = start + dt.timedelta(seconds=61)
    apikeys.verify_key(write_key.plaintext, now=later)
    write_key.key.refresh_from_db()
    assert write_key.key.last_used_at == later


def test_an_expiry_in_the_past_or_an_empty_name_is_refused(org):
    with pytest.raises(ValueError, match="future"):
        apikeys.issue_key(org, name="Old", expires_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(ValueError, match="name"):
        apikeys.issue_key(org, name="  ")


def test_create_api_key_prints_the_key_on_the_last_line_and_it_works(org, portfolio):
    out = io.StringIO()
    call_command("create_api_key", "--org", "acme", "--name", "ERP", "--scope", "write", "--expires-in-days", "30",
                 stdout=out)
    lines = out.getvalue().strip().splitlines()
    key = lines[-1]
    assert key.startswith("lnt_") and " " not in key
    assert "ERP" in lines[0] and "expires" in lines[0]
    client = client_with(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/homes/").json()["results"][0]["id"] == portfolio.home.pk
    created = client.post("/api/v1/people/", {"first_name": "Bo", "last_name": "Lind"}, format="json")
    assert created.status_code == 201
    stored = APIKey.objects.get(prefix=key.split("_")[1])
    assert stored.scope == "write" and stored.expires_at is not None


def test_create_api_key_names_the_known_organizations_when_the_slug_is_wrong(org):
    with pytest.raises(CommandError, match="acme"):
        call_command("create_api_key", "--org", "nope", "--name", "ERP", stdout=io.StringIO())
