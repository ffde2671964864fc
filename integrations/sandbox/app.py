"""SandboxApp: the base of every vendor's fake server (a werkzeug WSGI app).

A vendor subclass gives ``routes()`` (werkzeug Rules whose endpoint ``x`` is served by method ``on_x``),
``authenticate``, ``error_response`` in the vendor's error shape, ``seed(n)``, and, if it sends webhooks,
``sign_webhook``. The base adds what every vendor shares: the store, rate limiting with 429, fault injection,
statistics, the ``/__sandbox__/`` control API, and the webhook sender.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as RouteNotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from integrations.contract import RateSpec
from integrations.sandbox.control import ControlMixin
from integrations.sandbox.faults import Faults, SlidingWindow
from integrations.sandbox.store import Store, utc_now
from integrations.sandbox.webhooks import WebhookSender

logger = logging.getLogger("integrations.sandbox")


class BadRequestBody(Exception):
    pass


class SandboxApp(ControlMixin):
    name = "vendor"
    rate_limit: RateSpec | None = None  # the vendor's documented limit (enforced unless turned off)

    def __init__(
        self,
        *,
        rate_limit: RateSpec | bool | None = True,
        seed: int = 0,
        faults: dict[str, Any] | None = None,
        clock: Callable[[], Any] = utc_now,
        random_seed: int = 0,
    ) -> None:
        self.store = Store()
        self.faults = Faults(seed=random_seed)
        if faults:
            self.faults.configure(faults)
        self.clock = clock
        self.webhooks = WebhookSender()
        self.webhook_targets: list[str] = []
        self.webhook_secret = ""
        self.stats: Counter[str] = Counter()
        self._stats_lock = threading.Lock()
        self._in_flight = 0
        spec = self.rate_limit if rate_limit is True else (rate_limit or None)
        self.window = SlidingWindow(spec.requests, spec.per_seconds) if isinstance(spec, RateSpec) else None
        self.url_map = Map(list(self.routes()), strict_slashes=False)
        if seed:
            self.seed(seed)

    # --- vendor hooks ---------------------------------------------------------------------------------------
    def routes(self) -> Iterable[Rule]:
        return []

    def authenticate(self, request: Request) -> Response | None:
        """Return an error response when the request is not authenticated; None lets it through."""
        return None

    def error_response(self, status: int, message: str, code: str | None = None, **extra: Any) -> Response:
        """The vendor's error body. Default: {"message", "code"}."""
        body: dict[str, Any] = {"message": message}
        if code:
            body["code"] = code
        body.update(extra)
        return self.json(body, status)

    def rate_limited_response(self, retry_after: float) -> Response:
        response = self.error_response(429, "Too many requests", "RateLimited")
        # Whole seconds as vendors send them; below a second (tests' fast faults) the exact fraction.
        response.headers["Retry-After"] = f"{retry_after:.3f}" if retry_after < 1 else str(math.ceil(retry_after))
        return response

    def seed(self, n: int) -> None:
        """Generate ``n`` records (deterministically)."""

    def sign_webhook(self, body: bytes) -> dict[str, str]:
        """Headers that sign an outgoing webhook body. Default: none."""
        return {}

    def mutate(self, collection: str, key: str, changes: dict[str, Any]) -> dict[str, Any] | None:
        """A change made "at the vendor" (control API). Vendors bump their timestamps and send webhooks here."""
        return self.store.update(collection, key, changes)

    def remove(self, collection: str, key: str) -> bool:
        return self.store.delete(collection, key)

    # --- helpers for vendor endpoints -----------------------------------------------------------------------
    @staticmethod
    def json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        body = json.dumps(data, separators=(",", ":"), default=str)
        return Response(body, status=status, headers=headers or {}, content_type="application/json")

    @staticmethod
    def body(request: Request) -> Any:
        try:
            return json.loads(request.get_data(as_text=True) or "null")
        except ValueError as exc:
            raise BadRequestBody(str(exc)) from exc

    def emit_webhook(self, payload: dict[str, Any]) -> None:
        """Send ``payload`` (compact JSON, signed by the vendor hook) to every configured target."""
        if not self.webhook_targets:
            return
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", **self.sign_webhook(body)}
        for url in self.webhook_targets:
            self.webhooks.send(url, body, headers)

    def count(self, key: str, n: int = 1) -> None:
        with self._stats_lock:
            self.stats[key] += n

    # --- WSGI -----------------------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        if request.path.startswith("/__sandbox__/"):
            response = self.control(request)
        else:
            with self._stats_lock:
                self._in_flight += 1
                self.stats["max_in_flight"] = max(self.stats["max_in_flight"], self._in_flight)
            try:
                response = self.handle(request, environ)
            finally:
                with self._stats_lock:
                    self._in_flight -= 1
        return response(environ, start_response)

    def handle(self, request: Request, environ: dict[str, Any]) -> Response:
        method, path = request.method, request.path
        self.count("requests")
        self.count(f"{method} {path}")
        if self.faults.latency_ms:
            time.sleep(self.faults.latency_ms / 1000)
        scripted = self.faults.take_scripted(method, path)
        if scripted is not None and not scripted.after:
            return self._scripted(scripted, environ)
        if self.faults.take_burst():
            return self._too_many(self.faults.retry_after)
        if self.window is not None:
            wait = self.window.hit()
            if wait is not None:
                return self._too_many(wait)
        if self.faults.roll(self.faults.drop_rate):
            return self._drop(environ)
        if self.faults.roll(self.faults.error_rate):
            self.count("faults_injected")
            status = self.faults.pick_status()
            return self.error_response(status, "Injected failure", "SandboxFault")
        denied = self.authenticate(request)
        if denied is not None:
            return denied
        response = self.dispatch(request)
        if scripted is not None:
            return self._scripted(scripted, environ)
        # "corrupt" acts on answers that were served (2xx) only; it is taken here, not above.
        corrupt = self.faults.take_scripted(method, path, corrupt=True) if response.status_code < 300 else None
        if corrupt is not None:
            return self._corrupt(response, corrupt)
        if self.faults.roll(self.faults.malformed_rate) and response.mimetype == "application/json":
            self.count("malformed_sent")
            data = response.get_data()
            response.set_data(data[: max(1, len(data) // 2)])
        return response

    def dispatch(self, request: Request) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
            return getattr(self, f"on_{endpoint}")(request, **values)
        except RouteNotFound:
            return self.error_response(404, f"No route {request.method} {request.path}", "NotFound")
        except MethodNotAllowed:
            return self.error_response(405, f"{request.method} not allowed on {request.path}", "MethodNotAllowed")
        except BadRequestBody as exc:
            return self.error_response(400, f"The request body is not valid JSON: {exc}", "BadRequest")
        except HTTPException as exc:
            return self.error_response(exc.code or 500, exc.description or "error")
        except Exception as exc:  # a sandbox bug answers like a vendor's 500, with the reason, and is logged
            logger.exception("Sandbox %s failed on %s %s", self.name, request.method, request.path)
            return self.error_response(500, f"Sandbox error: {type(exc).__name__}: {exc}", "SandboxError")

    def _too_many(self, retry_after: float) -> Response:
        self.count("429_sent")
        return self.rate_limited_response(retry_after)

    def _scripted(self, fault: Any, environ: dict[str, Any]) -> Response:
        self.count("faults_injected")
        if fault.kind == "drop":
            return self._drop(environ)
        if fault.kind == "malformed":
            return Response('{"truncated": [1, 2', status=200, content_type="application/json")
        if fault.status == 429:
            return self._too_many(fault.retry_after if fault.retry_after is not None else self.faults.retry_after)
        response = self.error_response(fault.status, "Injected failure", "SandboxFault")
        if fault.retry_after is not None:
            response.headers["Retry-After"] = str(fault.retry_after)
        return response

    def _corrupt(self, response: Response, fault: Any) -> Response:
        """Spoil one record of a list answer (every value of the first record of the first list of two or more
        records becomes an object): the rest of the page is intact. A body with no such list leaves the fault armed
        for the next matching request."""
        try:
            body = json.loads(response.get_data(as_text=True))
        except ValueError:
            body = None
        record = _first_record_of_a_list(body)
        if record is None:
            self.faults.rearm(fault)
            return response
        for key in record:
            record[key] = {"corrupted": True}
        self.count("faults_injected")
        spoiled = self.json(body, response.status_code)
        for name, value in response.headers.items():
            if name.lower() not in ("content-length", "content-type"):
                spoiled.headers[name] = value
        return spoiled

    def _drop(self, environ: dict[str, Any]) -> Response:
        """Close the connection with no response at all (the client sees a dropped connection)."""
        self.count("drops")
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        # Writing this to the closed socket fails quietly in werkzeug's server (connection_dropped).
        return Response(b"", status=502)


def _first_record_of_a_list(data: Any) -> dict[str, Any] | None:
    """Depth first: the first dict of the first list holding at least two dicts."""
    if isinstance(data, list):
        if sum(isinstance(item, dict) for item in data) >= 2:
            return next(item for item in data if isinstance(item, dict))
        children = data
    elif isinstance(data, dict):
        children = list(data.values())
    else:
        return None
    for child in children:
        found = _first_record_of_a_list(child)
        if found is not None:
            return found
    return None
