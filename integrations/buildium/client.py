"""Buildium Open API v1 client: key headers, limit/offset paging with X-Total-Count, ApiErrorResponse errors.

Every call goes through BaseClient.request (shared rate limiter, retries with backoff, the exception family).
Lists return one page at a time: the sync engine stores the offset with each page, so nothing holds a whole list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import httpx

from integrations.base import BaseClient, NotFound, TransientError, VendorError
from integrations.buildium import validation
from integrations.buildium.types import (
    FileDownloadMessage,
    FileMessage,
    FileUploadPostMessage,
    FileUploadResponseMessage,
    LeaseMessage,
    RentalMessage,
    RentalUnitMessage,
)

MAX_LIMIT = 1000
# Buildium documents no rate-limit headers; its guide says to retry a 429 after "a short interval (~200ms)".
DEFAULT_429_WAIT = 0.25


def utc_param(when: dt.datetime) -> str:
    """``lastupdatedfrom`` / ``lastupdatedto`` want UTC as YYYY-MM-DDTHH:MM:SSZ (no fraction, no offset)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class ListPage:
    records: list[dict[str, Any]]
    total: int  # X-Total-Count: records matching the filters, across all pages
    offset: int
    server_time: dt.datetime | None  # the response's Date header: Buildium's clock, for watermarks


