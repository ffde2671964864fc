"""One envelope for every error: ``{"error": {"code": "...", "message": "...", "fields": {...}}}``.

``code`` is one of ERROR_CODES; ``message`` is a sentence for the developer reading it; ``fields`` maps a field
(or query parameter, dotted for nested items: ``tenants.1``) to its messages, and is empty when no field is at fault.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

logger = logging.getLogger("portal.api")

ERROR_CODES = (
    "validation_error", "parse_error", "request_too_large", "not_authenticated", "permission_denied", "not_found",
    "method_not_allowed", "not_acceptable", "unsupported_media_type", "conflict", "invalid_transition",
    "idempotency_key_reused", "throttled", "server_error",
)
# Domain refusals about the record's state rather than the input's shape answer 409.
CONFLICT_CODES = {"duplicate_external_id": "conflict", "unique": "conflict", "unique_together": "conflict",
                  "has_active_children": "conflict", "invalid_transition": "invalid_transition"}
_STATUS_CODES = {
    400: "validation_error", 401: "not_authenticated", 403: "permission_denied", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 415: "unsupported_media_type",
    422: "idempotency_key_reused", 429: "throttled",
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the record's current state."
    default_code = "conflict"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was already used for a different request."
    default_code = "idempotency_key_reused"


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "request_too_large"


def human_size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(1, round(size / 1024))} KB"


def envelope(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [...], "tenants.1": [...]} (non-field errors under "")."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = "" if key in (api_settings.NON_FIELD_ERRORS_KEY, NON_FIELD_ERRORS) else str(key)
            for sub, messages in flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name).items():
                out.setdefault(sub, []).extend(messages)
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix: [str(item) for item in detail]} if detail else {}
        out = {}
        for index, item in enumerate(detail):
            for sub, messages in flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                out.setdefault(sub, []).extend(messages)
        return out
    return {prefix: [str(detail)]}


def summarize(flat: dict[str, list[str]]) -> tuple[str, dict[str, list[str]]]:
    general = flat.pop("", [])
    if general:
        return " ".join(general), flat
    if len(flat) == 1:
        (name, messages), = flat.items()
        return f"{name}: {' '.join(messages)}", flat
    return f"{len(flat)} fields are invalid: {', '.join(sorted(flat))}.", flat


def _django_codes(exc: DjangoValidationError) -> Iterable[str | None]:
    if hasattr(exc, "error_dict"):
        for errors in exc.error_dict.values():
            yield from (e.code for e in errors)
    else:
        yield from (e.code for e in exc.error_list)


def from_django_validation(exc: DjangoValidationError) -> tuple[int, str, str, dict[str, list[str]]]:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    message, fields = summarize(flatten(detail))
    for code in _django_codes(exc):
        if code in CONFLICT_CODES:
            return status.HTTP_409_CONFLICT, CONFLICT_CODES[code], message, fields
    return status.HTTP_400_BAD_REQUEST, "validation_error", message, fields


def _api_exception(exc: exceptions.APIException) -> tuple[int, str, str, dict[str, list[str]]]:
    if isinstance(exc, exceptions.ValidationError):
        message, fields = summarize(flatten(exc.detail))
        return exc.status_code, "validation_error", message, fields
    code = _STATUS_CODES.get(exc.status_code, "server_error" if exc.status_code >= 500 else "validation_error")
    if isinstance(exc, exceptions.ParseError):
        code = "parse_error"
    elif isinstance(exc, RequestTooLarge | Conflict | IdempotencyKeyReused):
        code = exc.default_code
    detail = exc.detail
    message = " ".join(flatten(detail).get("", [])) if isinstance(detail, dict | list) else str(detail)
    return exc.status_code, code, message, {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every refusal as the envelope; unexpected failures too (logged)."""
    headers: dict[str, str] = {}
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) if str(exc) and "matches the given query" not in str(exc)
                                  else "No such record in your organization.")
    if isinstance(exc, exceptions.APIException):
        status_code, code, message, fields = _api_exception(exc)
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(max(1, int(exc.wait)))
            message = f"Too many requests: try again in {headers['Retry-After']} seconds."
    elif isinstance(exc, DjangoValidationError):
        status_code, code, message, fields = from_django_validation(exc)
    elif isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        status_code, code, fields = 400, "request_too_large", {}
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        message = (f"The request body has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields."
                   if isinstance(exc, TooManyFieldsSent) else
                   f"The request body (besides uploaded files) is over the limit of {human_size(limit)}.")
    elif isinstance(exc, SuspiciousOperation):
        status_code, code, message, fields = 400, "parse_error", f"The request could not be read: {exc}", {}
    elif isinstance(exc, IntegrityError):
        logger.warning("API write refused by a database constraint: %s", exc)
        status_code, code, fields = 409, "conflict", {}
        message = "The change conflicts with another record (for example a duplicate external id); nothing was saved."
    else:
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
        status_code, code, message, fields = 500, "server_error", "Something went wrong on our side; it was logged.", {}
    return Response(envelope(code, message or code.replace("_", " ").capitalize() + ".", fields),
                    status=status_code, headers=headers)
