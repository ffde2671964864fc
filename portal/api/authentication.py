"""Who is calling: an API key (``Authorization: Bearer lnt_…``).

The browser's session is DRF's own SessionAuthentication (listed after this one in settings), which enforces
Django's CSRF check on every unsafe method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from portal.accounts.apikeys import KeyRefused, verify_key
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
            key = verify_key(credentials)
        except KeyRefused as refusal:
            raise exceptions.AuthenticationFailed(str(refusal)) from None
        return KeyPrincipal(key), key

    def authenticate_header(self, request: Request) -> str:
        # A value here makes DRF answer 401 (not 403) to unauthenticated requests.
        return f'{self.keyword} realm="api"'


def actor_for(request: Request) -> Actor | None:
    """The history actor of an authenticated request."""
    user: Any = request.user
    if isinstance(user, KeyPrincipal):
        return Actor(kind="api_key", label=user.label)
    if getattr(user, "is_authenticated", False):
        return Actor.for_user(user)
    return None
