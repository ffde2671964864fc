"""BaseClient: the one HTTP client every vendor client extends (httpx, retries, limiter, tokens, error family).

Vendors override a few hooks (``auth_headers``, ``fetch_token``, ``parse_error``, ``retry_after``) and write their
endpoint methods on top of ``request`` / ``get_json``. Retries here are inline and short; a wait longer than
``max_inline_wait`` is raised as RateLimited so the Celery task reschedules itself instead of sleeping in a worker.
"""

from __future__ import annotations

import email.utils
import functools
import hashlib
import json as jsonlib
import logging
import random
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import httpx

from integrations.errors import (
    AuthError,
    Conflict,
    NotFound,
    RateLimited,
    Rejected,
    TransientError,
    VendorError,
)

logger = logging.getLogger("integrations.http")
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


def retry_after_header(value: str | None) -> float | None:
    """``Retry-After``: seconds, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


RESET_UNITS = {"unix_seconds", "unix_ms", "seconds"}


def reset_wait(value: str | None, unit: str, limit: float = 3600.0, now: float | None = None) -> float | None:
    """Seconds until a rate-limit window resets, from a reset header in ``unit`` (see BaseClient.reset_unit)."""
    if unit not in RESET_UNITS:
        raise ValueError(f"reset_unit must be one of {sorted(RESET_UNITS)}, not {unit!r}")
    try:
        number = float(value) if value not in (None, "") else None
    except ValueError:
        return None
    if number is None or number != number:  # absent, or NaN
        return None
    now = time.time() if now is None else now
    wait = {"unix_seconds": number - now, "unix_ms": number / 1000.0 - now, "seconds": number}[unit]
    if wait > limit:
        logger.warning("Ignoring a rate-limit reset %.0fs away (%s read as %s): a unit or clock mix-up", wait,
                       value, unit)
        return None
    return max(0.0, wait)


class Limiter(Protocol):
    """What the client needs from a rate limiter (integrations.ratelimit implements it per connection)."""

    def acquire(self, max_wait: float) -> None:
        """Block until one request may be sent; raise RateLimited(retry_after=...) if that takes over max_wait."""

    def pause(self, seconds: float) -> None:
        """The vendor said wait (429 + Retry-After): every process sharing this budget waits too."""

    # Optional: ``done()``, called when the request granted last is over (integrations.ratelimit counts it from then).


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context per process, shared by every client: building one (loading the CA bundle) costs ~50 ms,
    which a webhook's processing paid again for every delivery (see bench/README.md, webhooks)."""
    return httpx.create_ssl_context()


# Tokens are cached per process, keyed by a hash of (base_url, credentials): never logged, never persisted.
_TOKENS: dict[str, tuple[str, float]] = {}
_TOKENS_LOCK = threading.Lock()


