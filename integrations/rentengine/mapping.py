"""Pure pull mapping: RentEngine records -> portal fields (no I/O, no settings).

Multifamily property -> Location of kind property at the top of the tree. Unit -> Home under its multifamily
property, or, for a unit filed under none, under the connection's default location when one is set (the pull adds
its id to the record as DEFAULT_LOCATION_KEY); otherwise the unit is refused with the reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from integrations.base import Mapped, MappingError, Ref
from integrations.rentengine import values as v
from integrations.rentengine.types import UNIT_PROPERTY_FIELD

DEFAULT_LOCATION_KEY = "_lintel_default_location_id"  # added by the pull (client config), never sent by RentEngine
SINGLE_FAMILY_TYPES = frozenset({"SINGLE FAMILY RESIDENCE", "TOWNHOUSE"})
MULTI_FAMILY_TYPES = frozenset({"DUPLEX", "TRIPLEX", "MULTI-FAMILY", "CONDO", "ROOM", "ADU"})
# RentEngine's listing workflow status -> the portal's home status (written when the home is created only).
STATUSES: dict[str, str] = {
    "Available": "active", "Leased": "active", "On Hold": "active",
    "Archived": "inactive", "Expired": "inactive", "Withdrawn": "inactive",
    "Incomplete": "pending", "Under Review": "pending", "Price Analysis": "pending", "Withdrawal Requested": "pending",
}
# The fields of a unit record the mapping reads: a webhook record lacking any of them is re-fetched whole.
UNIT_FIELDS = ("id", "updated_at", "address", "property_type", "bedrooms", "bathrooms", "sqft", "target_rental_rate",
               "status", UNIT_PROPERTY_FIELD)
PROPERTY_FIELDS = ("id", "updated_at", "community_name", "text_address")
MAX_BATHROOMS = Decimal("999.9")  # Home.bathrooms: 4 digits, 1 place


def vendor_id(raw: dict[str, Any]) -> str:
    value = raw.get("id") if isinstance(raw, dict) else None
    if value is None or isinstance(value, bool) or str(value).strip() == "":
        raise MappingError("a record without an id")
    return str(value).strip()


def updated_at(raw: dict[str, Any]) -> dt.datetime | None:
    return v.timestamp(raw.get("updated_at"))


def map_property(raw: dict[str, Any]) -> Mapped:
    name = v.text(raw.get("community_name"), "community_name", 200)
    if not name:
        raise MappingError("community_name is empty: a property needs a name")
    fields: dict[str, Any] = {"kind": "property", "name": name, "address_line2": "", "country": "US"}
    fields.update(v.parse_text_address(raw.get("text_address")))
    if len(fields["address_line1"]) > 200:
        raise MappingError(f"text_address is {len(fields['address_line1'])} characters long (at most 200 kept)")
    return Mapped(fields)


def unit_address(address: Any) -> dict[str, str]:
    """The unit's address object -> the home's address fields. An address given only by its record id cannot be
    mapped (RentEngine does not say where to read it): the unit is refused with that reason."""
    if isinstance(address, int | str):  # (a bool is an int too: refused the same way)
        raise MappingError(f"address is a reference ({address!r}), not the address itself")
    if not isinstance(address, dict):
        raise MappingError("the unit has no address")
    if not v.is_us(address.get("country")):
        raise MappingError(f"address.country {address.get('country')!r} is not the United States")
    formatted = v.parse_text_address(address["formatted_address"]) if address.get("formatted_address") else {}
    number = v.text(address.get("street_number"), "address.street_number", 40)
    street = v.text(address.get("street_name"), "address.street_name", 160)
    line1 = f"{number} {street}".strip() or formatted.get("address_line1", "")
    city = v.text(address.get("city"), "address.city", 100) or formatted.get("city", "")
    state = address.get("state") or formatted.get("state")
    postal = v.text(address.get("zip_code"), "address.zip_code", 10) or formatted.get("postal_code", "")
    missing = [name for name, value in (("street", line1), ("city", city), ("state", state), ("zip_code", postal))
               if not value]
    if missing:
        raise MappingError(f"the unit's address has no {', '.join(missing)}")
    if len(line1) > 200:
        raise MappingError(f"the street address is {len(line1)} characters long (at most 200 kept)")
    return {"address_line1": line1, "address_line2": "", "city": city, "state": v.state_code(state, "address.state"),
            "postal_code": postal, "country": "US", "unit_number": v.text(address.get("unit"), "address.unit", 20)}


def home_type(property_type: Any, in_multifamily: bool) -> str:
    kind = property_type.strip().upper() if isinstance(property_type, str) else ""
    if kind in SINGLE_FAMILY_TYPES:
        return "single_family"
    if kind in MULTI_FAMILY_TYPES:
        return "multi_family"
    return "multi_family" if in_multifamily else "single_family"  # unknown or missing type: where it stands says


def map_unit(raw: dict[str, Any]) -> Mapped:
    property_id = raw.get(UNIT_PROPERTY_FIELD)
    property_id = str(property_id).strip() if property_id not in (None, "") else ""
    if property_id:
        parent = Ref("properties", property_id)
    elif raw.get(DEFAULT_LOCATION_KEY):
        parent = Ref.portal("locations.Location", raw[DEFAULT_LOCATION_KEY])
    else:
        raise MappingError("the unit belongs to no multifamily property and the connection has no default location "
                           "for such units (set one in the connection's options)")
    fields: dict[str, Any] = unit_address(raw.get("address"))
    fields.update({
        "home_type": home_type(raw.get("property_type"), bool(property_id)),
        "bedrooms": v.whole(raw.get("bedrooms"), "bedrooms", 50),
        "bathrooms": v.decimal(raw.get("bathrooms"), "bathrooms", 1, MAX_BATHROOMS),
        "size_sqft": v.whole(raw.get("sqft"), "sqft", 1_000_000),
        "market_rent": v.money(raw.get("target_rental_rate"), "target_rental_rate"),
        "status": STATUSES.get(str(raw.get("status") or "").strip(), "pending"),
    })
    return Mapped(fields, parents={"location": parent})


def has_fields(record: Any, names: tuple[str, ...]) -> bool:
    """Does a webhook record carry everything the mapping reads (RentEngine may send only some fields)?"""
    return isinstance(record, dict) and all(name in record for name in names)
