"""API keys: generation, hashing, verification and revocation.

A key reads ``lnt_<prefix>_<secret>``. The prefix (12 hex characters) finds the row and is the only part shown
again; the secret (256 random bits) is never stored: only the SHA-256 of the whole key is. A salted slow hash
buys nothing for a secret of that entropy, and a plain digest keeps each request to one indexed lookup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from portal.accounts.models import APIKey, APIKeyScope, Organization

KEY_MARKER = "lnt"
PREFIX_BYTES = 6  # 12 hex characters
SECRET_BYTES = 32
# Recording the last use on every request would turn every read into a write; once a minute is enough to
# tell a live key from a forgotten one.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
_DUMMY_HASH = hashlib.sha256(b"lintel-no-such-key").hexdigest()
# The API keeps a verified key in the cache for a few seconds (portal/api/authentication.py); revoking drops it.
VERIFIED_CACHE_KEY = "api-key-verified:{prefix}"


class KeyRefused(Exception):
    """The presented key cannot be used; the message says why, in words safe to show its holder."""


@dataclass(frozen=True)
class IssuedKey:
    key: APIKey
    plaintext: str  # shown once, to the person who created it


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def issue_key(
    organization: Organization,
    *,
    name: str,
    scope: str = APIKeyScope.READ,
    created_by: object | None = None,
    expires_at: dt.datetime | None = None,
) -> IssuedKey:
    """Create a key and return it with its plaintext (which is not kept anywhere)."""
    if scope not in APIKeyScope.values:
        raise ValueError(f"Unknown scope “{scope}”: use {' or '.join(APIKeyScope.values)}.")
    name = name.strip()
    if not name:
        raise ValueError("A key needs a name (what uses it, e.g. “CRM sync”).")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValueError("The expiry must be in the future.")
    while True:
        prefix = secrets.token_hex(PREFIX_BYTES)
        if not APIKey.objects.filter(prefix=prefix).exists():
            break
    plaintext = f"{KEY_MARKER}_{prefix}_{secrets.token_hex(SECRET_BYTES)}"
    key = APIKey.objects.create(
        organization=organization,
        name=name[:100],
        prefix=prefix,
        hashed_key=hash_key(plaintext),
        scope=scope,
        created_by=created_by if getattr(created_by, "pk", None) else None,
        expires_at=expires_at,
    )
    return IssuedKey(key=key, plaintext=plaintext)


def split_key(plaintext: str) -> str | None:
    """The prefix of a well-formed key, or None."""
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_MARKER or len(parts[1]) != PREFIX_BYTES * 2 or not parts[2]:
        return None
    return parts[1]


def verify_key(plaintext: str, now: dt.datetime | None = None) -> APIKey:
    """The usable key matching ``plaintext``; raises KeyRefused (invalid, revoked, expired) otherwise."""
    now = now or timezone.now()
    prefix = split_key(plaintext)
    key = APIKey.objects.select_related("organization").filter(prefix=prefix).first() if prefix else None
    expected = key.hashed_key if key is not None else _DUMMY_HASH
    # Compare even when no row matched, so a wrong prefix and a wrong secret take the same time.
    if not hmac.compare_digest(expected, hash_key(plaintext)) or key is None:
        raise KeyRefused("Invalid API key.")
    if key.revoked_at is not None:
        raise KeyRefused(f"This API key ({key.prefix}) was revoked on {key.revoked_at:%Y-%m-%d}.")
    if key.expires_at is not None and key.expires_at <= now:
        raise KeyRefused(f"This API key ({key.prefix}) expired on {key.expires_at:%Y-%m-%d %H:%M} UTC.")
    record_use(key, now)
    return key


def record_use(key: APIKey, now: dt.datetime) -> None:
    """Stamp last_used_at, at most once per LAST_USED_RESOLUTION (one UPDATE, no read-modify-write race)."""
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_RESOLUTION:
        return
    APIKey.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now


def revoke_key(key: APIKey) -> APIKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        APIKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=key.revoked_at)
    forget_key(key)
    return key


def forget_key(key: APIKey) -> None:
    """Drop the key from the API's cache of verified keys, now and again once the transaction commits."""
    cached = VERIFIED_CACHE_KEY.format(prefix=key.prefix)
    cache.delete(cached)
    transaction.on_commit(lambda: cache.delete(cached))  # again, in case a request cached it before the commit
