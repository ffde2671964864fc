"""Vendor credentials at rest: Fernet-encrypted, and a value type that never shows itself.

The key is settings.INTEGRATIONS_ENCRYPTION_KEY (a Fernet key) or, when unset, derived from SECRET_KEY.
``Credentials`` is what the model field gives back: its repr/str hide the values, and the field serializes to
nothing (``value_to_string`` is ""), so credentials never appear in logs, tracebacks, admin, API output or dumpdata.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def fernet() -> Fernet:
    key = getattr(settings, "INTEGRATIONS_ENCRYPTION_KEY", "") or ""
    if key:
        try:
            return Fernet(key.encode() if isinstance(key, str) else key)
        except ValueError as exc:
            raise ImproperlyConfigured("INTEGRATIONS_ENCRYPTION_KEY is not a valid Fernet key.") from exc
    digest = hashlib.sha256(b"lintel-integrations-credentials:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class Credentials(Mapping[str, str]):
    """A read-only mapping of secret values that will not print them."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self._values = {str(k): "" if v is None else str(v) for k, v in (values or {}).items()}

    def __getitem__(self, key: str) -> str:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"<Credentials: {', '.join(sorted(self._values)) or 'none'} (hidden)>"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Credentials) and other._values == self._values

    __hash__ = None  # type: ignore[assignment]

    def reveal(self) -> dict[str, str]:
        """The plain values, for the vendor client only."""
        return dict(self._values)

    def merged(self, changes: Mapping[str, Any]) -> Credentials:
        """Write-only forms: a blank value keeps the stored one."""
        values = dict(self._values)
        values.update({k: v for k, v in changes.items() if v not in (None, "")})
        return Credentials(values)


def encrypt(values: Mapping[str, Any]) -> str:
    return fernet().encrypt(json.dumps(dict(values), sort_keys=True).encode()).decode()


def decrypt(token: str) -> Credentials:
    if not token:
        return Credentials()
    try:
        return Credentials(json.loads(fernet().decrypt(token.encode())))
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "Stored credentials cannot be decrypted: INTEGRATIONS_ENCRYPTION_KEY or SECRET_KEY changed."
        ) from exc


class EncryptedCredentialsField(models.TextField):
    """Stores a Credentials mapping encrypted; serializes (dumpdata, admin history) to an empty string."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Credentials:
        return decrypt(value or "")

    def to_python(self, value: Any) -> Credentials:
        if isinstance(value, Credentials):
            return value
        if isinstance(value, Mapping):
            return Credentials(value)
        return decrypt(value) if value else Credentials()

    def get_prep_value(self, value: Any) -> str:
        if value in (None, ""):
            return ""
        return encrypt(self.to_python(value).reveal())

    def value_to_string(self, obj: models.Model) -> str:
        return ""  # dumpdata and every serializer see nothing, not even ciphertext
