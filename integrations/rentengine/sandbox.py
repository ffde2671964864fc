"""A stateful fake RentEngine (kit-based): bearer auth, limit/page_number lists, upsert POSTs with AJV errors,
30 requests a minute with 429 + Retry-After, and webhooks (API key in a header) on every change.

Paths are served under the sandbox's prefix as under RentEngine's ``/api/public/v1``. Besides the kit's control API:
  POST   /__sandbox__/ui/<table>             create a record as RentEngine's UI would (INSERT webhook)
  POST   /__sandbox__/records/<table>/<id>   edit it as the UI would (UPDATE webhook; ``address`` merges)
  DELETE /__sandbox__/records/<table>/<id>   delete it (DELETE webhook)
  POST   /__sandbox__/webhook-header {"name"} the header the webhook API key travels in (default X-API-Key)
"""

from __future__ import annotations

import json
import random
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from integrations.base import RateSpec
from integrations.rentengine import sandbox_data as data
from integrations.rentengine import validation
from integrations.rentengine.types import MAX_LIMIT, PROPERTIES_TABLE, UNITS_TABLE
from integrations.sandbox.app import SandboxApp

DEMO_TOKEN = "sandbox-rentengine-token"  # noqa: S105 (what the sandbox accepts; not a secret)
DEMO_ACCOUNT_ID = "4b88ff32-8ba0-4bbf-8e60-c789909ac176"
DEMO_WEBHOOK_KEY = "sandbox-rentengine-webhook-key"
UNIT_PARAMS = {"limit", "page_number", "unitIds", "unitIds[]", "statuses", "statuses[]", "accountId",
               "extracted_from", "city", "zip_codes", "updated_after", "updated_before"}
PROPERTY_PARAMS = {"limit", "page_number", "account_id", "id", "deleted"}


