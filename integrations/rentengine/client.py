"""RentEngine Public API client: bearer token, limit/page_number lists, upsert by POST, AJV error bodies.

Lists are bare JSON arrays with no total: a page shorter than ``limit`` is the last one. Writes are one POST per
resource: without ``id`` it creates, with ``id`` it updates (so an update is safe to repeat; a create is not).
"""

from __future__ import annotations

from typing import Any

import httpx

from integrations.base import BaseClient, VendorError
from integrations.rentengine import validation
from integrations.rentengine.types import MAX_LIMIT, MultifamilyProperty, Unit

PROPERTIES_PATH = "/multifamily_properties"
UNITS_PATH = "/units"


class RentEngineClient(BaseClient):
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credentials.get('api_token', '')}"}

    def parse_error(self, response: httpx.Response) -> tuple[str, str | None, dict[str, Any]]:
        """``{"error": "...", "details": [{keyword, dataPath, message, params}]}`` -> a sentence and the fields."""
        try:
            body = response.json()
        except ValueError:
            return (response.text.strip()[:300] or response.reason_phrase or "error"), None, {}
        if not isinstance(body, dict):
            return str(body)[:300], None, {}
        error = str(body.get("error") or body.get("message") or response.reason_phrase or "error")
        details = body.get("details") if isinstance(body.get("details"), list) else []
        message, fields = validation.describe(error, details)
        code = next((str(d["keyword"]) for d in details if isinstance(d, dict) and d.get("keyword")), None)
        return message, code, fields

    # --- paging ---------------------------------------------------------------------------------------------
    @property
    def page_size(self) -> int:
        """``page_size`` option, 1..100 (RentEngine's maximum is 100; larger values are clamped)."""
        try:
            size = int(self.config.get("page_size") or MAX_LIMIT)
        except (TypeError, ValueError):
            size = MAX_LIMIT
        return max(1, min(MAX_LIMIT, size))

    def list_page(self, path: str, page_number: int, params: dict[str, Any] | None = None,
                  limit: int | None = None) -> list[dict[str, Any]]:
        query = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        query.update(limit=limit or self.page_size, page_number=page_number)
        body = self.get_json(path, params=query)
        if isinstance(body, dict) and isinstance(body.get("data"), list):
            body = body["data"]  # the {data, page} envelope some RentEngine lists use
        if not isinstance(body, list):
            raise VendorError(f"{path}: expected a list, got {type(body).__name__}", status=200)
        return body

    # --- multifamily properties -----------------------------------------------------------------------------
    def list_properties(self, page_number: int, limit: int | None = None) -> list[MultifamilyProperty]:
        params = {"deleted": "false", "account_id": self.config.get("account_id")}
        return self.list_page(PROPERTIES_PATH, page_number, params, limit)  # type: ignore[return-value]

    def get_property(self, property_id: str) -> MultifamilyProperty | None:
        found = self.list_page(PROPERTIES_PATH, 0, {"id": property_id, "deleted": "false"}, limit=1)
        return next((r for r in found if str(r.get("id")) == str(property_id)), None)  # type: ignore[return-value]

    def upsert_property(self, body: dict[str, Any]) -> MultifamilyProperty:
        return self._record(self.request("POST", PROPERTIES_PATH, json=body, idempotent="id" in body))

    # --- units ----------------------------------------------------------------------------------------------
    def list_units(self, page_number: int, limit: int | None = None, updated_after: str | None = None) -> list[Unit]:
        params = {"accountId": self.config.get("account_id"), "updated_after": updated_after}
        return self.list_page(UNITS_PATH, page_number, params, limit)  # type: ignore[return-value]

    def get_unit(self, unit_id: str) -> Unit | None:
        found = self.list_page(UNITS_PATH, 0, {"unitIds": unit_id}, limit=1)
        return next((r for r in found if str(r.get("id")) == str(unit_id)), None)  # type: ignore[return-value]

    def upsert_unit(self, body: dict[str, Any]) -> Unit:
        return self._record(self.request("POST", UNITS_PATH, json=body, idempotent="id" in body))

    def _record(self, response: httpx.Response) -> Any:
        """A write's answer: the record, or a one-element list holding it (multifamily POST answers a list)."""
        body = self.json(response) if response.content.strip() else {}
        if isinstance(body, list):
            body = body[0] if body else {}
        if not isinstance(body, dict):
            raise VendorError(f"Unexpected answer to a write: {str(body)[:100]}", status=response.status_code)
        return body
