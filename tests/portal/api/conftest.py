"""API fixtures: keys of each scope for the portfolio's organization, and clients that send them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from portal.accounts.apikeys import IssuedKey, issue_key
from portal.accounts.models import APIKeyScope


def client_with(key: IssuedKey | None) -> APIClient:
    client = APIClient()
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key.plaintext}")
    return client


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Signing people in is not what these tests measure; the default hasher costs ~0.3 s per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _verified_keys_stay_cached(monkeypatch):
    # A verified key is cached for a few seconds; on a busy machine a test's requests can be further apart than
    # that, and a query count would then depend on timing. Tests see the cache as it is between quick requests;
    # revocation, expiry and changes must take effect through invalidation, which this leaves in place.
    monkeypatch.setattr("portal.api.authentication.KEY_CACHE_SECONDS", 3600)


@pytest.fixture
def write_key(org) -> IssuedKey:
    return issue_key(org, name="CRM sync", scope=APIKeyScope.WRITE)


@pytest.fixture
def read_key(org) -> IssuedKey:
    return issue_key(org, name="Reporting", scope=APIKeyScope.READ)


@pytest.fixture
def api(write_key) -> APIClient:
    """A client sending the organization's write key."""
    return client_with(write_key)


@pytest.fixture
def read_api(read_key) -> APIClient:
    return client_with(read_key)


def error_of(response) -> dict:
    """The envelope's error object, asserting the envelope's shape on the way."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["message"], body
    return body["error"]


def pytest_terminal_summary(terminalreporter) -> None:
    """Print how many cases the schemathesis run sent, when it ran."""
    import sys

    module = sys.modules.get("tests.portal.api.test_schemathesis")
    cases = getattr(module, "CASES", {}).get("count") if module else None
    if cases:
        terminalreporter.write_line(f"schemathesis: {cases} cases over {module.CASES['operations']} operations")
