"""The domain's refusals. They are ValidationErrors so forms, admin and the API show them as such."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A rule of the domain refused the change; nothing was saved."""

    default_code = "invalid"

    def __init__(self, message: str | dict, code: str | None = None, params: dict | None = None) -> None:
        code = code or self.default_code
        if isinstance(message, dict):
            # ValidationError drops ``code`` for a dict of messages: give each field's message the code, so forms,
            # admin and the API all see it (e.g. "file_too_large", "duplicate_external_id").
            message = {
                name: ValidationError(text, code=code, params=params) if isinstance(text, str) else text
                for name, text in message.items()
            }
        super().__init__(message, code=code, params=params)
        self.code = code  # one place to read it, whichever form the message took


class InvalidTransition(DomainError):
    default_code = "invalid_transition"


class DuplicateExternalId(DomainError):
    default_code = "conflict"
