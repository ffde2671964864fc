"""Who is calling: an API key (``Authorization: Bearer lnt_…``).

The browser's session is DRF's own SessionAuthentication (listed after this one in settings), which enforces
Django's CSRF check on every unsafe method.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from portal.accounts.apikeys import (
    LAST_USED_RESOLUTION,
    VERIFIED_CACHE_KEY,
    KeyRefused,
    hash_key,
    split_key,
    verify_key,
)
from portal.accounts.models import APIKey, APIKeyScope
from portal.core.actor import Actor


@dataclass(frozen=True)
class KeyPrincipal:
    """The ``request.user`` of a key-authenticated request: not a person, so it has no Django user row."""

    key: APIKey

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"API key {self.key.prefix} ({self.key.name})"

    @property
    def can_write(self) -> bool:
        return self.key.scope == APIKeyScope.WRITE


class APIKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[KeyPrincipal, APIKey] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, credentials = header.strip().partition(" ")
        if scheme.lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed(
                f"Unsupported authorization scheme “{scheme[:20]}”: send “Authorization: Bearer <API key>”."
            )
        credentials = credentials.strip()
        if not credentials or " " in credentials:
            raise exceptions.AuthenticationFailed("Send exactly one API key: “Authorization: Bearer <API key>”.")
        try:
            key = cached_key(credentials)
            if key is None:
                key = verify_key(credentials)
                remember_key(key)
        except KeyRefused as refusal:
            raise exceptions.AuthenticationFailed(str(refusal)) from None
        return KeyPrincipal(key), key

    def authenticate_header(self, request: Request) -> str:
        # A value here makes DRF answer 401 (not 403) to unauthenticated requests.
        return f'{self.keyword} realm="api"'


# A verified key (with its organization) is kept in the shared cache for a few seconds, so a client's burst of
# requests costs one cache read each instead of a database query (bench/README.md, api). It is dropped when the
# key is revoked (revoke_key) or saved or deleted (signals in apps.py); expiry and the last-use stamp are checked
# on every use. A change written around those paths (a raw UPDATE) is seen within KEY_CACHE_SECONDS.
KEY_CACHE_SECONDS = 5


def cached_key(plaintext: str, now: dt.datetime | None = None) -> APIKey | None:
    """The cached key matching ``plaintext`` if it may be used as it is, else None (verify it in the database).

    Refusals are never cached: a wrong secret, a revoked, expired or unknown key all go to verify_key."""
    prefix = split_key(plaintext)
    key = cache.get(VERIFIED_CACHE_KEY.format(prefix=prefix)) if prefix else None
    if not isinstance(key, APIKey) or not hmac.compare_digest(key.hashed_key, hash_key(plaintext)):
        return None
    now = now or timezone.now()
    if key.revoked_at is not None or (key.expires_at is not None and key.expires_at <= now):
        return None
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        return None  # its last use is due to be recorded: verify_key does that
    return key


def remember_key(key: APIKey) -> None:
    cache.set(VERIFIED_CACHE_KEY.format(prefix=key.prefix), key, timeout=KEY_CACHE_SECONDS)


def actor_for(request: Request) -> Actor | None:
    """The history actor of an authenticated request."""
    user: Any = request.user
    if isinstance(user, KeyPrincipal):
        return Actor(kind="api_key", label=user.label)
    if getattr(user, "is_authenticated", False):
        return Actor.for_user(user)
    return None
