"""OpenAPI details drf-spectacular cannot infer: error responses, rate-limit headers, Idempotency-Key, auth."""

from __future__ import annotations

import inspect
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from portal.api.errors import ERROR_CODES
from portal.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from portal.api.idempotency import MAX_KEY_LENGTH


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[(c, c) for c in ERROR_CODES], help_text="Stable, for programs.")
    message = serializers.CharField(help_text="A sentence for the developer.")
    fields = serializers.DictField(  # popped by DRF's metaclass, so it does not shadow Serializer.fields
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field or query parameter (dotted for items of lists: tenants.1); may be empty.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


def _example(name: str, code: str, message: str, fields: dict | None = None) -> OpenApiExample:
    return OpenApiExample(name, value={"error": {"code": code, "message": message, "fields": fields or {}}},
                          response_only=True)


ERRORS: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(ErrorSerializer, "Invalid request: fields, query parameters, malformed or oversized body.", [
        _example("Validation", "validation_error", "postal_code: Enter a valid postal code.",
                 {"postal_code": ["Enter a valid postal code."]}),
        _example("Unknown field", "validation_error", "colour: Unknown field. This operation accepts: name, …",
                 {"colour": ["Unknown field. This operation accepts: name, …"]}),
        _example("Malformed JSON", "parse_error", "Malformed JSON at line 1, column 12: Expecting value."),
        _example("Too large", "request_too_large", "The JSON body is larger than 5.0 MB."),
    ]),
    401: OpenApiResponse(ErrorSerializer, "No valid credentials (missing, unknown, revoked or expired key).", [
        _example("Revoked key", "not_authenticated", "This API key (3f9a1c0b7d2e) was revoked on 2026-03-01."),
    ]),
    403: OpenApiResponse(ErrorSerializer, "Authenticated, but not allowed (read-only key or viewer role).", [
        _example("Read-only key", "permission_denied",
                 "This API key is read-only: writes need a key with the write scope."),
    ]),
    404: OpenApiResponse(ErrorSerializer, "No such record in your organization.", [
        _example("Not found", "not_found", "No such record in your organization."),
    ]),
    409: OpenApiResponse(ErrorSerializer, "Conflicts with the current state: duplicate external id, lifecycle "
                                          "rule, or the same Idempotency-Key still in progress.", [
        _example("Duplicate external id", "conflict", "A record with this external id already exists.",
                 {"external_id": ["A record with this external id already exists."]}),
        _example("Invalid transition", "invalid_transition", "Invalid status transition: ended -> active"),
    ]),
    415: OpenApiResponse(ErrorSerializer, "Unsupported Content-Type.", [
        _example("Form body", "unsupported_media_type", "Unsupported media type \"text/plain\" in request."),
    ]),
    422: OpenApiResponse(ErrorSerializer, "The Idempotency-Key was already used with a different body.", [
        _example("Reused key", "idempotency_key_reused", "This Idempotency-Key was first used on … with a different "
                                                         "body; use a new key for a new request."),
    ]),
    429: OpenApiResponse(ErrorSerializer, "Rate limit reached; see Retry-After.", [
        _example("Throttled", "throttled", "Too many requests: try again in 12 seconds."),
    ]),
}
RATE_HEADERS = [
    OpenApiParameter("X-RateLimit-Limit", OpenApiTypes.INT, OpenApiParameter.HEADER, response=True, required=True,
                     description="Requests allowed per window (API_THROTTLE_RATE)."),
    OpenApiParameter("X-RateLimit-Remaining", OpenApiTypes.INT, OpenApiParameter.HEADER, response=True,
                     required=True, description="Requests left in the current window."),
    OpenApiParameter("X-RateLimit-Reset", OpenApiTypes.INT, OpenApiParameter.HEADER, response=True, required=True,
                     description="Seconds until the window resets."),
    OpenApiParameter("Retry-After", OpenApiTypes.INT, OpenApiParameter.HEADER, response=[429], required=True,
                     description="Seconds to wait before retrying."),
]
IDEMPOTENCY = OpenApiParameter(
    IDEMPOTENCY_HEADER, {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": r"^[!-~]+$"},
    OpenApiParameter.HEADER, required=False,
    description="Any unique string (a UUID). A repeat within 24 hours returns the first response and changes "
                "nothing; the same key with a different body is refused with 422.",
)


def own_doc(cls: type) -> str:
    """A class's own docstring: base classes' docstrings describe the machinery, not the resource."""
    return inspect.cleandoc(cls.__dict__.get("__doc__") or "")


class LintelAutoSchema(AutoSchema):
    """Adds the error envelope responses, rate-limit headers and Idempotency-Key to every operation."""

    def get_description(self) -> str:
        action = getattr(self.view, getattr(self.view, "action", None) or self.method.lower(), None)
        return inspect.cleandoc(getattr(action, "__doc__", None) or "") or own_doc(self.view.__class__)

    def get_response_serializers(self) -> Any:
        # Writes take an input serializer but answer with the resource's full representation.
        if getattr(self.view, "action", None) in ("create", "update", "partial_update"):
            return self.view.serializer_class
        return super().get_response_serializers()

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> dict[str, Any]:
        schema = super()._map_basic_serializer(serializer, direction)
        schema.pop("description", None)
        if own_doc(serializer.__class__):
            schema["description"] = own_doc(serializer.__class__)
        return schema

    def get_override_parameters(self) -> list[Any]:
        extra = [*RATE_HEADERS]
        if self.method == "POST":
            extra.append(IDEMPOTENCY)
        return [*super().get_override_parameters(), *extra]

    def _error_statuses(self) -> list[int]:
        statuses = [401, 403, 429]
        detail = "{" in self.path
        if detail:
            statuses.append(404)
        if self.method == "GET" and not detail:
            statuses.append(400)  # filters, page_size, ordering, cursor
        if self.method in ("POST", "PUT", "PATCH"):
            statuses += [400, 409, 415]
        if self.method == "POST":
            statuses.append(422)
        return sorted(set(statuses))

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, response in responses.items():  # drf-spectacular leaves a 204's headers out
            if "headers" not in response and (headers := self._get_response_headers_for_code(code, direction)):
                response["headers"] = headers
        for code in self._error_statuses():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(ERRORS[code], str(code), ["application/json"],
                                                                   direction)
        return responses


class APIKeyScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.authentication.APIKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "lnt_<prefix>_<secret>",
                "description": "An API key from the portal (/api/keys/) or `manage.py create_api_key`."}


def strict_request_bodies(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Writes refuse unknown fields, so request components say so (additionalProperties: false); and the error
    responses, identical everywhere, are written once under components/responses and referenced."""
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and schema.get("type") == "object":
            schema["additionalProperties"] = False
    shared: dict[str, Any] = {}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for code, response in operation.get("responses", {}).items():
                if int(code) >= 400:
                    name = f"Error{code}"
                    shared.setdefault(name, response)
                    if shared[name] == response:
                        operation["responses"][code] = {"$ref": f"#/components/responses/{name}"}
    if shared:
        result.setdefault("components", {})["responses"] = dict(sorted(shared.items()))
    return result
