"""Buildium Open API v1: pull-first. Pull rental properties, owners, units, tenants, leases and files; push
properties, units and leases; thin signed webhooks for Rental, RentalUnit, Lease and LeaseTenant.

Pull order (each stream after the ones its records point to): properties -> owners -> units (under properties,
owned by owners) -> tenants -> leases (on units, linked to tenants) -> files (on properties, units, leases).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings

from integrations.base import (
    ConfigField,
    Conflict,
    Page,
    Plugin,
    PullStream,
    PushStream,
    RateSpec,
    Rejected,
    Stream,
    WebhookEvent,
)
from integrations.buildium import mapping, mapping_out, validation, webhooks
from integrations.buildium import streams as s
from integrations.buildium.client import BuildiumClient
from integrations.buildium.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, BuildiumSandbox
from integrations.buildium.values import timestamp
from integrations.contract import Match

PROPERTY_CHUNK = 150  # ids per propertyids query: Buildium refuses query strings over 4096 characters
FILE_ENTITY_TYPES = ("Rental", "RentalUnit", "Lease")
ADDRESS = ["address_line1", "address_line2", "city", "state", "postal_code", "country"]
# Fields both pulled and pushed: changed on both sides since the last sync, they become a Conflict for staff
# instead of the pull overwriting the portal's unsent change.
SHARED = {
    "properties": ["name", *ADDRESS],
    "units": ["unit_number", "market_rent", "bedrooms", "bathrooms", "size_sqft", *ADDRESS],
    "leases": ["lease_type", "start_date", "end_date", "rent", "deposit"],
}


def file_url(file_id: str) -> str:
    """Where the portal serves a Buildium file: a view that asks Buildium for a fresh download URL."""
    return f"{settings.SITE_URL.rstrip('/')}/integrations/buildium/files/{file_id}/"


# --- pull ----------------------------------------------------------------------------------------------------
def _list(path: str, key: s.SortKey = s.by_id, orderby: str = "Id asc", incremental: bool = True) -> Any:
    def fetch(client: BuildiumClient, cursor: dict[str, Any] | None, since: dt.datetime | None) -> Page:
        params = {"orderby": orderby, "lastupdatedfrom": s.since_param(since) if incremental else None}
        return s.fetch_offset_page(client, path, params, cursor, key)

    return fetch


def enrich_units(client: BuildiumClient, units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add each unit's property subtype and owner ids (a unit record carries neither), a few calls per page."""
    cache: dict[int, tuple[str, list[int]]] = client.__dict__.setdefault("_property_facts", {})
    wanted = sorted({u["PropertyId"] for u in units if isinstance(u.get("PropertyId"), int)} - set(cache))
    for i in range(0, len(wanted), PROPERTY_CHUNK):
        chunk = wanted[i : i + PROPERTY_CHUNK]
        for rental in _all(client, "/v1/rentals", {"propertyids": chunk}):
            cache[rental["Id"]] = (rental.get("RentalSubType") or "", [])
        for owner in _all(client, "/v1/rentals/owners", {"propertyids": chunk}):
            for pid in owner.get("PropertyIds") or []:
                if pid in cache:
                    cache[pid][1].append(owner["Id"])
    for unit in units:
        subtype, owners = cache.get(unit.get("PropertyId"), ("", []))  # type: ignore[arg-type]
        unit[mapping.SUBTYPE_KEY], unit[mapping.OWNERS_KEY] = subtype, sorted(set(owners))
    return units


