"""BuildingMinds push API client: OAuth2 client credentials (Microsoft identity platform), one record per POST
answered with a batch id, and the batch status calls.

Paths the vendor pages leave ambiguous (the inbound-messages call) are templates in ``PATHS`` that a connection
overrides with the option ``batch_messages_path`` (see README.md, [gap]s).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from integrations.base import AuthError, BaseClient, Rejected, VendorError
from integrations.buildingminds.types import (
    DEFAULT_TOKEN_LIFETIME,
    DEFAULT_TOKEN_URL,
    Batch,
    BatchMessage,
    Entity,
    ListEnvelope,
)

PATHS: dict[str, str] = {
    "address": "/address",
    "site": "/site",
    "building": "/building",
    "batch": "/batch",
    "batch_messages": "/batch/messages",
}
PAGE_SIZE = 100
MAX_PAGES = 50  # a batch of ours holds one record; this bounds a vendor that pages without end


class BuildingMindsClient(BaseClient):
    def __init__(self, base_url: str, credentials: dict[str, str], config: dict[str, Any] | None = None,
                 **kw: Any) -> None:
        super().__init__(base_url, credentials, config, **kw)
        self.paths = dict(PATHS)
        if self.config.get("batch_messages_path"):
            self.paths["batch_messages"] = str(self.config["batch_messages_path"])
        self.body_shape = str(self.config.get("body_shape") or "array")
        self.tokens_fetched = 0

    # --- auth ---------------------------------------------------------------------------------------------
    def token_url(self) -> str:
        """``token_url`` option: an absolute URL (default: BuildingMinds' Microsoft tenant), or a path under the
        base URL (the sandbox serves its token endpoint under its own prefix)."""
        return str(self.config.get("token_url") or DEFAULT_TOKEN_URL)

    def scope(self) -> str:
        uri = str(self.credentials.get("scope_uri", "")).strip().rstrip("/")
        return uri if uri.endswith("/.default") else f"{uri}/.default"

    def fetch_token(self) -> tuple[str, float]:
        form = {"grant_type": "client_credentials", "client_id": self.credentials.get("client_id", ""),
                "client_secret": self.credentials.get("client_secret", ""), "scope": self.scope()}
        try:
            response = self.request("POST", self.token_url(), authenticate=False, idempotent=True, data=form)
        except Rejected as exc:  # Microsoft answers 400 for a bad secret, scope or tenant: the credentials' fault
            raise AuthError(f"The token endpoint refused the credentials: {exc.message}", status=exc.status,
                            vendor_code=exc.vendor_code) from exc
        body = self.json(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise AuthError("The token endpoint answered without an access_token", status=response.status_code)
        self.tokens_fetched += 1
        return str(token), float(body.get("expires_in") or DEFAULT_TOKEN_LIFETIME)

    def parse_error(self, response: httpx.Response) -> tuple[str, str | None, dict[str, Any]]:
        """``{code, message}``, ``{"error": "..."}``, OAuth's ``{error, error_description}``, or an ASP.NET
        problem (``{title, errors: {field: [..]}}``); anything else as text."""
        try:
            body = response.json()
        except ValueError:
            return (response.text.strip()[:300] or response.reason_phrase or "error"), None, {}
        if not isinstance(body, dict):
            return str(body)[:300], None, {}
        fields = {str(k): "; ".join(map(str, v)) if isinstance(v, list) else str(v)
                  for k, v in (body.get("errors") or {}).items()} if isinstance(body.get("errors"), dict) else {}
        message = (body.get("error_description") or body.get("message") or body.get("title")
                   or body.get("error") or response.reason_phrase or "error")
        code = body.get("error") if body.get("error_description") else body.get("code")
        if fields and not body.get("message"):
            message = f"{message}: " + "; ".join(f"{k}: {v}" for k, v in fields.items())
        return str(message), (str(code) if code not in (None, "") else None), fields

    # --- pushes -------------------------------------------------------------------------------------------
    def push(self, entity: Entity, record: dict[str, Any]) -> str:
        """POST one record; returns the batch id. Safe to repeat (the record is keyed by our id), so a 5xx is
        retried like a GET."""
        body: Any = [record] if self.body_shape == "array" else record
        response = self.request("POST", self.paths[entity], json=body, idempotent=True)
        batch_id = batch_id_of(self.json(response) if response.content.strip() else None)
        if not batch_id:
            raise VendorError(f"BuildingMinds accepted the {entity} but its answer carries no batch id: "
                              f"{response.text[:200]!r}", status=response.status_code)
        return batch_id

    # --- batches ------------------------------------------------------------------------------------------
    def batches(self, batch_id: str | None = None, created_at: dt.date | None = None, skip: int = 0,
                limit: int = PAGE_SIZE) -> ListEnvelope:
        params: dict[str, Any] = {"skip": skip, "limit": limit}
        if batch_id:
            params["batchId"] = batch_id
        if created_at:
            params["createdAt"] = created_at.isoformat()
        return self.get_json(self.paths["batch"], params=params)

    def batch(self, batch_id: str) -> Batch | None:
        data = self.batches(batch_id=batch_id).get("data") or []
        return data[0] if data else None

    def batch_messages(self, batch_id: str) -> list[BatchMessage]:
        """Every inbound message of the batch (paged with skip/limit until totalCount)."""
        found: list[BatchMessage] = []
        for _ in range(MAX_PAGES):
            page = self.get_json(self.paths["batch_messages"], params={"id": batch_id, "skip": len(found),
                                                                      "limit": PAGE_SIZE})
            rows = list(page.get("data") or []) if isinstance(page, dict) else []
            found.extend(rows)
            total = page.get("totalCount") if isinstance(page, dict) else None
            if not rows or not isinstance(total, int) or len(found) >= total:
                break
        return found


def batch_id_of(body: Any) -> str | None:
    """The batch id of a POST answer: a bare string, or ``batchId`` / ``id`` at the top or under ``data``
    ([gap]: the answer's shape is not published beyond "a Batch ID is returned")."""
    if isinstance(body, str):
        return body.strip() or None
    if isinstance(body, dict):
        for key in ("batchId", "batchID", "BatchId", "id"):
            if body.get(key):
                return str(body[key])
        return batch_id_of(body.get("data"))
    if isinstance(body, list) and len(body) == 1:
        return batch_id_of(body[0])
    return None