class RentEngineSandbox(SandboxApp):
    name = "rentengine"
    rate_limit = RateSpec(30, 60.0)

    def __init__(self, *, accounts: tuple[str, ...] = (DEMO_ACCOUNT_ID,), **kw: Any) -> None:
        self.accounts = accounts
        self.tokens = {DEMO_TOKEN}
        self.rng = random.Random(kw.get("random_seed", 0))  # before the kit's __init__, which may seed
        super().__init__(**kw)
        self.webhook_secret = DEMO_WEBHOOK_KEY  # what the demo connection's webhook API key is
        self.webhook_header = "X-API-Key"

    def routes(self) -> list[Rule]:
        return [
            Rule("/multifamily_properties", endpoint="list_properties", methods=["GET"]),
            Rule("/multifamily_properties", endpoint="upsert_property", methods=["POST"]),
            Rule("/units", endpoint="list_units", methods=["GET"]),
            Rule("/units", endpoint="upsert_unit", methods=["POST"]),
        ]

    # --- vendor shape ---------------------------------------------------------------------------------------
    def authenticate(self, request: Request) -> Response | None:
        scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or token.strip() not in self.tokens:
            return self.error_response(401, "Unauthorized", details=[
                {"keyword": "auth", "dataPath": "", "message": "a valid Bearer token is required"}])
        return None

    def error_response(self, status: int, message: str, code: str | None = None, **extra: Any) -> Response:
        body: dict[str, Any] = {"error": message}
        if extra.get("details") is not None:
            body["details"] = extra["details"]
        return self.json(body, status)

    def invalid(self, details: list[Any]) -> Response:
        return self.error_response(400, validation.INVALID, details=details)

    def rate_limited_response(self, retry_after: float) -> Response:
        response = super().rate_limited_response(retry_after)
        response.headers["X-Ratelimit-Limit"] = str(self.window.requests if self.window else 30)
        return response

    def sign_webhook(self, body: bytes) -> dict[str, str]:
        return {self.webhook_header: self.webhook_secret} if self.webhook_secret else {}

    # --- lists ----------------------------------------------------------------------------------------------
    def _paging(self, request: Request, allowed: set[str]) -> tuple[int, int] | Response:
        extra = sorted(set(request.args) - allowed)
        if extra:
            return self.invalid([{"keyword": "additionalProperties", "dataPath": ".query", "message":
                                  "must NOT have additional properties", "params": {"additionalProperty": extra[0]}}])
        details = []
        values = {}
        for name, default, low, high in (("limit", 50, 1, MAX_LIMIT), ("page_number", 0, 0, 10**9)):
            raw = request.args.get(name, str(default))
            if not raw.isdigit():
                details.append({"keyword": "type", "dataPath": f".query.{name}", "message": "must be integer"})
            elif not low <= int(raw) <= high:
                word = f"must be <= {high}" if int(raw) > high else f"must be >= {low}"
                details.append({"keyword": "maximum" if int(raw) > high else "minimum",
                                "dataPath": f".query.{name}", "message": word})
            else:
                values[name] = int(raw)
        return self.invalid(details) if details else (values["limit"], values["page_number"])

    def on_list_units(self, request: Request) -> Response:
        paging = self._paging(request, UNIT_PARAMS)
        if isinstance(paging, Response):
            return paging
        limit, page = paging
        ids = {*request.args.getlist("unitIds"), *request.args.getlist("unitIds[]")}
        statuses = {*request.args.getlist("statuses"), *request.args.getlist("statuses[]")}
        account, after = request.args.get("accountId"), data.parse_stamp(request.args.get("updated_after", ""))
        rows = [u for u in self.store.all(UNITS_TABLE)
                if (not ids or str(u["id"]) in ids) and (not statuses or u.get("status") in statuses)
                and (not account or u.get("account_id") == account)
                and (after is None or data.parse_stamp(u["updated_at"]) >= after)]
        rows.sort(key=lambda u: u["id"])
        return self.json([data.unit_read(u) for u in rows[page * limit:(page + 1) * limit]])

    def on_list_properties(self, request: Request) -> Response:
        paging = self._paging(request, PROPERTY_PARAMS)
        if isinstance(paging, Response):
            return paging
        limit, page = paging
        wanted_id, account, deleted = (request.args.get(k) for k in ("id", "account_id", "deleted"))
        rows = [p for p in self.store.all(PROPERTIES_TABLE)
                if (not wanted_id or p["id"] == wanted_id) and (not account or p.get("account_id") == account)
                and (deleted is None or bool(p.get("deleted")) == (deleted == "true"))]
        return self.json(rows[page * limit:(page + 1) * limit])  # stored (creation) order

    # --- upserts --------------------------------------------------------------------------------------------
    def _account_problem(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        if "account_id" in body and isinstance(body["account_id"], str) and body["account_id"] not in self.accounts:
            return [{"keyword": "account", "dataPath": ".account_id",
                     "message": "must be an account this API key has access to"}]
        return []

    def on_upsert_unit(self, request: Request) -> Response:
        body = self.body(request)
        if not isinstance(body, dict):
            return self.invalid([{"keyword": "type", "dataPath": "", "message": "must be object"}])
        creating = "id" not in body
        problems = validation.unit_problems(body, creating) + self._account_problem(body)
        if problems:
            return self.invalid(problems)
        with self.store.locked():
            if creating:
                unit = data.new_unit(self.store.next_id(UNITS_TABLE), body, body["account_id"], self.clock())
                self.store.insert(UNITS_TABLE, unit, key=unit["id"])
                self._notify("INSERT", UNITS_TABLE, unit, None)
                return self.json(data.unit_read(unit), 201)
            current = self.store.get(UNITS_TABLE, body["id"])
            if current is None:
                return self.error_response(404, f"Unit {body['id']} not found")
            if "structured_access_instructions" in body and not (body.get("showing_method")
                                                                 or current.get("showing_method")):
                return self.invalid(validation.required(body, ("showing_method",)))
            unit = self._change(UNITS_TABLE, current, body)
        return self.json(data.unit_read(unit))

    def on_upsert_property(self, request: Request) -> Response:
        body = self.body(request)
        if not isinstance(body, dict):
            return self.invalid([{"keyword": "type", "dataPath": "", "message": "must be object"}])
        creating = "id" not in body
        problems = validation.property_problems(body, creating) + self._account_problem(body)
        if problems:
            return self.invalid(problems)
        with self.store.locked():
            if creating:
                record = data.new_property(body, self.clock())
                self.store.insert(PROPERTIES_TABLE, record, key=record["id"])
                self._notify("INSERT", PROPERTIES_TABLE, record, None)
                return self.json([record], 201)
            current = self.store.get(PROPERTIES_TABLE, str(body["id"]))
            if current is None:
                return self.error_response(404, f"Multifamily property {body['id']} not found")
            record = self._change(PROPERTIES_TABLE, current, body)
        return self.json([record])

    # --- changes and their webhooks -------------------------------------------------------------------------
    def _change(self, table: str, current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        changes = {k: v for k, v in changes.items() if k not in ("id", "created_at", "updated_at")}
        if table == UNITS_TABLE and isinstance(changes.get("address"), dict):
            changes["address"] = {**(current.get("address") or {}), **changes["address"]}
        changes["updated_at"] = data.stamp(data.later_than(current, self.clock()))
        record = self.store.update(table, current["id"], changes)
        assert record is not None
        self._notify("UPDATE", table, record, current)
        return record

    def _notify(self, kind: str, table: str, record: dict[str, Any] | None, old: dict[str, Any] | None) -> None:
        row = data.unit_row if table == UNITS_TABLE else dict
        self.count("webhooks_queued")
        self.emit_webhook({"type": kind, "table": table, "record": row(record) if record else None,
                           "old_record": row(old) if old else None})

    def mutate(self, collection: str, key: str, changes: dict[str, Any]) -> dict[str, Any] | None:
        """An edit in RentEngine's UI (control API)."""
        with self.store.locked():
            current = self.store.get(collection, int(key) if collection == UNITS_TABLE and key.isdigit() else key)
            return None if current is None else self._change(collection, current, changes)

    def remove(self, collection: str, key: str) -> bool:
        with self.store.locked():
            current = self.store.get(collection, key)
            if current is None or not self.store.delete(collection, key):
                return False
        self._notify("DELETE", collection, None, current)
        return True

    def control(self, request: Request) -> Response:
        parts = [p for p in request.path.split("/") if p][1:]
        if parts[:1] == ["webhook-header"] and request.method == "POST":
            self.webhook_header = str(json.loads(request.get_data(as_text=True) or "{}").get("name") or "X-API-Key")
            return self.json({"header": self.webhook_header})
        if len(parts) == 2 and parts[0] == "ui" and request.method == "POST":
            return self._ui_create(parts[1], json.loads(request.get_data(as_text=True) or "{}"))
        return super().control(request)

    def _ui_create(self, table: str, body: dict[str, Any]) -> Response:
        now, account = self.clock(), body.get("account_id") or self.accounts[0]
        with self.store.locked():
            if table == UNITS_TABLE:
                record = data.new_unit(self.store.next_id(UNITS_TABLE), body, account, now)
                record.update({k: v for k, v in body.items() if k not in record})
            elif table == PROPERTIES_TABLE:
                record = data.new_property({**body, "account_id": account}, now)
            else:
                return self.json({"error": f"no table {table}"}, 404)
            self.store.insert(table, record, key=record["id"])
        self._notify("INSERT", table, record, None)
        return self.json(record, 201)

    def seed(self, n: int) -> None:
        properties, units = data.seed_records(n, self.store.next_id(UNITS_TABLE), self.accounts[0], self.clock(),
                                              self.rng)
        for unit in units:
            self.store.insert(UNITS_TABLE, unit, key=unit["id"])
        for record in properties:
            self.store.insert(PROPERTIES_TABLE, record, key=record["id"])

    def on_reset(self) -> None:
        """Back to a new sandbox's state (the kit has emptied the store, faults and statistics)."""
        self.rng = random.Random(0)
        self.tokens = {DEMO_TOKEN}
        self.webhook_targets, self.webhook_secret, self.webhook_header = [], DEMO_WEBHOOK_KEY, "X-API-Key"
