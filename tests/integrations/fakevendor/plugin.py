"""A small plug-in for engine tests: properties -> locations, units -> homes, both ways, with signed webhooks."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import time
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from integrations.base import (
    BaseClient,
    ConfigField,
    Mapped,
    MappingError,
    NotFound,
    Page,
    Plugin,
    PullStream,
    PushStream,
    RateSpec,
    Ref,
    Rejected,
    WebhookEvent,
    WebhookRejected,
)
from tests.integrations.fakevendor import sandbox

PAGE_SIZE = 20


class FakeClient(BaseClient):
    def auth_headers(self) -> dict[str, str]:
        return {"X-Api-Key": self.credentials.get("api_key", "")}

    def parse_error(self, response: httpx.Response) -> tuple[str, str | None, dict[str, Any]]:
        try:
            body = response.json()
        except ValueError:
            return response.text[:200] or response.reason_phrase, None, {}
        return str(body.get("message", "")), body.get("code"), {}


def _page(coll: str) -> Any:
    def fetch(client: BaseClient, cursor: dict | None, since: dt.datetime | None) -> Page:
        offset = (cursor or {}).get("offset", 0)
        params: dict[str, Any] = {"offset": offset, "limit": PAGE_SIZE}
        if since is not None:
            params["updated_since"] = since.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        response, rows = client.get_json_response(f"/v1/{coll}", params=params)
        total = int(response.headers.get("X-Total-Count", "0"))
        nxt = {"offset": offset + len(rows)} if rows and offset + len(rows) < total else None
        return Page(rows, nxt, total)

    return fetch


def _one(coll: str) -> Any:
    def fetch_one(client: BaseClient, vendor_id: str) -> dict | None:
        try:
            return client.get_json(f"/v1/{coll}/{vendor_id}")
        except NotFound:
            return None

    return fetch_one


def _updated(raw: dict) -> dt.datetime | None:
    return dt.datetime.fromisoformat(raw["updated_at"].replace("Z", "+00:00")) if raw.get("updated_at") else None


def map_property(raw: dict) -> Mapped:
    if not raw.get("name"):
        raise MappingError("a property without a name")
    return Mapped({"kind": "property", "name": raw["name"], "address_line1": raw.get("address_line1") or "",
                   "city": raw.get("city") or "", "state": raw.get("state") or "",
                   "postal_code": raw.get("postal_code") or ""})


def map_unit(raw: dict) -> Mapped:
    if not raw.get("address_line1"):
        raise MappingError("a unit without an address")
    try:
        rent = Decimal(raw["rent"]) if raw.get("rent") not in (None, "") else None
    except InvalidOperation:
        raise MappingError(f"rent {raw.get('rent')!r} is not a number") from None
    return Mapped(
        {"address_line1": raw["address_line1"], "city": raw.get("city") or "", "state": raw.get("state") or "",
         "postal_code": raw.get("postal_code") or "", "unit_number": str(raw.get("unit_number") or ""),
         "bedrooms": raw.get("bedrooms"), "market_rent": rent, "home_type": "multi_family",
         "status": "inactive" if raw.get("archived") else "active"},
        parents={"location": Ref("properties", str(raw["property_id"]))},
    )


def property_payload(loc: Any, refs: Any) -> dict:
    return {"name": loc.name, "address_line1": loc.address_line1, "city": loc.city, "state": loc.state,
            "postal_code": loc.postal_code, "external_ref": f"loc-{loc.pk}"}


def unit_payload(home: Any, refs: Any) -> dict:
    return {"property_id": int(refs.require(home.location)), "unit_number": home.unit_number,
            "address_line1": home.address_line1, "city": home.city, "state": home.state,
            "postal_code": home.postal_code, "bedrooms": home.bedrooms,
            "rent": str(home.market_rent) if home.market_rent is not None else None, "external_ref": f"home-{home.pk}"}


def validate_unit(payload: dict) -> None:
    state = payload.get("state") or ""
    if len(state) != 2 or not state.isalpha():
        raise Rejected(f"state must be a two-letter code, not {state!r}", status=422)


def _create(coll: str) -> Any:
    return lambda client, payload: str(client.json(client.request("POST", f"/v1/{coll}", json=payload))["id"])


def _update(coll: str) -> Any:
    return lambda client, vid, payload: client.request("PUT", f"/v1/{coll}/{vid}", json=payload) and None


def _find(coll: str) -> Any:
    def find(client: BaseClient, payload: dict) -> str | None:
        rows = client.get_json(f"/v1/{coll}", params={"external_ref": payload["external_ref"]})
        return str(rows[0]["id"]) if rows else None

    return find


class FakePlugin(Plugin):
    key = "fakevendor"
    display_name = "Fake Vendor"
    client_class = FakeClient
    credential_fields = (ConfigField("api_key", "API key", secret=True),
                         ConfigField("webhook_secret", "Webhook secret", secret=True, required=False))
    config_fields = (ConfigField("region", "Region", required=False, default="us"),)
    rate_limit = RateSpec(50, 1.0)
    demo_credentials = {"api_key": sandbox.API_KEY, "webhook_secret": sandbox.WEBHOOK_SECRET}
    webhook_events = True

    def streams(self) -> list:
        return [
            PullStream("properties", "locations.Location", _page("properties"), map_property, lambda r: str(r["id"]),
                       fetch_one=_one("properties"), updated_at=_updated),
            PullStream("units", "homes.Home", _page("units"), map_unit, lambda r: str(r["id"]),
                       depends_on=("properties",), fetch_one=_one("units"), updated_at=_updated,
                       owned_fields={"shared": ["market_rent"], "portal": ["status"]}),
            PushStream("properties", "locations.Location", 10, property_payload, _create("properties"),
                       _update("properties"), applies_to=lambda loc: loc.kind == "property", find=_find("properties"),
                       actions=("create", "update")),
            PushStream("units", "homes.Home", 20, unit_payload, _create("units"), _update("units"),
                       validate=validate_unit, find=_find("units"), actions=("create", "update")),
        ]

    def check(self, client: BaseClient) -> str:
        client.request("GET", "/v1/properties", params={"limit": 1})
        return "Connected to the fake vendor."

    def verify_webhook(self, headers: Mapping[str, str], raw_body: bytes, credentials: dict[str, str]) -> bool:
        ts = headers.get("x-fake-timestamp", "")
        if not ts.isdigit() or abs(time.time() - int(ts)) > 300:
            raise WebhookRejected("timestamp missing or more than 5 minutes off")
        expected = sandbox.sign(credentials.get("webhook_secret", ""), ts, raw_body)
        return hmac.compare_digest(expected, headers.get("x-fake-signature", ""))

    def parse_webhook(self, raw_body: bytes) -> list[WebhookEvent]:
        body = json.loads(raw_body)
        kind, _, what = body["type"].partition(".")
        stream = "units" if kind == "unit" else "properties"
        return [WebhookEvent(stream, str(body["id"]), "delete" if what == "deleted" else "upsert",
                             dt.datetime.fromisoformat(body["at"].replace("Z", "+00:00")),
                             f"{body['type']}:{body['id']}:{body['at']}")]

    def sandbox_app(self, **options: Any) -> sandbox.FakeSandbox:
        return sandbox.FakeSandbox(**options)
