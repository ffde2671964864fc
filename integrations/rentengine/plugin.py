"""RentEngine Public API 1.1.1: multifamily properties -> property locations, units -> homes, both ways; webhooks.

Pull: ``properties`` then ``units`` (a unit's parent is its multifamily property, or the connection's default
location). RentEngine publishes no "changed since" filter, so every pass reads everything (a full pass; units use
``updated_after`` only when the connection turns it on), with ``limit`` and a 0-based ``page_number`` until a short
page. Push: the same two resources by upsert POST.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from integrations.base import ConfigField, Page, Plugin, PullStream, PushStream, RateSpec, Stream, WebhookEvent
from integrations.rentengine import mapping, mapping_out, webhooks
from integrations.rentengine.client import RentEngineClient
from integrations.rentengine.sandbox import DEMO_ACCOUNT_ID, DEMO_TOKEN, DEMO_WEBHOOK_KEY, RentEngineSandbox
from integrations.rentengine.types import STRUCTURE_TYPES
from portal.accounts.scoping import Tenant, scoped
from portal.locations.models import Kind, Location

ADDRESS = ["address_line1", "city", "state", "postal_code"]


def _annotate(client: RentEngineClient, units: list[Any]) -> list[Any]:
    """Add the connection's default location (mapping is pure: it cannot read the connection's options)."""
    default = client.config.get("default_location_id")
    for unit in units:
        if default not in (None, "") and isinstance(unit, dict):
            unit[mapping.DEFAULT_LOCATION_KEY] = str(default)
    return units


def _pages(fetch: Any) -> Any:
    def fetch_page(client: RentEngineClient, cursor: dict[str, Any] | None, since: dt.datetime | None) -> Page:
        number = int((cursor or {}).get("page_number", 0))
        records = fetch(client, number)
        # No total: a page shorter than the limit asked for is the last one.
        more = len(records) >= client.page_size
        return Page(records, {"page_number": number + 1} if more else None)

    return fetch_page


def _fetch_units(client: RentEngineClient, cursor: dict[str, Any] | None, since: dt.datetime | None) -> Page:
    # [3p] ``updated_after`` is not in RentEngine's published list: used only when the connection turns it on.
    after = since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if since is not None else None
    return _pages(lambda c, n: _annotate(c, c.list_units(n, updated_after=after)))(client, cursor, since)


def _fetch_unit(client: RentEngineClient, vendor_id: str) -> dict[str, Any] | None:
    unit = client.get_unit(vendor_id)
    return _annotate(client, [dict(unit)])[0] if unit is not None else None


def choose_default_location(connection: Any) -> str:
    """Most RentEngine units (single-family homes) have no multifamily property: without a default location every
    one of them is reported on each run instead of pulled. Set the organization's first neighborhood (a property
    only when it has none) unless the connection already names one; returns what was done."""
    options = connection.options
    if options.get("default_location_id") not in (None, ""):
        return f"default location for units without a multifamily property: {options['default_location_id']} (kept)"
    local = scoped(Location, Tenant(connection.organization))
    chosen = (local.filter(kind=Kind.NEIGHBORHOOD).order_by("pk").first()
              or local.filter(kind=Kind.PROPERTY).order_by("pk").first())
    if chosen is None:
        return "no neighborhood or property to put units without a multifamily property under: they are reported"
    connection.config = {**(connection.config or {}), "options": {**options, "default_location_id": chosen.pk}}
    connection.save(update_fields=["config"])
    return f"default location for units without a multifamily property: {chosen.name} ({chosen.kind} {chosen.pk})"


class RentEnginePlugin(Plugin):
    key = "rentengine"
    display_name = "RentEngine"
    client_class = RentEngineClient
    default_base_url = "https://app.rentengine.io/api/public/v1"
    # [gap] Not published; third parties report X-Ratelimit-Limit: 30 (per minute). Overridable per connection.
    rate_limit = RateSpec(30, 60.0)
    webhook_events = True
    demo_credentials = {"api_token": DEMO_TOKEN, "webhook_api_key": DEMO_WEBHOOK_KEY}
    demo_options = {"account_id": DEMO_ACCOUNT_ID, "default_year_built": 2000}
    credential_fields = (
        ConfigField("api_token", "API token", secret=True,
                    help="Created in RentEngine's developer portal (shown once; acts with its creator's rights)."),
        ConfigField("webhook_api_key", "Webhook API key", secret=True, required=False,
                    help="The API key set on the webhook in RentEngine's developer portal."),
    )
    config_fields = (
        ConfigField("account_id", "RentEngine account id", required=False,
                    help="Needed to create records (RentEngine requires it); also limits pulls to that account."),
        ConfigField("default_location_id", "Default location for units without a multifamily property",
                    required=False, kind="int",
                    help="The id of a portal neighborhood or property. Blank: such units are reported, not pulled."),
        ConfigField("webhook_api_key_header", "Webhook API key header", required=False, default="X-API-Key",
                    help="The header RentEngine puts the webhook API key in."),
        ConfigField("default_year_built", "Year built of new multifamily properties", required=False, kind="int",
                    help="RentEngine requires one to create a multifamily property."),
        ConfigField("default_structure_type", "Structure type of new multifamily properties", required=False,
                    kind="choice", default="Garden Style", choices=tuple((s, s) for s in STRUCTURE_TYPES)),
        ConfigField("default_building_count", "Building count of new multifamily properties", required=False,
                    kind="int", default=1),
        ConfigField("property_update", "How a multifamily property is updated", required=False, kind="choice",
                    default="merge", choices=(("merge", "Read it, send it whole with our fields"),
                                              ("partial", "Send only our fields"))),
        ConfigField("units_updated_after", "Read only changed units (updated_after)", required=False, kind="bool",
                    default=False, help="Third parties report RentEngine accepts it; RentEngine does not publish it."),
        ConfigField("page_size", "Page size", required=False, kind="int", default=100, help="1 to 100."),
    )

    def streams(self) -> list[Stream]:
        return [
            PullStream("properties", "locations.Location", _pages(RentEngineClient.list_properties),
                       mapping.map_property, mapping.vendor_id, fetch_one=lambda c, vid: c.get_property(vid),
                       updated_at=mapping.updated_at, incremental=False, owned_fields={"shared": ["name", *ADDRESS]}),
            PullStream("units", "homes.Home", _fetch_units, mapping.map_unit, mapping.vendor_id,
                       depends_on=("properties",), fetch_one=_fetch_unit, updated_at=mapping.updated_at,
                       incremental=lambda options: bool(options.get("units_updated_after")),
                       owned_fields={"portal": ["status"],
                                     "shared": ["market_rent", "bedrooms", "bathrooms", "size_sqft", *ADDRESS]}),
            PushStream("properties", "locations.Location", order=10, to_payload=mapping_out.property_payload,
                       create=mapping_out.create_property, update=mapping_out.update_property,
                       applies_to=lambda loc: loc.kind == "property", validate=mapping_out.validate_property,
                       find=mapping_out.find_property, actions=("create", "update")),
            PushStream("units", "homes.Home", order=20, to_payload=mapping_out.unit_payload,
                       create=mapping_out.create_unit, update=mapping_out.update_unit,
                       validate=mapping_out.validate_unit, find=mapping_out.find_unit, actions=("create", "update")),
        ]

    def check(self, client: RentEngineClient) -> str:  # type: ignore[override]
        found = client.list_properties(0, limit=1)
        return "Connected to RentEngine" + (" (the account has multifamily properties)." if found else ".")

    def verify_webhook_with_options(self, headers: Mapping[str, str], raw_body: bytes, credentials: dict[str, str],
                                    options: dict[str, Any]) -> bool:
        header = options.get("webhook_api_key_header") or webhooks.DEFAULT_HEADER
        return webhooks.verify(headers, credentials.get("webhook_api_key", ""), header)

    def verify_webhook(self, headers: Mapping[str, str], raw_body: bytes, credentials: dict[str, str]) -> bool:
        return webhooks.verify(headers, credentials.get("webhook_api_key", ""))

    def parse_webhook(self, raw_body: bytes) -> list[WebhookEvent]:
        return webhooks.parse(raw_body)

    def webhook_dedupe_key(self, headers: Mapping[str, str], raw_body: bytes) -> str:
        return webhooks.dedupe_key(raw_body) or super().webhook_dedupe_key(headers, raw_body)

    def demo_setup(self, connection: Any) -> str | None:
        return choose_default_location(connection)

    def sandbox_app(self, **options: Any) -> RentEngineSandbox:  # type: ignore[override]
        return RentEngineSandbox(**options)
