"""The sandbox's records: how RentEngine shows them (read shape, webhook row shape) and deterministic seed data.

Stored units keep numbers as numbers and the address as an object. On GET the numbers become strings (as RentEngine
sends them) and the address gains ``formatted_address``; in a webhook the record is the table row, whose ``address``
is the address record's id: such a record cannot be mapped alone, so the portal re-fetches the unit.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from integrations.rentengine.types import COUNTRY, UNIT_PROPERTY_FIELD

STRING_NUMBERS = ("bedrooms", "bathrooms", "sqft", "target_rental_rate")
STREETS = ("Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Lakeview Blvd", "Sunset Way", "Hillcrest Rd", "Elm St")
PLACES = (("Austin", "TX", "787"), ("Tampa", "FL", "336"), ("Denver", "CO", "802"), ("Columbus", "OH", "432"),
          ("Phoenix", "AZ", "850"), ("Raleigh", "NC", "276"))
NAMES = ("Sunset Towers", "Harbor View", "Maple Court", "Riverside Lofts", "Cedar Commons", "Parkside Flats")
STATUSES = ("Available", "Leased", "On Hold", "Incomplete", "Archived")


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_stamp(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def later_than(record: dict[str, Any] | None, now: dt.datetime) -> dt.datetime:
    """``now``, or just after the record's last change (a frozen test clock still orders changes)."""
    before = parse_stamp(record.get("updated_at")) if record else None
    return max(now, before + dt.timedelta(milliseconds=1)) if before else now


def formatted(address: dict[str, Any]) -> str:
    street = " ".join(p for p in (address.get("street_number"), address.get("street_name")) if p)
    if address.get("unit"):
        street += f" #{address['unit']}"
    return f"{street}, {address.get('city')}, {address.get('state')} {address.get('zip_code')}"


def unit_read(unit: dict[str, Any]) -> dict[str, Any]:
    """A unit as ``GET /units`` shows it: numbers as strings, the address object with its formatted line."""
    shown = dict(unit)
    for name in STRING_NUMBERS:
        value = shown.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            shown[name] = f"{value:.2f}" if name == "target_rental_rate" else f"{value:g}"
    if isinstance(shown.get("address"), dict):
        shown["address"] = {**shown["address"], "formatted_address": formatted(shown["address"])}
    return shown


def unit_row(unit: dict[str, Any]) -> dict[str, Any]:
    """A unit as its table row (webhook ``record``): the address is the address record's id."""
    row = dict(unit)
    row["address"] = (unit.get("address") or {}).get("id")
    return row


def new_unit(unit_id: int, body: dict[str, Any], account_id: str, now: dt.datetime) -> dict[str, Any]:
    address = dict(body.get("address") or {})
    address["id"] = 10_000 + unit_id
    return {
        "id": unit_id, "created_at": stamp(now), "updated_at": stamp(now), "address": address,
        "property_type": body.get("property_type"), "bedrooms": body.get("bedrooms"),
        "bathrooms": body.get("bathrooms"), "sqft": body.get("sqft"),
        "target_rental_rate": body.get("target_rental_rate"), "status": body.get("status") or "Incomplete",
        "is_occupied": False, "account_id": account_id, UNIT_PROPERTY_FIELD: body.get(UNIT_PROPERTY_FIELD),
        "showing_method": body.get("showing_method"), "furnished": False, "marketing_photos": [],
    }


def new_property(body: dict[str, Any], now: dt.datetime, rng: random.Random | None = None) -> dict[str, Any]:
    pid = str(uuid.UUID(int=rng.getrandbits(128), version=4)) if rng else str(uuid.uuid4())
    return {
        "id": pid, "community_name": body.get("community_name"), "building_count": body.get("building_count"),
        "unit_count": body.get("unit_count"), "description": body.get("description"),
        "structure_type": body.get("structure_type"), "year_built": body.get("year_built"),
        "photos": body.get("photos") or [], "external_ids": body.get("external_ids") or {},
        "text_address": body.get("text_address"), "account_id": body.get("account_id"), "deleted": False,
        "created_at": stamp(now), "updated_at": stamp(now),
    }


def seed_records(n: int, start: int, account_id: str, now: dt.datetime, rng: random.Random
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``n`` units; one multifamily property per ten, nine units of ten in one (the tenth is a single-family home)."""
    properties, units = [], []
    for p in range((n + 9) // 10):
        city, state, zip3 = PLACES[p % len(PLACES)]
        body = {"community_name": f"{NAMES[p % len(NAMES)]} {p + 1}", "building_count": 1 + p % 3,
                "unit_count": 10 + p, "structure_type": ("Mid Rise", "High Rise", "Garden Style")[p % 3],
                "year_built": 1980 + p % 40, "account_id": account_id,
                "text_address": f"{100 + p} {STREETS[p % len(STREETS)]}, {city}, {state} {zip3}{10 + p % 90:02d}"}
        properties.append(new_property(body, now - dt.timedelta(days=30, minutes=p), rng))
    for i in range(n):
        unit_id = start + i
        prop = properties[i // 10] if i % 10 != 9 else None
        city, state, zip3 = PLACES[(i // 10) % len(PLACES)]
        street_number = str(100 + i // 10) if prop else str(2000 + i)
        address = {"street_number": street_number, "street_name": STREETS[(i // 10) % len(STREETS)],
                   "unit": str(100 + i % 10) if prop else "", "zip_code": f"{zip3}{10 + (i // 10) % 90:02d}",
                   "state": state, "country": COUNTRY, "city": city}
        body = {"address": address, "property_type": "MULTI-FAMILY" if prop else "SINGLE FAMILY RESIDENCE",
                "bedrooms": rng.randint(0, 4), "bathrooms": rng.choice((1, 1.5, 2, 2.5)),
                "sqft": rng.randrange(450, 2400, 25), "target_rental_rate": float(rng.randrange(900, 3200, 25)),
                "status": STATUSES[i % len(STATUSES)], UNIT_PROPERTY_FIELD: prop["id"] if prop else None}
        units.append(new_unit(unit_id, body, account_id, now - dt.timedelta(days=20, minutes=i)))
    return properties, units