class BaseClient:
    max_attempts = 5
    backoff_base = 0.25  # seconds; doubled per attempt, capped, with full jitter
    backoff_cap = 8.0
    max_inline_wait = 30.0  # longer waits go back to the task (self.retry(countdown=...))
    timeout = httpx.Timeout(30.0, connect=10.0)
    token_margin = 60.0  # refresh a token this many seconds before it expires
    # A 429's rate-limit reset header, when the vendor sends one: its name and unit ("unix_seconds", "unix_ms" or
    # "seconds" from now). BrikSync's X-RateLimit-Reset is Unix MILLISECONDS: read as seconds it would mean a wait of
    # thousands of years, read as a delay it would mean none. A reset further off than max_reset_wait is a unit or
    # clock mix-up: it is ignored (logged) and Retry-After / backoff decide.
    reset_header: str | None = None
    reset_unit: str = "unix_seconds"
    max_reset_wait = 3600.0

    def __init__(
        self,
        base_url: str,
        credentials: dict[str, str],
        config: dict[str, Any] | None = None,
        limiter: Limiter | None = None,
        timeout: float | httpx.Timeout | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.config = config or {}
        self.limiter = limiter
        self.sleep = sleep
        self.http = httpx.Client(
            base_url=self.base_url + "/", timeout=timeout or self.timeout, transport=transport,
            follow_redirects=False, verify=tls_context(),
        )
        self.requests_sent = 0
        self.faults = 0  # failed calls (429, 5xx, timeouts, dropped connections, malformed bodies), retried or not

    def __repr__(self) -> str:  # credentials stay out of reprs (and so out of tracebacks and logs)
        return f"<{type(self).__name__} {self.base_url}>"

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> BaseClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- vendor hooks ---------------------------------------------------------------------------------------
    def auth_headers(self) -> dict[str, str]:
        """Headers that authenticate a request. Default: a Bearer token from ``fetch_token`` if it gives one."""
        token = self.token()
        return {"Authorization": f"Bearer {token}"} if token else {}

    def fetch_token(self) -> tuple[str, float] | None:
        """OAuth vendors: get a new access token; return (token, lifetime in seconds). Default: no tokens."""
        return None

    def parse_error(self, response: httpx.Response) -> tuple[str, str | None, dict[str, Any]]:
        """Read the vendor's error body into (message, vendor code, field errors). Vendors override."""
        try:
            body = response.json()
        except ValueError:
            return (response.text[:300] or response.reason_phrase or "error"), None, {}
        if isinstance(body, dict):
            message = body.get("message") or body.get("error") or body.get("detail") or jsonlib.dumps(body)[:300]
            return str(message), (str(body["code"]) if body.get("code") is not None else None), {}
        return jsonlib.dumps(body)[:300], None, {}

    def retry_after(self, response: httpx.Response) -> float | None:
        """Seconds the vendor asks us to wait: ``Retry-After`` as seconds or an HTTP date, and on a 429 the
        ``reset_header`` when the client names one (the later of the two: neither is retried early)."""
        waits = [retry_after_header(response.headers.get("Retry-After"))]
        if self.reset_header and response.status_code == 429:
            waits.append(reset_wait(response.headers.get(self.reset_header), self.reset_unit, self.max_reset_wait))
        known = [w for w in waits if w is not None]
        return max(known) if known else None

    # --- tokens ---------------------------------------------------------------------------------------------
    def _token_key(self) -> str:
        raw = self.base_url + "\0" + "\0".join(f"{k}={v}" for k, v in sorted(self.credentials.items()))
        return hashlib.sha256(raw.encode()).hexdigest()

    def token(self, force: bool = False) -> str | None:
        key = self._token_key()
        with _TOKENS_LOCK:
            cached = _TOKENS.get(key)
            if cached and not force and cached[1] > time.time() + self.token_margin:
                return cached[0]
        fetched = self.fetch_token()
        if fetched is None:
            return None
        token, lifetime = fetched
        with _TOKENS_LOCK:
            _TOKENS[key] = (token, time.time() + float(lifetime))
        return token

    def forget_token(self) -> None:
        with _TOKENS_LOCK:
            _TOKENS.pop(self._token_key(), None)

    # --- requests -------------------------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool | None = None,
        ok: Iterable[int] = (),
        authenticate: bool = True,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send with limiter, auth, retries; return a 2xx response (or one whose status is in ``ok``).

        Non-idempotent requests (POST, PATCH) are retried only when the vendor surely did not act on them
        (429, connection refused); a 5xx on a POST is raised so the engine's outbox decides (lookup or 409).
        """
        method = method.upper()
        idempotent = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._send_once(method, path, authenticate, set(ok), kwargs)
            except AuthError as exc:
                if exc.refreshable and not refreshed and authenticate:
                    refreshed = True  # one new token, once; a second 401 is final
                    self.forget_token()
                    attempt -= 1
                    continue
                raise
            except TransientError as exc:
                self.faults += 1
                safe = idempotent or isinstance(exc, RateLimited) or getattr(exc, "not_sent", False)
                if not safe or attempt >= self.max_attempts:
                    raise
                wait = self._wait_for(exc, attempt)
                if wait > self.max_inline_wait:
                    raise RateLimited(exc.message, retry_after=wait, status=exc.status) from exc
                logger.info("%s %s: %s; retry %d in %.2fs", method, path, exc, attempt, wait)
                if isinstance(exc, RateLimited) and self.limiter is not None:
                    self.limiter.pause(wait)
                self.sleep(wait)

    def _wait_for(self, exc: TransientError, attempt: int) -> float:
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            return exc.retry_after
        return random.uniform(0, min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1)))

    def _send_once(
        self, method: str, path: str, authenticate: bool, ok: set[int], kwargs: dict[str, Any]
    ) -> httpx.Response:
        if self.limiter is not None:
            self.limiter.acquire(self.max_inline_wait)
        send = dict(kwargs)
        headers = dict(send.pop("headers", None) or {})
        if authenticate:
            headers.update(self.auth_headers())
        self.requests_sent += 1
        try:
            response = self.http.request(method, path.lstrip("/"), headers=headers, **send)
        except httpx.ConnectError as exc:
            self._sent()
            error = TransientError(f"Could not connect: {type(exc).__name__}")
            error.not_sent = True  # type: ignore[attr-defined]
            raise error from exc
        except httpx.TimeoutException as exc:
            self._sent()
            raise TransientError(f"Timed out: {type(exc).__name__}") from exc
        except httpx.TransportError as exc:  # dropped connection, protocol error
            self._sent()
            raise TransientError(f"Connection failed: {type(exc).__name__}") from exc
        self._sent()
        if response.is_success or response.status_code in ok:
            return response
        raise self.error_for(response)

    def take_faults(self) -> int:
        """The failed calls counted since the last take (the engine shows them on the run)."""
        taken, self.faults = self.faults, 0
        return taken

    def _sent(self) -> None:
        """Tell the limiter the request is over: the vendor has seen it by now (see integrations/ratelimit.py)."""
        done = getattr(self.limiter, "done", None)
        if done is not None:
            done()

    def error_for(self, response: httpx.Response) -> VendorError:
        """Translate a non-2xx response into the exception family."""
        status = response.status_code
        message, code, fields = self.parse_error(response)
        kw: dict[str, Any] = {"status": status, "vendor_code": code, "field_errors": fields}
        if status == 429:
            return RateLimited(message, retry_after=self.retry_after(response), **kw)
        if status >= 500 or status == 408:
            retry = self.retry_after(response)
            if retry is not None:
                return RateLimited(message, retry_after=retry, **kw)
            return TransientError(message, **kw)
        if status == 401:
            return AuthError(message, refreshable=self._uses_tokens(), **kw)
        if status == 403:
            return AuthError(message, **kw)
        if status == 404:
            return NotFound(message, **kw)
        if status == 409:
            return Conflict(message, **kw)
        if status in (400, 422):
            return Rejected(message, **kw)
        return VendorError(message, **kw)

    def _uses_tokens(self) -> bool:
        return type(self).fetch_token is not BaseClient.fetch_token

    def json(self, response: httpx.Response) -> Any:
        """The body as JSON; a malformed body is a TransientError (a truncated response is worth a retry)."""
        try:
            return response.json()
        except ValueError as exc:
            path = response.request.url.path
            self.faults += 1
            raise TransientError(f"Malformed JSON from {path}", status=response.status_code) from exc

    def get_json(self, path: str, **kwargs: Any) -> Any:
        """GET and parse, retrying a malformed body like any other transient failure."""
        return self.get_json_response(path, **kwargs)[1]

    def get_json_response(self, path: str, **kwargs: Any) -> tuple[httpx.Response, Any]:
        """GET and parse; returns (response, body) for callers that also need headers (e.g. X-Total-Count)."""
        attempt = 0
        while True:
            attempt += 1
            response = self.request("GET", path, **kwargs)
            try:
                return response, self.json(response)
            except TransientError:
                if attempt >= self.max_attempts:
                    raise
                self.sleep(self._wait_for(TransientError("malformed"), attempt))
