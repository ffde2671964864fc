"""A stateful BuildingMinds push API on the shared sandbox kit: a Microsoft-style token endpoint under the prefix,
``POST /address|/site|/building`` (one record or an array) answered with a batch id, ``GET /batch`` and
``GET /batch/messages``, batches that move through their statuses over time (sandbox_batches.py), the published
400 validation, ``{code, message}`` errors, and 429 / faults from the kit.

Vendor-specific control endpoints (besides the kit's /__sandbox__/ ones):
  POST /__sandbox__/tokens/expire            every issued token expires now (the next call gets 401)
  POST /__sandbox__/outcomes {"<id>": "TransformationFailed", ...}   force the final status of a record's messages
  POST /__sandbox__/timing {"stage_seconds": 0.05}                  how long each status lasts
  GET  /__sandbox__/received                 every POST received: path, body, status
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from collections.abc import Iterable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from integrations.base import RateSpec
from integrations.buildingminds import validation
from integrations.buildingminds.sandbox_batches import COLLECTION, ID_FIELD, Batches
from integrations.buildingminds.types import MESSAGE_STATUSES
from integrations.sandbox.app import SandboxApp

DEMO_CLIENT_ID = "lintel-demo"
DEMO_CLIENT_SECRET = "sandbox-secret"  # noqa: S105 - the sandbox's published demo credential, not a secret
DEMO_SCOPE_URI = "https://buildingminds.onmicrosoft.com/sandbox-digitaltwinintegration"
TOKEN_PATH = "/buildingminds.onmicrosoft.com/oauth2/v2.0/token"  # noqa: S105 - a path
TENANT = "buildingminds.onmicrosoft.com"


class BuildingMindsSandbox(SandboxApp):
    name = "buildingminds"
    rate_limit = RateSpec(10, 1.0)  # not published ([gap]); the plug-in stays under it at 5/s

    def __init__(self, *, token_ttl: float = 3599.0, stage_seconds: float = 2.0, **kw: Any) -> None:
        self.token_ttl = token_ttl
        self.tokens: dict[str, float] = {}
        self.received: list[dict[str, Any]] = []
        self._guard = threading.Lock()
        super().__init__(**kw)
        self.batches = Batches(self.store, stage_seconds)

    def routes(self) -> Iterable[Rule]:
        return [
            Rule("/<tenant>/oauth2/v2.0/token", methods=["POST"], endpoint="token"),
            Rule("/<any(address, site, building):entity>", methods=["POST"], endpoint="push"),
            Rule("/batch", methods=["GET"], endpoint="batches"),
            Rule("/batch/messages", methods=["GET"], endpoint="messages"),
        ]

    def error_response(self, status: int, message: str, code: str | None = None, **extra: Any) -> Response:
        return self.json({"code": status, "message": message, **extra}, status)

    # --- auth ---------------------------------------------------------------------------------------------
    def on_token(self, request: Request, tenant: str) -> Response:
        form = request.form
        if tenant != TENANT:
            return self._oauth_error(400, "invalid_request", f"AADSTS90002: Tenant '{tenant}' not found.")
        if form.get("grant_type") != "client_credentials":
            return self._oauth_error(400, "unsupported_grant_type", "AADSTS70003: The grant type is not supported.")
        if form.get("client_id") != DEMO_CLIENT_ID:
            return self._oauth_error(400, "unauthorized_client",
                                     f"AADSTS700016: Application with identifier '{form.get('client_id')}' "
                                     "was not found in the directory.")
        if not secrets.compare_digest(form.get("client_secret", ""), DEMO_CLIENT_SECRET):
            return self._oauth_error(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
        if form.get("scope") != f"{DEMO_SCOPE_URI}/.default":
            return self._oauth_error(400, "invalid_scope",
                                     f"AADSTS70011: The provided value for the input parameter 'scope' is not "
                                     f"valid: {form.get('scope')!r}.")
        token = secrets.token_urlsafe(32)
        with self._guard:
            self.tokens[token] = time.monotonic() + self.token_ttl
        self.count("tokens_issued")
        ttl = int(self.token_ttl)
        return self.json({"token_type": "Bearer", "expires_in": ttl, "ext_expires_in": ttl, "access_token": token})

    def _oauth_error(self, status: int, error: str, description: str) -> Response:
        return self.json({"error": error, "error_description": description, "error_codes": [],
                          "timestamp": self.clock().isoformat()}, status)

    def authenticate(self, request: Request) -> Response | None:
        if request.path.endswith("/oauth2/v2.0/token"):
            return None
        header = request.headers.get("Authorization", "")
        with self._guard:
            expires = self.tokens.get(header[7:]) if header.startswith("Bearer ") else None
        if expires is None or expires <= time.monotonic():
            return self.error_response(401, "Access denied due to missing or invalid credentials.")
        self.batches.advance(self.clock())  # every answer shows the batches as of now
        return None

    # --- pushes -------------------------------------------------------------------------------------------
    def on_push(self, request: Request, entity: str) -> Response:
        body = self.body(request)
        records = body if isinstance(body, list) else [body]
        if not records:
            return self.error_response(400, f"Validation failed for {entity}: the body holds no {entity}")
        for i, record in enumerate(records):
            found = validation.problems(entity, record)
            if found:
                where = f"[{i}] " if isinstance(body, list) else ""
                return self._log(request, body, self.error_response(400, where + validation.message(entity, found)))
        batch_id = self.batches.receive(entity, records, self.clock())
        return self._log(request, body, self.json({"batchId": batch_id}, 200))

    def _log(self, request: Request, body: Any, response: Response) -> Response:
        with self._guard:
            self.received.append({"path": request.path, "body": body, "status": response.status_code})
            del self.received[:-10_000]
        return response

    # --- batches ------------------------------------------------------------------------------------------
    def on_batches(self, request: Request) -> Response:
        args = request.args
        try:
            skip, limit = int(args.get("skip", 0)), int(args.get("limit", 100))
            created_at = args.get("createdAt")
            if created_at:
                dt.date.fromisoformat(created_at)
        except ValueError:
            return self.json({"error": "Request validation failed"}, 400)
        if skip < 0 or not 1 <= limit <= 1000:
            return self.json({"error": "Request validation failed"}, 400)
        rows = self.batches.list_batches(args.get("batchId"), created_at)
        return self._page(rows, skip, limit)

    def on_messages(self, request: Request) -> Response:
        args = request.args
        batch_id = args.get("id", "")
        status = args.get("status")
        missing = args.get("missingDependencies")
        try:
            skip, limit = int(args.get("skip", 0)), int(args.get("limit", 100))
        except ValueError:
            return self.json({"error": "Request validation failed"}, 400)
        if (not batch_id or (status and status not in MESSAGE_STATUSES) or skip < 0 or not 1 <= limit <= 1000
                or missing not in (None, "true", "false")):
            return self.json({"error": "Request validation failed"}, 400)
        if self.store.get("batches", batch_id) is None:
            return self.error_response(404, "Resource not found")
        rows = self.batches.messages(batch_id, status, None if missing is None else missing == "true")
        return self._page(rows, skip, limit)

    def _page(self, rows: list[dict[str, Any]], skip: int, limit: int) -> Response:
        return self.json({"message": "Success", "totalCount": len(rows), "data": rows[skip:skip + limit]})

    # --- control ------------------------------------------------------------------------------------------
    def control(self, request: Request) -> Response:
        action = request.path.removeprefix("/__sandbox__/").strip("/")
        if action == "tokens/expire" and request.method == "POST":
            with self._guard:
                self.tokens = dict.fromkeys(self.tokens, 0.0)
            return self.json({"expired": len(self.tokens)})
        if action == "outcomes" and request.method == "POST":
            self.batches.outcomes.update({str(k): str(v) for k, v in (self.body(request) or {}).items()})
            return self.json(self.batches.outcomes)
        if action == "timing" and request.method == "POST":
            self.batches.stage_seconds = float((self.body(request) or {}).get("stage_seconds", 2.0))
            return self.json({"stage_seconds": self.batches.stage_seconds})
        if action == "received" and request.method == "GET":
            with self._guard:
                return self.json(list(self.received))
        if action.startswith("records/") and request.method == "GET":
            self.batches.advance(self.clock())
        return super().control(request)

    def on_reset(self) -> None:
        with self._guard:
            self.tokens.clear()
            self.received.clear()
        self.batches.outcomes.clear()

    def seed(self, n: int) -> None:
        """``n`` buildings with their addresses and sites (one site per ten), completed long ago."""
        done = self.clock().timestamp() - 86_400
        for i in range(n):
            site = f"seed-site-{i // 10}"
            self._seeded("address", {"addressId": f"seed-addr-{i}", "city": "Berlin", "country": "DE",
                                     "street": f"Seestraße {i + 1}"}, done)
            if i % 10 == 0:
                self._seeded("site", {"siteId": site, "name": f"Seed site {i // 10}", "type": "Residential",
                                      "addressIds": [f"seed-addr-{i}"], "validFrom": "2020-01-01T00:00:00Z"}, done)
            self._seeded("building", {"buildingId": f"seed-bldg-{i}", "addressIds": [f"seed-addr-{i}"],
                                      "siteIds": [site]}, done)

    def _seeded(self, entity: str, record: dict[str, Any], done: float) -> None:
        self.store.insert(COLLECTION[entity], {**record, "_completed": done, "_batchId": "seed"},
                          key=record[ID_FIELD[entity]])
