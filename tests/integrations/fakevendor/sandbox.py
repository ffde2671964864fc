"""The fake vendor's server: properties and units, offset paging, 409 on a duplicate external_ref, signed thin
webhooks. Small on purpose: it exercises every engine path without depending on a real vendor's quirks."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import threading
import time
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from integrations.contract import RateSpec
from integrations.sandbox.app import SandboxApp

API_KEY = "fake-key"
WEBHOOK_SECRET = "fake-webhook-secret"
REQUIRED = {"properties": ("name", "address_line1"), "units": ("property_id", "unit_number", "address_line1")}


class FakeSandbox(SandboxApp):
    name = "fakevendor"
    rate_limit = RateSpec(50, 1.0)

    def __init__(self, **kw: Any) -> None:
        self._clock_lock = threading.Lock()
        self._last = 0.0
        super().__init__(**kw)
        self.webhook_secret = WEBHOOK_SECRET

    def routes(self) -> list[Rule]:
        return [
            Rule("/v1/<any(properties, units):coll>", endpoint="collection", methods=["GET", "POST"]),
            Rule("/v1/<any(properties, units):coll>/<int:key>", endpoint="item", methods=["GET", "PUT", "DELETE"]),
        ]

    def authenticate(self, request: Request) -> Response | None:
        if request.headers.get("X-Api-Key") != API_KEY:
            return self.error_response(401, "Invalid API key")
        return None

    def stamp(self) -> str:
        """Strictly increasing update times (two writes in one microsecond still sort apart)."""
        with self._clock_lock:
            now = max(time.time(), self._last + 0.000001)
            self._last = now
        return dt.datetime.fromtimestamp(now, dt.UTC).isoformat().replace("+00:00", "Z")

    def seed(self, n: int) -> None:
        properties = max(1, n // 10)
        ids = []
        for i in range(properties):
            ids.append(self._save("properties", {"name": f"Tower {i}", "address_line1": f"{i} Main St",
                                                 "city": "Dayton", "state": "OH", "postal_code": "45402"}))
        for i in range(n):
            self._save("units", {"property_id": ids[i % properties], "unit_number": str(100 + i),
                                 "address_line1": f"{i % properties} Main St", "city": "Dayton", "state": "OH",
                                 "postal_code": "45402", "bedrooms": 1 + i % 4, "rent": f"{900 + i}.00"})

    def _save(self, coll: str, rec: dict[str, Any], key: int | None = None) -> int:
        key = key or self.store.next_id(coll)
        rec.update({"id": key, "updated_at": self.stamp()})
        rec.setdefault("external_ref", None)
        self.store.insert(coll, rec, key=key)
        return key

    def on_collection(self, request: Request, coll: str) -> Response:
        if request.method == "POST":
            return self._create(coll, self.body(request) or {})
        rows = self.store.all(coll)
        since = request.args.get("updated_since")
        if since:
            rows = [r for r in rows if r["updated_at"] >= since]
        if request.args.get("external_ref"):
            rows = [r for r in rows if r.get("external_ref") == request.args["external_ref"]]
        rows.sort(key=lambda r: (r["updated_at"], r["id"]))
        offset = int(request.args.get("offset", 0))
        limit = min(100, int(request.args.get("limit", 50)))
        return self.json(rows[offset:offset + limit], headers={"X-Total-Count": str(len(rows))})

    def _create(self, coll: str, body: dict[str, Any]) -> Response:
        missing = [f for f in REQUIRED[coll] if not body.get(f)]
        if missing:
            return self.error_response(422, f"{', '.join(missing)} required", "Validation")
        if coll == "units" and self.store.get("properties", body["property_id"]) is None:
            return self.error_response(422, f"property_id {body['property_id']} does not exist", "Validation")
        with self.store.locked():
            ref = body.get("external_ref")
            if ref and self.store.find(coll, lambda r: r.get("external_ref") == ref):
                return self.error_response(409, f"external_ref {ref} already exists", "Duplicate")
            key = self._save(coll, dict(body))
        self._notify(coll, key, "created")
        return self.json(self.store.get(coll, key), 201)

    def on_item(self, request: Request, coll: str, key: int) -> Response:
        found = self.store.get(coll, key)
        if found is None:
            return self.error_response(404, f"{coll} {key} not found", "NotFound")
        if request.method == "GET":
            return self.json(found)
        if request.method == "DELETE":
            self.remove(coll, str(key))
            return Response(status=204)
        return self.json(self.mutate(coll, str(key), self.body(request) or {}))

    def mutate(self, collection: str, key: str, changes: dict[str, Any]) -> dict[str, Any] | None:
        changes = {k: v for k, v in changes.items() if k not in ("id", "updated_at")}
        record = self.store.update(collection, key, {**changes, "updated_at": self.stamp()})
        if record is not None:
            self._notify(collection, int(key), "updated")
        return record

    def remove(self, collection: str, key: str) -> bool:
        gone = self.store.delete(collection, key)
        if gone:
            self._notify(collection, int(key), "deleted")
        return gone

    def _notify(self, coll: str, key: int, what: str) -> None:
        self.emit_webhook({"type": f"{coll[:-1] if coll == 'units' else 'property'}.{what}", "id": key,
                           "at": self.stamp()})

    def sign_webhook(self, body: bytes) -> dict[str, str]:
        ts = str(int(time.time()))
        return {"X-Fake-Timestamp": ts, "X-Fake-Signature": sign(self.webhook_secret, ts, body)}


def sign(secret: str, ts: str, body: bytes) -> str:
    return hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
