"""The domain's refusals. They are ValidationErrors so forms, admin and the API show them as such."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A rule of the domain refused the change; nothing was saved."""

    default_code = "invalid"

    def __init__(self, message: str | dict, code: str | None = None, params: dict | None = None) -> None:
        super().__init__(message, code=code or self.default_code, params=params)


class InvalidTransition(DomainError):
    default_code = "invalid_transition"


class DuplicateExternalId(DomainError):
    default_code = "conflict"
