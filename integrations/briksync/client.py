"""BrikSync PropOS API v0 client: Bearer API key, the {data, error} envelope, page/pageSize lists, readable errors.

Every call goes through BaseClient.request (shared limiter, retries, the exception family). A 429's
``X-RateLimit-Reset`` is Unix milliseconds (``reset_unit``). Paths BrikSync does not publish are templates in
``PATHS`` that a connection may override (option ``paths``); see README.md for each [gap] and the choice made.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from integrations.base import (
    BaseClient,
    NotFound,
    Rejected,
    TransientError,
    VendorError,
)
from integrations.briksync import reasons
from integrations.briksync.types import MAX_PAGE_SIZE, DownloadLink

PATHS: dict[str, str] = {
    "list": "/{resource}",
    "one": "/{resource}/{id}",
    "archive": "/properties/{id}/archive",  # [gap] path
    "restore": "/properties/{id}/restore",  # [gap] path
    "lease_status": "/leases/{id}/status",  # [gap] path; body {"status": ...}
    "download": "/documents/{id}/download",  # [gap] path; data {url, expires_at}
    "health": "/health",
}
DEFAULTS: dict[str, Any] = {"items_key": "items", "page_size": MAX_PAGE_SIZE, "field_case": "snake",
                            "update_method": "PATCH"}
# 403 codes that are about one record or one moment, not about the key: not an AuthError.
PER_RECORD_403 = {"PLAN_LIMIT_EXCEEDED"}
TRANSIENT_403 = {"PLAN_CONTEXT_UNAVAILABLE"}  # "fail-secure": the billing lookup failed; worth another try


@dataclass
class ListPage:
    items: list[dict[str, Any]]
    page: int
    page_size: int
    total: int
    total_pages: int


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def rekey(value: Any, convert: Any) -> Any:
    """Rename every dict key (records nest: a tenant's emergency_contact); values stay as they are."""
    if isinstance(value, dict):
        return {convert(k) if isinstance(k, str) else k: rekey(v, convert) for k, v in value.items()}
    if isinstance(value, list):
        return [rekey(v, convert) for v in value]
    return value


class BrikSyncClient(BaseClient):
    reset_header = "X-RateLimit-Reset"
    reset_unit = "unix_ms"

    def __init__(self, base_url: str, credentials: dict[str, str], config: dict[str, Any] | None = None,
                 **kw: Any) -> None:
        super().__init__(base_url, credentials, {**DEFAULTS, **{k: v for k, v in (config or {}).items()
                                                                 if v is not None}}, **kw)
        self.paths = {**PATHS, **(self.config.get("paths") or {})}
        self.page_size = max(1, min(int(self.config["page_size"]), MAX_PAGE_SIZE))
        self.camel = self.config["field_case"] == "camel"

    # --- vendor hooks ---------------------------------------------------------------------------------------
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credentials.get('api_key', '')}"}

    def parse_error(self, response: httpx.Response) -> tuple[str, str | None, dict[str, Any]]:
        try:
            body = response.json()
        except ValueError:
            body = None
        return reasons.explain(response.status_code, body, response.text if body is None else "")

    def error_for(self, response: httpx.Response) -> VendorError:
        error = super().error_for(response)
        if response.status_code == 403 and error.vendor_code in PER_RECORD_403:
            return Rejected(error.message, status=403, vendor_code=error.vendor_code)
        if response.status_code == 403 and error.vendor_code in TRANSIENT_403:
            return TransientError(error.message, status=403, vendor_code=error.vendor_code)
        return error

    # --- envelope and names ---------------------------------------------------------------------------------
    def path(self, name: str, **params: Any) -> str:
        return self.paths[name].format(**{k: quote(str(v), safe="") for k, v in params.items()})

    def outgoing(self, body: dict[str, Any]) -> dict[str, Any]:
        return rekey(body, camel) if self.camel else body

    def param(self, name: str) -> str:
        return camel(name) if self.camel else name

    def data(self, response: httpx.Response, body: Any = None) -> Any:
        """The envelope's ``data`` (keys in snake_case whatever the wire uses)."""
        body = self.json(response) if body is None else body
        if not isinstance(body, dict) or "data" not in body:
            raise TransientError(f"BrikSync answered {response.request.url.path} without its {{data, error}} "
                                 f"envelope", status=response.status_code)
        return rekey(body["data"], snake) if self.camel else body["data"]

    # --- reading --------------------------------------------------------------------------------------------
    def list_page(self, resource: str, page: int = 1, params: dict[str, Any] | None = None,
                  page_size: int | None = None) -> ListPage:
        query = {self.param(k): v for k, v in (params or {}).items() if v not in (None, "")}
        query.update(page=page, pageSize=page_size or self.page_size)
        response, body = self.get_json_response(self.path("list", resource=resource), params=query)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise TransientError(f"BrikSync's {resource} list has no data object", status=response.status_code)
        key = str(self.config["items_key"])
        items = data.get(key)
        if not isinstance(items, list):
            lists = sorted(k for k, v in data.items() if isinstance(v, list))
            raise VendorError(
                f"BrikSync's {resource} list keeps its records under {lists or 'no key'}, not {key!r}: set the "
                f"connection's items_key option", status=response.status_code)
        items = [rekey(i, snake) if self.camel else i for i in items if isinstance(i, dict)]
        size = int(data.get("pageSize") or page_size or self.page_size)
        total = int(data.get("total") if data.get("total") is not None else len(items))
        pages = data.get("totalPages")
        total_pages = int(pages) if pages is not None else math.ceil(total / max(1, size))
        return ListPage(items, int(data.get("page") or page), size, total, total_pages)

    def get(self, resource: str, record_id: str) -> dict[str, Any] | None:
        """One record, or None when BrikSync says NOT_FOUND."""
        try:
            response, body = self.get_json_response(self.path("one", resource=resource, id=record_id))
        except NotFound:
            return None
        record = self.data(response, body)
        if not isinstance(record, dict):
            raise TransientError(f"BrikSync answered {resource}/{record_id} with something that is not a record")
        return record

    def health(self) -> bool:
        return self.request("GET", self.path("health"), authenticate=False).is_success

    # --- writing --------------------------------------------------------------------------------------------
    def _write(self, method: str, path: str, body: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        response = self.request(method, path, json=self.outgoing(body) if body is not None else None, **kw)
        if not response.content.strip():
            return {}
        record = self.data(response)
        return record if isinstance(record, dict) else {}

    def create(self, resource: str, body: dict[str, Any]) -> dict[str, Any]:
        record = self._write("POST", self.path("list", resource=resource), body)
        if not record.get("id"):
            raise VendorError(f"BrikSync created a {resource} record but gave no id", status=201)
        return record

    def update(self, resource: str, record_id: str, body: dict[str, Any]) -> dict[str, Any]:
        method = str(self.config["update_method"]).upper()
        return self._write(method, self.path("one", resource=resource, id=record_id), body, idempotent=True)

    def archive_property(self, record_id: str, archived: bool) -> None:
        self._write("POST", self.path("archive" if archived else "restore", id=record_id), idempotent=True)

    def set_lease_status(self, lease_id: str, status: str) -> dict[str, Any]:
        return self._write("PATCH", self.path("lease_status", id=lease_id), {"status": status}, idempotent=True)

    # --- documents ------------------------------------------------------------------------------------------
    def upload_document(self, fields: dict[str, Any], file_name: str, content: bytes, mime: str) -> dict[str, Any]:
        """Multipart upload: the form fields and the file part ``file``. Not retried on a 5xx (a POST)."""
        form = {k: str(v) for k, v in self.outgoing(fields).items() if v not in (None, "")}
        response = self.request("POST", self.path("list", resource="documents"), data=form,
                                files={"file": (file_name, content, mime)})
        record = self.data(response)
        if not isinstance(record, dict) or not record.get("id"):
            raise VendorError("BrikSync stored the document but gave no id", status=response.status_code)
        return record

    def download_link(self, document_id: str) -> DownloadLink:
        response, body = self.get_json_response(self.path("download", id=document_id))
        link = self.data(response, body)
        if not isinstance(link, dict) or not link.get("url"):
            raise TransientError(f"BrikSync gave no download URL for document {document_id}")
        return link  # type: ignore[return-value]

    def download(self, document_id: str) -> bytes:
        """Ask for a signed URL and fetch it at once (it expires five minutes after it is made).

        The signed URL is the file store's, not the API's: it is fetched without the API key, and an expired or
        refused link is asked for again once (a fresh link is cheap; a stale one never works)."""
        for attempt in (1, 2):
            url = self.download_link(document_id)["url"]
            target = url if url.startswith(("http://", "https://")) else self.base_url + "/" + url.lstrip("/")
            try:
                response = httpx.get(target, timeout=self.timeout, follow_redirects=True)
            except httpx.TransportError as exc:
                raise TransientError(f"Downloading document {document_id} failed: {type(exc).__name__}") from exc
            if response.is_success:
                return response.content
            if attempt == 2 or response.status_code not in (400, 401, 403, 410):
                raise TransientError(f"Downloading document {document_id} failed with HTTP {response.status_code}",
                                     status=response.status_code)
        raise AssertionError("unreachable")

    def delete_document(self, document_id: str) -> None:
        """Deleting a document that is already gone reaches the goal: a 404 is success."""
        self.request("DELETE", self.path("one", resource="documents", id=document_id), ok=(404,))
