"""The exception family every vendor client raises, so the engine treats all vendors alike.

The engine decides what to do from the class alone: TransientError is retried (by the client inline, then by the
task), RateLimited carries how long to wait, AuthError may be refreshed once, and everything else (Rejected,
NotFound, Conflict, plain VendorError) is a definite answer from the vendor that is recorded, not retried.
"""

from __future__ import annotations

from typing import Any


class VendorError(Exception):
    """A vendor refused or failed a request. ``message`` is the vendor's own words when it gave any."""

    retryable = False

    def __init__(
        self,
        message: str,
        status: int | None = None,
        vendor_code: str | None = None,
        retryable: bool | None = None,
        field_errors: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.vendor_code = vendor_code
        self.field_errors = field_errors or {}
        if retryable is not None:
            self.retryable = retryable

    def __str__(self) -> str:
        prefix = f"HTTP {self.status}: " if self.status else ""
        return f"{prefix}{self.message}"


class TransientError(VendorError):
    """5xx, timeouts, dropped connections, malformed bodies: worth trying again later."""

    retryable = True


class RateLimited(TransientError):
    """429 (or the shared limiter says wait). ``retry_after`` seconds, when known."""

    def __init__(self, message: str = "Rate limited", retry_after: float | None = None, **kw: Any) -> None:
        kw.setdefault("status", 429)
        super().__init__(message, **kw)
        self.retry_after = retry_after


class AuthError(VendorError):
    """401/403. ``refreshable``: a new token might help (401 with a token-based client)."""

    def __init__(self, message: str, refreshable: bool = False, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.refreshable = refreshable


class NotFound(VendorError):
    """404: the record (or path) does not exist at the vendor."""


class Conflict(VendorError):
    """409: the vendor already has this record (the engine turns a create into an update)."""


class Rejected(VendorError):
    """400/422: the vendor (or the plug-in's local validation) refused the payload; carries the field errors."""


class MappingError(ValueError):
    """A vendor record the plug-in cannot map; the message says why. The engine reports it and moves on."""


class WebhookRejected(Exception):
    """Raised by ``Plugin.verify_webhook`` to refuse a delivery with a reason (bad signature, stale timestamp)."""


class DependencyPending(Exception):
    """A record refers to another that has not reached the vendor (or the portal) yet; try it after that one."""