class BuildiumClient(BaseClient):
    def auth_headers(self) -> dict[str, str]:
        return {
            "x-buildium-client-id": self.credentials.get("client_id", ""),
            "x-buildium-client-secret": self.credentials.get("client_secret", ""),
        }

    def parse_error(self, response: httpx.Response) -> tuple[str, str | None, dict[str, Any]]:
        """ApiErrorResponse {UserMessage, ErrorCode, Errors[{Key, Value}]} -> (message, code, field errors)."""
        try:
            body = response.json()
        except ValueError:
            return (response.text[:300] or response.reason_phrase or f"HTTP {response.status_code}"), None, {}
        if not isinstance(body, dict):
            return str(body)[:300], None, {}
        pairs = [
            (str(e.get("Key") or ""), str(e.get("Value") or ""))
            for e in body.get("Errors") or []
            if isinstance(e, dict)
        ]
        message = validation.describe(body.get("UserMessage") or response.reason_phrase, pairs)
        code = body.get("ErrorCode")
        return message, (str(code) if code else None), {k: v for k, v in pairs if k}

    def retry_after(self, response: httpx.Response) -> float | None:
        wait = super().retry_after(response)
        if wait is None and response.status_code == 429:
            return DEFAULT_429_WAIT
        return wait

    # --- reading ------------------------------------------------------------------------------------------------
    def list_page(
        self, path: str, params: dict[str, Any] | None = None, *, offset: int = 0, limit: int = MAX_LIMIT
    ) -> ListPage:
        query = {k: v for k, v in (params or {}).items() if v is not None and v != []}
        query.update(offset=offset, limit=max(1, min(limit, MAX_LIMIT)))
        response, body = self.get_json_response(path, params=query)  # a truncated page is retried, like a 5xx
        if not isinstance(body, list) or not all(isinstance(r, dict) for r in body):
            raise TransientError(
                f"Buildium answered {path} with something that is not a list of records", status=response.status_code
            )
        raw_total = response.headers.get("X-Total-Count")
        try:
            total = int(raw_total) if raw_total is not None else offset + len(body)
        except ValueError as exc:
            raise TransientError(f"X-Total-Count {raw_total!r} is not a number", status=response.status_code) from exc
        return ListPage(records=body, total=total, offset=offset, server_time=_date_header(response))

    def get_one(self, path: str) -> dict[str, Any] | None:
        """One record, or None when Buildium says 404."""
        try:
            body = self.get_json(path)
        except NotFound:
            return None
        if not isinstance(body, dict):
            raise TransientError(f"Buildium answered {path} with something that is not a record")
        return body

    def get_rental(self, property_id: int | str) -> RentalMessage | None:
        return self.get_one(f"/v1/rentals/{int(property_id)}")  # type: ignore[return-value]

    def get_unit(self, unit_id: int | str) -> RentalUnitMessage | None:
        return self.get_one(f"/v1/rentals/units/{int(unit_id)}")  # type: ignore[return-value]

    def get_lease(self, lease_id: int | str) -> LeaseMessage | None:
        return self.get_one(f"/v1/leases/{int(lease_id)}")  # type: ignore[return-value]

    def get_tenant(self, tenant_id: int | str) -> dict[str, Any] | None:
        return self.get_one(f"/v1/leases/tenants/{int(tenant_id)}")

    def get_owner(self, owner_id: int | str) -> dict[str, Any] | None:
        return self.get_one(f"/v1/rentals/owners/{int(owner_id)}")

    def get_file(self, file_id: int | str) -> FileMessage | None:
        return self.get_one(f"/v1/files/{int(file_id)}")  # type: ignore[return-value]

    # --- writing ------------------------------------------------------------------------------------------------
    def _write(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.request(method, path, json=body)
        data = self.json(response)
        if not isinstance(data, dict):
            raise TransientError(f"Buildium answered {method} {path} with something that is not a record")
        return data

    def create_rental(self, body: dict[str, Any]) -> RentalMessage:
        return self._write("POST", "/v1/rentals", body)  # type: ignore[return-value]

    def update_rental(self, property_id: int | str, body: dict[str, Any]) -> RentalMessage:
        return self._write("PUT", f"/v1/rentals/{int(property_id)}", body)  # type: ignore[return-value]

    def create_unit(self, body: dict[str, Any]) -> RentalUnitMessage:
        return self._write("POST", "/v1/rentals/units", body)  # type: ignore[return-value]

    def update_unit(self, unit_id: int | str, body: dict[str, Any]) -> RentalUnitMessage:
        return self._write("PUT", f"/v1/rentals/units/{int(unit_id)}", body)  # type: ignore[return-value]

    def create_lease(self, body: dict[str, Any]) -> LeaseMessage:
        return self._write("POST", "/v1/leases", body)  # type: ignore[return-value]

    def update_lease(self, lease_id: int | str, body: dict[str, Any]) -> LeaseMessage:
        return self._write("PUT", f"/v1/leases/{int(lease_id)}", body)  # type: ignore[return-value]

    # --- files --------------------------------------------------------------------------------------------------
    def download_url(self, file_id: int | str) -> str:
        """A pre-signed URL for the file's bytes (valid about 5 minutes): POST /v1/files/{id}/downloadrequest."""
        body: FileDownloadMessage = self._write("POST", f"/v1/files/{int(file_id)}/downloadrequest", {})  # type: ignore[assignment]
        url = body.get("DownloadUrl")
        if not url:
            raise VendorError("Buildium gave no DownloadUrl for the file", status=201)
        return url

    def download(self, file_id: int | str) -> bytes:
        response = httpx.get(self.download_url(file_id), timeout=self.timeout)
        if not response.is_success:
            raise TransientError(f"Downloading the file failed with HTTP {response.status_code}")
        return response.content

    def upload_file(self, message: FileUploadPostMessage, content: bytes) -> FileMessage:
        """The 2026-02-17 two-step upload, then the file's record (Buildium's answer carries no file Id).

        1. POST /v1/files/uploads -> {UploadUrl, PhysicalFileName, Headers}; the ticket lasts 5 minutes.
        2. PUT UploadUrl with Content-Type application/octet-stream plus the returned headers, in their order.
        3. GET /v1/files?physicalfilenames=<PhysicalFileName> to learn the Id.
        """
        validation.raise_if(validation.upload_problems(dict(message)))
        ticket: FileUploadResponseMessage = self._write("POST", "/v1/files/uploads", dict(message))  # type: ignore[assignment]
        upload_url, physical = ticket.get("UploadUrl"), ticket.get("PhysicalFileName")
        if not upload_url or not physical:
            raise VendorError("Buildium's upload ticket has no UploadUrl or PhysicalFileName", status=201)
        headers = {"Content-Type": "application/octet-stream"}
        headers.update({k: v for k, v in (ticket.get("Headers") or {}).items() if v is not None})
        # The upload URL is the file store's (pre-signed), not Buildium's API: no key headers, no API limiter.
        response = httpx.put(upload_url, content=content, headers=headers, timeout=self.timeout)
        if not response.is_success:
            raise VendorError(
                f"The file store refused the upload (HTTP {response.status_code})",
                status=response.status_code,
                retryable=response.status_code >= 500,
            )
        found = self.list_page("/v1/files", {"physicalfilenames": [physical]}, limit=1).records
        if not found:
            raise TransientError(f"Buildium does not list the uploaded file {physical} yet")
        return found[0]  # type: ignore[return-value]


def _date_header(response: httpx.Response) -> dt.datetime | None:
    import email.utils

    value = response.headers.get("Date")
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).astimezone(dt.UTC)
    except (TypeError, ValueError):
        return None
