"""Push payloads (portal -> RentEngine) and the upsert-by-POST calls that send them.

A payload holds what we send plus a few private keys (``_...``, never sent) the create/update steps need: the
location's id and whether the home's multifamily property still has to reach RentEngine. Numbers are numbers on
write (RentEngine sends them back as strings); unknown values (None) are left out rather than sent as null, so an
empty portal field never erases RentEngine's value.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from integrations.base import DependencyPending, NotFound, Rejected
from integrations.rentengine import validation
from integrations.rentengine import values as v
from integrations.rentengine.client import RentEngineClient
from integrations.rentengine.types import COUNTRY, UNIT_PROPERTY_FIELD

PROPERTY_TYPE = {"single_family": "SINGLE FAMILY RESIDENCE", "multi_family": "MULTI-FAMILY"}
EXTERNAL_ID_KEY = "lintel"  # our key in a multifamily property's external_ids (finds a create whose answer was lost)
READ_ONLY = ("created_at", "updated_at", "deleted")
MAX_FIND_PAGES = 200


def _number(value: Decimal | int | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if isinstance(value, int) or value == value.to_integral_value() else float(value)


def sendable(payload: dict[str, Any]) -> dict[str, Any]:
    """What goes over the wire: no private keys, no unknown (None) values."""
    return {k: val for k, val in payload.items() if not k.startswith("_") and val is not None}


def _is_default_location(client: RentEngineClient, payload: dict[str, Any]) -> bool:
    default = client.config.get("default_location_id")
    return default not in (None, "") and str(default) == str(payload.get("_location_id"))


def _account(client: RentEngineClient, what: str) -> str:
    account = client.config.get("account_id")
    if not account:
        raise Rejected(f"RentEngine requires account_id to create a {what}: set the connection's option "
                       "“RentEngine account id”.", status=400, field_errors={"account_id": "is required"})
    return str(account)


# --- multifamily properties --------------------------------------------------------------------------------------
def property_payload(location: Any, refs: Any) -> dict[str, Any]:
    return {
        "community_name": location.name,
        "text_address": v.compose_text_address(location.address_line1, location.address_line2, location.city,
                                               location.state, location.postal_code),
        "_unit_count": max(1, location.homes.count()),  # sent on create only (RentEngine requires it there)
        "_location_id": location.pk,
    }


def validate_property(payload: dict[str, Any]) -> None:
    validation.raise_if(validation.property_problems(sendable(payload), creating=False))


def create_property(client: RentEngineClient, payload: dict[str, Any]) -> str:
    if _is_default_location(client, payload):
        raise Rejected("This location is the connection's default location for units without a multifamily "
                       "property; it is not sent to RentEngine.", status=400)
    year = client.config.get("default_year_built")
    if not year:
        raise Rejected("RentEngine requires year_built to create a multifamily property: set the connection's "
                       "option “Year built of new multifamily properties”.", status=400,
                       field_errors={"year_built": "is required"})
    body = {
        **sendable(payload), "account_id": _account(client, "multifamily property"), "year_built": int(year),
        "unit_count": payload["_unit_count"], "building_count": int(client.config.get("default_building_count") or 1),
        "structure_type": client.config.get("default_structure_type") or "Garden Style", "photos": [],
        "external_ids": {EXTERNAL_ID_KEY: f"location-{payload['_location_id']}"},
    }
    validation.raise_if(validation.property_problems(body, creating=True))
    return str(client.upsert_property(body)["id"])


def update_property(client: RentEngineClient, vendor_id: str, payload: dict[str, Any]) -> None:
    body = {**sendable(payload), "id": vendor_id}
    if client.config.get("property_update", "merge") == "merge":
        # [gap] Whether an update POST replaces the whole record is not published: send it whole, ours on top.
        current = client.get_property(vendor_id)
        if current is None:
            raise NotFound(f"The multifamily property {vendor_id} no longer exists at RentEngine.", status=404)
        body = {**{k: val for k, val in current.items() if k not in READ_ONLY}, **body}
    validation.raise_if(validation.property_problems(body, creating=False))
    client.upsert_property(body)


def find_property(client: RentEngineClient, payload: dict[str, Any]) -> str | None:
    """After a lost answer to a create: the property carrying our external id, if RentEngine made it."""
    wanted = f"location-{payload['_location_id']}"
    for page_number in range(MAX_FIND_PAGES):
        page = client.list_properties(page_number)
        for record in page:
            if (record.get("external_ids") or {}).get(EXTERNAL_ID_KEY) == wanted:
                return str(record["id"])
        if len(page) < client.page_size:
            return None
    return None


# --- units -----------------------------------------------------------------------------------------------------
def unit_payload(home: Any, refs: Any) -> dict[str, Any]:
    number, street = v.split_street(home.address_line1)
    location = home.location
    link = refs.vendor_id(location) if location.kind == "property" else None
    return {
        "address": {"street_number": number, "street_name": street, "unit": home.unit_number,
                    "zip_code": home.postal_code, "state": home.state,
                    "country": COUNTRY if home.country == "US" else home.country, "city": home.city},
        "property_type": PROPERTY_TYPE.get(home.home_type, "SINGLE FAMILY RESIDENCE"),
        "bedrooms": home.bedrooms,
        "bathrooms": _number(home.bathrooms),
        "sqft": home.size_sqft,
        "target_rental_rate": _number(home.market_rent),
        UNIT_PROPERTY_FIELD: link,
        "_location_id": location.pk,
        "_property_pending": location.kind == "property" and link is None,
        "_location_name": location.name,
    }


def validate_unit(payload: dict[str, Any]) -> None:
    validation.raise_if(validation.unit_problems({**sendable(payload), "id": 0}, creating=False))


def _check_property(client: RentEngineClient, payload: dict[str, Any]) -> None:
    if payload.get("_property_pending") and not _is_default_location(client, payload):
        raise DependencyPending(f"the multifamily property “{payload.get('_location_name')}” has not reached "
                                "RentEngine yet")


def create_unit(client: RentEngineClient, payload: dict[str, Any]) -> str:
    _check_property(client, payload)
    body = {**sendable(payload), "account_id": _account(client, "unit")}
    validation.raise_if(validation.unit_problems(body, creating=True))
    return str(client.upsert_unit(body)["id"])


def update_unit(client: RentEngineClient, vendor_id: str, payload: dict[str, Any]) -> None:
    _check_property(client, payload)
    # property_type is RentEngine's finer kind (CONDO, ADU, ...): the portal's two kinds only set it on create.
    body = {k: val for k, val in sendable(payload).items() if k != "property_type"}
    body["id"] = int(vendor_id) if vendor_id.isdigit() else vendor_id
    validation.raise_if(validation.unit_problems(body, creating=False))
    client.upsert_unit(body)


def find_unit(client: RentEngineClient, payload: dict[str, Any]) -> str | None:
    """After a lost answer to a create: the unit at this street address and unit number, if RentEngine made it.
    [gap] Units carry no external id of ours, so the address is the only key."""
    want = payload["address"]
    keys = ("street_number", "street_name", "unit", "zip_code")
    for page_number in range(MAX_FIND_PAGES):
        page = client.list_units(page_number)
        for record in page:
            have = record.get("address")
            if isinstance(have, dict) and all(
                str(have.get(k) or "").strip().lower() == str(want.get(k) or "").strip().lower() for k in keys
            ):
                return str(record["id"])
        if len(page) < client.page_size:
            return None
    return None
