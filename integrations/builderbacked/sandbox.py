"""A stateful Builder Backed V2 on the shared sandbox kit: OAuth2 tokens with scopes, the validated location
hierarchy, homes, homeowners, URL-reference documents, Spring error bodies, 409 on duplicates, 429 from the kit.

Vendor-specific control endpoints (besides the kit's /__sandbox__/ ones):
  POST /__sandbox__/tokens/expire                       every issued token expires now (next call gets 401)
  POST /__sandbox__/clients {client_id, client_secret, scopes}   register OAuth client credentials
  GET  /__sandbox__/received                            every write received: method, path, body, status
Regions are seeded (Builder Backed activates them); deactivate one with POST /__sandbox__/records/regions/<name>
{"active": false}.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from integrations.base import RateSpec
from integrations.builderbacked import sandbox_rules as rules
from integrations.builderbacked.sandbox_locations import LocationsMixin
from integrations.builderbacked.sandbox_records import RecordsMixin
from integrations.sandbox.app import SandboxApp

DEMO_CLIENT_ID = "lintel-demo"
DEMO_CLIENT_SECRET = "sandbox-secret"  # noqa: S105 - the sandbox's published demo credential, not a secret
ALL_SCOPES = ("location.write", "home.write", "user.write", "document.write")
# The demo organization's regions (Texas, Florida) are among them, so its tree can be pushed once linked.
REGIONS = ("Cincinnati", "Columbus", "Dayton", "Florida", "Texas")
LEVELS = 'any(divisions, "master-communities", neighborhoods)'


class BuilderBackedSandbox(LocationsMixin, RecordsMixin, SandboxApp):
    name = "builderbacked"
    rate_limit = RateSpec(10, 1.0)  # not published ([gap]); the plug-in stays under it at 5/s

    def __init__(self, *, token_ttl: float = 3600.0, regions: Iterable[str] = REGIONS, **kw: Any) -> None:
        self.token_ttl = token_ttl
        self.region_names = tuple(regions)
        self.clients: dict[str, tuple[str, tuple[str, ...]]] = {DEMO_CLIENT_ID: (DEMO_CLIENT_SECRET, ALL_SCOPES)}
        self.tokens: dict[str, tuple[float, tuple[str, ...]]] = {}
        self.received: list[dict[str, Any]] = []
        self._local = threading.local()
        self._guard = threading.Lock()
        super().__init__(**kw)
        self.seed_regions()

    def routes(self) -> Iterable[Rule]:
        api = "/api/v2"
        return [
            Rule("/oauth/token", methods=["POST"], endpoint="token"),
            Rule(f"{api}/locations/regions", methods=["GET"], endpoint="regions"),
            Rule(f"{api}/locations/<{LEVELS}:level>", methods=["GET"], endpoint="list_locations"),
            Rule(f"{api}/locations/<{LEVELS}:level>", methods=["POST"], endpoint="create_location"),
            Rule(f"{api}/locations/<{LEVELS}:level>", methods=["PUT"], endpoint="update_location"),
            Rule(f"{api}/locations/<{LEVELS}:level>/<path:external_id>/activate", methods=["PUT"],
                 endpoint="activate"),
            Rule(f"{api}/locations/<{LEVELS}:level>/<path:external_id>/deactivate", methods=["PUT"],
                 endpoint="deactivate"),
            Rule(f"{api}/locations/<{LEVELS}:level>/<path:external_id>", methods=["GET"], endpoint="get_location"),
            Rule(f"{api}/homes", methods=["POST"], endpoint="create_home"),
            Rule(f"{api}/homes", methods=["PUT"], endpoint="update_home"),
            Rule(f"{api}/homes/<path:home_id>/users/<path:email>", methods=["DELETE"], endpoint="remove_owner"),
            Rule(f"{api}/homes/<path:home_id>/users", methods=["POST"], endpoint="add_owners"),
            Rule(f"{api}/homes/<path:external_id>", methods=["GET"], endpoint="get_home"),
            Rule(f"{api}/documents", methods=["POST"], endpoint="add_documents"),
            Rule(f"{api}/documents", methods=["PUT"], endpoint="update_document"),
            Rule(f"{api}/documents/externalHome/<path:home_id>/category/<path:category>", methods=["DELETE"],
                 endpoint="delete_documents_by_category"),
            Rule(f"{api}/documents/externalHome/<path:home_id>/name/<path:name>", methods=["DELETE"],
                 endpoint="delete_documents_by_name"),
            Rule(f"{api}/documents/externalHome/<path:home_id>", methods=["GET"], endpoint="home_documents"),
            Rule(f"{api}/documents/externalHome/<path:home_id>", methods=["DELETE"], endpoint="delete_home_documents"),
            Rule(f"{api}/documents/<path:external_id>", methods=["DELETE"], endpoint="delete_document"),
        ]

    # --- errors in Spring's shape --------------------------------------------------------------------------
    def error_response(self, status: int, message: str, code: str | None = None, **extra: Any) -> Response:
        body = {
            "timestamp": self.clock().isoformat(timespec="milliseconds").replace("+00:00", "Z"), "status": status,
            "error": HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error",
            "message": message, "path": getattr(self._local, "path", ""),
        }
        return self.json(body, status)

    def fail(self, status: int, message: str) -> Response:
        return self.error_response(status, message)

    # --- request handling: remember the path for error bodies, log every write -----------------------------
    def handle(self, request: Request, environ: dict[str, Any]) -> Response:
        self._local.path = request.path
        response = super().handle(request, environ)
        if request.method in ("POST", "PUT", "DELETE") and request.path.startswith("/api/"):
            try:
                body = self.body(request)
            except Exception:  # a body that is not JSON is logged as text
                body = request.get_data(as_text=True)[:2000]
            with self._guard:
                self.received.append({"method": request.method, "path": request.path, "body": body,
                                      "status": response.status_code})
                del self.received[:-10_000]
        return response

    # --- OAuth2 ------------------------------------------------------------------------------------------
    def on_token(self, request: Request) -> Response:
        client_id, secret = request.form.get("client_id", ""), request.form.get("client_secret", "")
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                client_id = secret = ""
        if request.form.get("grant_type") != "client_credentials":
            return self.json({"error": "unsupported_grant_type",
                              "error_description": "Only client_credentials is supported"}, 400)
        known = self.clients.get(client_id)
        if known is None or not secrets.compare_digest(known[0], secret):
            return self.json({"error": "invalid_client", "error_description": "Bad client credentials"}, 401)
        asked = tuple(request.form.get("scope", "").split()) or known[1]
        if any(scope not in ALL_SCOPES for scope in asked):
            return self.json({"error": "invalid_scope", "error_description": "Unknown scope requested"}, 400)
        granted = tuple(s for s in asked if s in known[1])
        token = secrets.token_urlsafe(24)
        with self._guard:
            self.tokens[token] = (time.monotonic() + self.token_ttl, granted)
        self.count("tokens_issued")
        return self.json({"access_token": token, "token_type": "bearer", "expires_in": int(self.token_ttl),
                          "scope": " ".join(granted)})

    def authenticate(self, request: Request) -> Response | None:
        if request.path == "/oauth/token":
            return None
        header = request.headers.get("Authorization", "")
        with self._guard:
            found = self.tokens.get(header[7:]) if header.startswith("Bearer ") else None
        if found is None or found[0] <= time.monotonic():
            response = self.fail(401, "Full authentication is required to access this resource")
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response
        needed = scope_for(request.path)
        if needed not in found[1]:
            return self.fail(403, f"Insufficient scope for this resource: {needed} is required")
        return None

    # --- control -----------------------------------------------------------------------------------------
    def control(self, request: Request) -> Response:
        action = request.path.removeprefix("/__sandbox__/").strip("/")
        if action == "tokens/expire" and request.method == "POST":
            with self._guard:
                self.tokens = {t: (0.0, scopes) for t, (_, scopes) in self.tokens.items()}
            return self.json({"expired": len(self.tokens)})
        if action == "clients" and request.method == "POST":
            data = self.body(request) or {}
            self.clients[str(data["client_id"])] = (str(data["client_secret"]), tuple(data.get("scopes", ALL_SCOPES)))
            return self.json({"ok": True})
        if action == "received" and request.method == "GET":
            with self._guard:
                return self.json(list(self.received))
        return super().control(request)

    def on_reset(self) -> None:
        with self._guard:
            self.tokens.clear()
            self.received.clear()
        self.seed_regions()

    def seed_regions(self) -> None:
        for i, name in enumerate(self.region_names, start=1):
            self.store.insert("regions", {"id": i, "externalId": name, "name": name, "displayName": f"{name} Region",
                                          "abbreviatedName": name[:3].upper(), "active": True}, key=name)

    def read_body(self, request: Request, check: Any, *args: Any) -> tuple[Any, Response | None]:
        """The JSON body checked by ``check`` (a sandbox_rules function); a refusal becomes the vendor's 400."""
        body = self.body(request)
        try:
            check(*args, body)
        except rules.Invalid as exc:
            return body, self.fail(400, str(exc))
        return body, None


def scope_for(path: str) -> str:
    if path.startswith("/api/v2/locations"):
        return "location.write"
    if path.startswith("/api/v2/documents"):
        return "document.write"
    if path.startswith("/api/v2/users"):
        return "user.write"
    return "home.write"