def _all(client: BuildiumClient, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    records, offset = [], 0
    while True:
        page = client.list_page(path, {**params, "orderby": "Id asc"}, offset=offset)
        records += page.records
        offset += len(page.records)
        if not page.records or offset >= page.total:
            return records


def fetch_units(client: BuildiumClient, cursor: dict[str, Any] | None, since: dt.datetime | None) -> Page:
    page = _list("/v1/rentals/units")(client, cursor, since)
    page.records = enrich_units(client, page.records)
    return page


def fetch_unit(client: BuildiumClient, vendor_id: str) -> dict[str, Any] | None:
    unit = client.get_unit(vendor_id)
    return enrich_units(client, [dict(unit)])[0] if unit else None


def fetch_files(client: BuildiumClient, cursor: dict[str, Any] | None, since: dt.datetime | None) -> Page:
    """Files of rental properties, units and leases, one entity type after the other (the portal keeps no
    documents of tenants, owners or vendors). Files have no last-updated filter: ``uploadedfrom`` is a date."""
    cursor = cursor or {"type": 0}
    entity_type = FILE_ENTITY_TYPES[cursor["type"]]
    params = {
        "entitytype": entity_type,
        "orderby": "UploadedDateTime asc,Id asc",
        "uploadedfrom": since.date().isoformat() if since else None,
    }
    page = s.fetch_offset_page(client, "/v1/files", params, cursor.get("page"), s.by_uploaded_then_id)
    if page.next_cursor is not None:
        page.next_cursor = {"type": cursor["type"], "page": page.next_cursor}
    elif cursor["type"] + 1 < len(FILE_ENTITY_TYPES):
        page.next_cursor = {"type": cursor["type"] + 1}
        page.total = None  # the pass spans several lists: no single total
    return page


def _person_key(mapped: Any) -> tuple[str, str, str] | None:
    """A tenant adopts the portal's unlinked person of the same e-mail and name: the one the portal pushed inside a
    lease (Buildium made the tenant from it), or one typed in before connecting. No e-mail: no adoption."""
    fields = mapped.fields
    return (fields["email"], fields["first_name"], fields["last_name"]) if fields.get("email") else None


TENANT_MATCH = Match(fields=("email", "first_name", "last_name"), ignore_case=("email", "first_name", "last_name"),
                     key=_person_key)


def _updated(field: str) -> Any:
    return lambda raw: timestamp(raw.get(field))


# --- push ----------------------------------------------------------------------------------------------------
def _bank_account(client: BuildiumClient) -> int:
    value = client.config.get("operating_bank_account_id")
    if not value:
        raise Rejected(
            "Set the connection's operating bank account id: Buildium requires one for every property.",
            status=400,
            field_errors={"OperatingBankAccountId": "The OperatingBankAccountId field is required."},
        )
    return int(value)


def validate_property(payload: dict[str, Any]) -> None:
    validation.raise_if(validation.property_problems({"OperatingBankAccountId": 0, **payload}))


def create_property(client: BuildiumClient, payload: dict[str, Any]) -> str:
    return str(client.create_rental({**payload, "OperatingBankAccountId": _bank_account(client)})["Id"])


def update_property(client: BuildiumClient, vendor_id: str, payload: dict[str, Any]) -> None:
    current = _current(client.get_rental(vendor_id), "rental property", vendor_id)
    put = mapping_out.property_put(
        {**payload, "OperatingBankAccountId": current.get("OperatingBankAccountId") or _bank_account(client)}, current
    )
    validation.raise_if(validation.property_problems(put))
    client.update_rental(vendor_id, put)


def find_property(client: BuildiumClient, payload: dict[str, Any]) -> str | None:
    """After a lost answer to a create: the property with this name at this street address, if Buildium made it."""
    line1 = (payload.get("Address") or {}).get("AddressLine1")
    for rental in _all(client, "/v1/rentals", {}):
        if rental.get("Name") == payload.get("Name") and (rental.get("Address") or {}).get("AddressLine1") == line1:
            return str(rental["Id"])
    return None


def create_unit(client: BuildiumClient, payload: dict[str, Any]) -> str:
    """Buildium answers a unit number already used in the property with 422, not 409: that unit is this one (unit
    numbers are unique per property), so it is a Conflict and the engine finds it and updates it."""
    try:
        return str(client.create_unit(payload)["Id"])
    except Rejected as exc:
        if "unique" in str((exc.field_errors or {}).get("UnitNumber", "")).lower():
            raise Conflict(exc.message, status=exc.status) from exc
        raise


def update_unit(client: BuildiumClient, vendor_id: str, payload: dict[str, Any]) -> None:
    current = _current(client.get_unit(vendor_id), "unit", vendor_id)
    put = mapping_out.unit_put(payload, current)
    validation.raise_if(validation.unit_problems(put, post=False))
    client.update_unit(vendor_id, put)


def find_unit(client: BuildiumClient, payload: dict[str, Any]) -> str | None:
    number = (payload.get("UnitNumber") or "").lower()
    for unit in _all(client, "/v1/rentals/units", {"propertyids": [payload["PropertyId"]]}):
        if (unit.get("UnitNumber") or "").lower() == number:
            return str(unit["Id"])
    return None


def create_lease(client: BuildiumClient, payload: dict[str, Any]) -> str:
    body = dict(payload)
    gl_account = client.config.get("rent_gl_account_id")
    if body.get("Rent") and gl_account:
        body["Rent"] = {
            **body["Rent"],
            "Charges": [{**c, "GlAccountId": int(gl_account)} for c in body["Rent"]["Charges"]],
        }
    else:
        body.pop("Rent", None)  # no rent GL account configured: the lease is created without a rent charge
    return str(client.create_lease(body)["Id"])


def validate_lease(payload: dict[str, Any]) -> None:
    rent = payload.get("Rent")
    charges = [{**c, "GlAccountId": 0} for c in (rent or {}).get("Charges") or []]
    validation.raise_if(
        validation.lease_problems({**payload, **({"Rent": {**rent, "Charges": charges}} if rent else {})}, post=True)
    )


def update_lease(client: BuildiumClient, vendor_id: str, payload: dict[str, Any]) -> None:
    current = _current(client.get_lease(vendor_id), "lease", vendor_id)
    put = mapping_out.lease_put(payload, current)
    validation.raise_if(validation.lease_problems(put, post=False))
    client.update_lease(vendor_id, put)


def find_lease(client: BuildiumClient, payload: dict[str, Any]) -> str | None:
    unit = client.get_unit(payload["UnitId"])
    if unit is None:
        return None
    params = {"propertyids": [unit["PropertyId"]], "unitnumber": unit.get("UnitNumber")}
    for lease in _all(client, "/v1/leases", params):
        if lease.get("UnitId") == payload["UnitId"] and lease.get("LeaseFromDate", "")[:10] == payload["LeaseFromDate"]:
            return str(lease["Id"])
    return None


def _current(record: Any, what: str, vendor_id: str) -> dict[str, Any]:
    if record is None:
        from integrations.base import NotFound

        raise NotFound(f"The {what} {vendor_id} no longer exists at Buildium.", status=404)
    return dict(record)


def _pushes_unit(home: Any) -> bool:
    """Buildium holds units only inside rental properties: a home elsewhere in the tree is not pushed."""
    return home.location.kind == "property"


class BuildiumPlugin(Plugin):
    key = "buildium"
    display_name = "Buildium"
    client_class = BuildiumClient
    default_base_url = "https://api.buildium.com"
    rate_limit = RateSpec(10, 1.0)  # "10 concurrent requests per second" per client (Buildium's guide)
    demo_credentials = {
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "webhook_secret": "sandbox-webhook-secret",
    }
    # The sandbox's seeded rentals all draw on bank account 1; without one the demo's property pushes are refused.
    demo_options = {"operating_bank_account_id": 1}
    webhook_events = True
    credential_fields = (
        ConfigField("client_id", "Client ID"),
        ConfigField("client_secret", "Client secret", secret=True),
        ConfigField(
            "webhook_secret",
            "Webhook signing secret",
            secret=True,
            required=False,
            help="Shown once when the webhook subscription is created in Buildium.",
        ),
    )
    config_fields = (
        ConfigField(
            "operating_bank_account_id",
            "Operating bank account id",
            required=False,
            default=None,
            kind="int",
            help="Buildium requires one for every rental property the portal creates.",
        ),
        ConfigField(
            "rent_gl_account_id",
            "Rent GL account id",
            required=False,
            default=None,
            kind="int",
            help="When set, leases the portal creates carry their monthly rent charge.",
        ),
    )

    def streams(self) -> list[Stream]:
        vendor = {"vendor": ["is_active"], "shared": SHARED["properties"]}
        return [
            PullStream(
                "properties",
                "locations.Location",
                _list("/v1/rentals"),
                mapping.map_property,
                mapping.vendor_id,
                fetch_one=lambda c, vid: c.get_rental(vid),
                owned_fields=vendor,
            ),
            PullStream(
                "owners",
                "homes.Person",
                _list("/v1/rentals/owners"),
                mapping.map_owner,
                mapping.vendor_id,
                fetch_one=lambda c, vid: c.get_owner(vid),
            ),
            PullStream(
                "units",
                "homes.Home",
                fetch_units,
                mapping.map_unit,
                mapping.vendor_id,
                depends_on=("properties", "owners"),
                fetch_one=fetch_unit,
                owned_fields={"shared": SHARED["units"]},
            ),
            PullStream(
                "tenants",
                "homes.Person",
                _list("/v1/leases/tenants"),
                mapping.map_tenant,
                mapping.vendor_id,
                fetch_one=lambda c, vid: c.get_tenant(vid),
                match=TENANT_MATCH,
            ),
            PullStream(
                "leases",
                "leases.Lease",
                _list("/v1/leases", s.by_updated_then_id, "LastUpdatedDateTime asc,Id asc"),
                mapping.map_lease,
                mapping.vendor_id,
                depends_on=("units", "tenants"),
                fetch_one=lambda c, vid: c.get_lease(vid),
                updated_at=_updated("LastUpdatedDateTime"),
                owned_fields={"shared": SHARED["leases"]},
                settle={"status": mapping.settle_lease_status},
            ),
            PullStream(
                "files",
                "documents.Document",
                fetch_files,
                lambda raw: mapping.map_file(raw, file_url(mapping.vendor_id(raw))),
                mapping.vendor_id,
                depends_on=("properties", "units", "leases"),
                fetch_one=lambda c, vid: c.get_file(vid),
            ),
            PushStream(
                "properties",
                "locations.Location",
                order=10,
                applies_to=lambda loc: loc.kind == "property",
                to_payload=mapping_out.property_payload,
                validate=validate_property,
                create=create_property,
                update=update_property,
                find=find_property,
                actions=("create", "update"),
            ),
            PushStream(
                "units",
                "homes.Home",
                order=20,
                applies_to=_pushes_unit,
                to_payload=mapping_out.unit_payload,
                validate=lambda p: validation.raise_if(validation.unit_problems(p, post=True)),
                create=create_unit,
                update=update_unit,
                find=find_unit,
                actions=("create", "update"),
            ),
            PushStream(
                "leases",
                "leases.Lease",
                order=30,
                # A lease goes only with its unit: a home outside a property is never pushed, so its lease would
                # wait forever for a unit id that never comes.
                applies_to=lambda lease: lease.status != "draft" and _pushes_unit(lease.home),
                to_payload=mapping_out.lease_payload,
                validate=validate_lease,
                create=create_lease,
                update=update_lease,
                find=find_lease,
                actions=("create", "update"),
            ),
        ]

    def check(self, client: BuildiumClient) -> str:  # type: ignore[override]
        total = client.list_page("/v1/rentals", {"orderby": "Id asc"}, limit=1).total
        return f"Connected to Buildium: {total} rental propert{'y' if total == 1 else 'ies'}."

    def verify_webhook(self, headers: Mapping[str, str], raw_body: bytes, credentials: dict[str, str]) -> bool:
        return webhooks.verify(headers, raw_body, credentials.get("webhook_secret", ""))

    def parse_webhook(self, raw_body: bytes) -> list[WebhookEvent]:
        return webhooks.parse(raw_body)

    def webhook_dedupe_key(self, headers: Mapping[str, str], raw_body: bytes) -> str:
        events = webhooks.parse(raw_body)
        return "|".join(e.dedupe_key for e in events) or super().webhook_dedupe_key(headers, raw_body)

    def sandbox_app(self, **options: Any) -> BuildiumSandbox:  # type: ignore[override]
        return BuildiumSandbox(**options)
