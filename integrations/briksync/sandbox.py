"""A stateful BrikSync PropOS API v0 on the shared sandbox kit: Bearer API keys with plans and roles, the
{data, error} envelope and its error codes, page/pageSize lists, validation, lease transition rules, multipart
document uploads with signed download URLs that expire after 5 minutes, 429s with Retry-After and
X-RateLimit-Reset in Unix milliseconds (100 requests a minute).

Vendor-specific control endpoints (besides the kit's /__sandbox__/ ones):
  POST /__sandbox__/keys {"api_key", "plan": "BUSINESS", "role": "admin"}   add or change an API key
  POST /__sandbox__/plan {"limits": {"properties": 5}, "billing_unavailable": false}
  POST /__sandbox__/rate-headers {"retry_after": false}     429s carry X-RateLimit-Reset only (or both again)
  POST /__sandbox__/links/expire                             every signed download URL issued so far expires
  GET  /__sandbox__/received                                 every write: method, path, body, status
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
import threading
import time
import uuid
from collections.abc import Iterable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from integrations.base import RateSpec
from integrations.briksync import sandbox_rules as rules
from integrations.briksync.client import camel, rekey, snake
from integrations.briksync.sandbox_data import Generator
from integrations.briksync.sandbox_records import RecordsMixin
from integrations.sandbox.app import SandboxApp

DEMO_API_KEY = "bsk_live_lintel_sandbox_demo"  # the sandbox's published demo key, not a secret
LINK_TTL = dt.timedelta(minutes=5)
RESOURCES = 'any(properties, units, tenants, leases, documents)'
PLANS_WITH_API = ("BUSINESS", "PRO")  # PRO is grandfathered
UPGRADE_URL = "https://briksync.com/settings/billing"


class BrikSyncSandbox(RecordsMixin, SandboxApp):
    name = "briksync"
    rate_limit = RateSpec(100, 60.0)

    def __init__(self, *, items_key: str = "items", field_case: str = "snake", **kw: Any) -> None:
        self.items_key = items_key
        self.camel = field_case == "camel"
        self.keys: dict[str, dict[str, str]] = {DEMO_API_KEY: {"plan": "BUSINESS", "role": "admin"}}
        self.limits: dict[str, int] = {}
        self.billing_unavailable = False
        self.send_retry_after = True
        self.blobs: dict[str, tuple[bytes, str]] = {}
        self.links: dict[str, tuple[str, dt.datetime]] = {}
        self.received: list[dict[str, Any]] = []
        self._guard = threading.Lock()
        self._rng = random.Random(kw.get("random_seed", 0))
        super().__init__(**kw)

    def routes(self) -> Iterable[Rule]:
        return [
            Rule("/health", methods=["GET"], endpoint="health"),
            Rule("/storage/<token>", methods=["GET"], endpoint="storage"),
            Rule(f"/<{RESOURCES}:resource>", methods=["GET"], endpoint="list"),
            Rule(f"/<{RESOURCES}:resource>", methods=["POST"], endpoint="create"),
            Rule(f"/<{RESOURCES}:resource>/<record_id>", methods=["GET"], endpoint="get"),
            Rule(f"/<{RESOURCES}:resource>/<record_id>", methods=["PATCH", "PUT"], endpoint="update"),
            Rule(f"/<{RESOURCES}:resource>/<record_id>", methods=["DELETE"], endpoint="delete"),
            Rule("/properties/<record_id>/<any(archive, restore):action>", methods=["POST"], endpoint="archive"),
            Rule("/leases/<record_id>/status", methods=["PATCH"], endpoint="lease_status"),
            Rule("/documents/<record_id>/download", methods=["GET"], endpoint="download"),
        ]

    # --- envelope -------------------------------------------------------------------------------------------
    def ok(self, data: Any, status: int = 200) -> Response:
        return self.json({"data": rekey(data, camel) if self.camel else data, "error": None}, status)

    def incoming(self, body: Any) -> Any:
        return rekey(body, snake) if self.camel else body

    def error_response(self, status: int, message: str, code: str | None = None, **extra: Any) -> Response:
        codes = {400: "VALIDATION_ERROR", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
                 405: "VALIDATION_ERROR", 429: "RATE_LIMITED"}
        if code is None or not code.isupper():  # the kit's own codes (SandboxFault, NotFound) in BrikSync's terms
            code = codes.get(status, "INTERNAL_ERROR")
        if "detail" in extra:  # BrikSync's "message" field (the kit's signature already uses the name)
            extra["message"] = extra.pop("detail")
        return self.json({"data": None, "error": message, "code": code, **extra}, status)

    def invalid(self, exc: rules.Invalid) -> Response:
        return self.error_response(400, str(exc), "VALIDATION_ERROR", details=exc.details)

    def rate_limited_response(self, retry_after: float) -> Response:
        response = self.error_response(429, "Too many requests", "RATE_LIMITED")
        if self.send_retry_after:
            response.headers["Retry-After"] = f"{retry_after:.3f}" if retry_after < 1 else str(math.ceil(retry_after))
        limit = self.window.requests if self.window is not None else (self.rate_limit or RateSpec(100, 60)).requests
        response.headers["X-RateLimit-Limit"] = str(limit)
        response.headers["X-RateLimit-Remaining"] = "0"
        response.headers["X-RateLimit-Reset"] = str(int((time.time() + retry_after) * 1000))  # Unix MILLISECONDS
        return response

    # --- auth: API keys with a plan and a role --------------------------------------------------------------
    def authenticate(self, request: Request) -> Response | None:
        if request.path in ("/health",) or request.path.startswith("/storage/"):
            return None
        header = request.headers.get("Authorization", "")
        key = self.keys.get(header[7:]) if header.startswith("Bearer ") else None
        if key is None:
            return self.error_response(401, "Unauthorized", "UNAUTHORIZED")
        if self.billing_unavailable:
            return self.error_response(403, "PLAN_CONTEXT_UNAVAILABLE", "PLAN_CONTEXT_UNAVAILABLE",
                                       upgradeUrl=UPGRADE_URL)
        if key["plan"] not in PLANS_WITH_API:
            return self.error_response(
                403, "PLAN_UPGRADE_REQUIRED: API access requires the BUSINESS plan", "PLAN_UPGRADE_REQUIRED",
                currentPlan=key["plan"], requiredPlan="BUSINESS", upgradeUrl=UPGRADE_URL)
        needed = "landlord" if request.path.startswith("/properties") else "property_manager"
        if not rules.role_at_least(key["role"], needed):
            return self.error_response(403, f"Forbidden: requires {needed} role or higher", "FORBIDDEN",
                                       detail=f"Your role ({key['role']}) does not meet the minimum requirement "
                                               f"({needed}) for this endpoint.")
        return None

    # --- request handling -----------------------------------------------------------------------------------
    def handle(self, request: Request, environ: dict[str, Any]) -> Response:
        if request.path.startswith("/storage/"):  # the file store, not the API: no API limit, no API faults
            self.count(f"{request.method} /storage")
            return self.dispatch(request)
        response = super().handle(request, environ)
        if request.method in ("POST", "PATCH", "PUT", "DELETE"):
            body: Any = request.form.to_dict() if request.mimetype == "multipart/form-data" else None
            if body is None:
                try:
                    body = self.body(request)
                except Exception:  # a body that is not JSON is logged as text
                    body = request.get_data(as_text=True)[:2000]
            with self._guard:
                self.received.append({"method": request.method, "path": request.path, "body": body,
                                      "status": response.status_code})
                del self.received[:-10_000]
        return response

    def stamp(self) -> str:
        return self.clock().isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def new_id(self) -> str:
        with self._guard:
            return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    # --- control --------------------------------------------------------------------------------------------
    def control(self, request: Request) -> Response:
        action = request.path.removeprefix("/__sandbox__/").strip("/")
        data = self.body(request) if request.method == "POST" else None
        data = data if isinstance(data, dict) else {}
        if action == "keys" and request.method == "POST":
            self.keys[str(data["api_key"])] = {"plan": str(data.get("plan", "BUSINESS")),
                                               "role": str(data.get("role", "admin"))}
            return self.json({"ok": True})
        if action == "plan" and request.method == "POST":
            self.limits = {k: int(v) for k, v in (data.get("limits") or {}).items()}
            self.billing_unavailable = bool(data.get("billing_unavailable", False))
            return self.json({"limits": self.limits, "billing_unavailable": self.billing_unavailable})
        if action == "rate-headers" and request.method == "POST":
            self.send_retry_after = bool(data.get("retry_after", True))
            return self.json({"retry_after": self.send_retry_after})
        if action == "links/expire" and request.method == "POST":
            with self._guard:
                self.links = {t: (doc, self.clock() - dt.timedelta(seconds=1)) for t, (doc, _) in self.links.items()}
            return self.json({"expired": len(self.links)})
        if action == "received" and request.method == "GET":
            with self._guard:
                return self.json(list(self.received))
        return super().control(request)

    def on_reset(self) -> None:
        with self._guard:
            self.blobs.clear()
            self.links.clear()
            self.received.clear()
        self.limits, self.billing_unavailable, self.send_retry_after = {}, False, True
        self.keys = {DEMO_API_KEY: {"plan": "BUSINESS", "role": "admin"}}

    # --- data -----------------------------------------------------------------------------------------------
    def seed(self, n: int) -> None:
        generator = Generator(n, self.clock(), self._rng)
        with self.store.locked():
            for collection, record in generator.records():
                self.store.insert(collection, record, key=record["id"])
        with self._guard:
            self.blobs.update(generator.blobs)

    def mutate(self, collection: str, key: str, changes: dict[str, Any]) -> dict[str, Any] | None:
        """A change made in BrikSync's web app: its updated_at moves on."""
        return self.store.update(collection, key, {**changes, "updated_at": self.stamp()})

    def signed_link(self, request: Request, document_id: str) -> dict[str, str]:
        token = secrets.token_urlsafe(24)
        expires = self.clock() + LINK_TTL
        with self._guard:
            self.links[token] = (document_id, expires)
        url = f"{request.host_url.rstrip('/')}{request.script_root}/storage/{token}"
        return {"url": url, "expires_at": expires.isoformat(timespec="seconds").replace("+00:00", "Z")}

    def on_health(self, request: Request) -> Response:
        return self.ok({"status": "ok"})

    def on_storage(self, request: Request, token: str) -> Response:
        with self._guard:
            found = self.links.get(token)
            blob = self.blobs.get(found[0]) if found else None
        if found is None or blob is None:
            return self.json({"statusCode": "400", "error": "InvalidSignature", "message": "invalid signature"}, 400)
        if found[1] <= self.clock():
            return self.json({"statusCode": "400", "error": "InvalidJWT", "message": "Signed URL expired"}, 400)
        return Response(blob[0], status=200, content_type=blob[1])
