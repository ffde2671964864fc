"""The published field rules of the address, site and building APIs (required fields, lengths, enums, formats).

Pure. The plug-in checks every body before sending (nothing is sent that BuildingMinds would answer 400 to) and
the sandbox answers 400 with the same words for what it receives: one statement of the published rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from integrations.buildingminds.types import BUILDING_EVENTS, ISO_ALPHA2, LIMITS, SITE_EVENTS, SITE_TYPES

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
REQUIRED: dict[str, tuple[str, ...]] = {
    "address": ("addressId", "city", "country"),
    "site": ("siteId", "name", "addressIds", "type", "validFrom"),
    "building": ("buildingId", "addressIds", "siteIds"),
}
ID_LISTS = {"site": ("addressIds",), "building": ("addressIds", "siteIds")}


def problems(entity: str, body: Any) -> dict[str, str]:
    """Every published rule the body breaks, by field (empty: the vendor will take it)."""
    if not isinstance(body, Mapping):
        return {"body": f"A {entity} must be a JSON object"}
    found: dict[str, str] = {}
    for name in REQUIRED[entity]:
        value = body.get(name)
        if value is None or (isinstance(value, str | list) and not value):
            found[name] = f"'{name}' is required"
    for name, limit in LIMITS.items():
        value = body.get(name)
        if value is not None and name not in found:
            if not isinstance(value, str):
                found[name] = f"'{name}' must be a string"
            elif len(value) > limit:
                found[name] = f"'{name}' must be at most {limit} characters (it has {len(value)})"
    for name in ID_LISTS.get(entity, ()):
        value = body.get(name)
        if name not in found and (not isinstance(value, list) or not all(isinstance(v, str) and v for v in value)):
            found[name] = f"'{name}' must be a list of ids"
    _check_values(entity, body, found)
    return found


def _check_values(entity: str, body: Mapping[str, Any], found: dict[str, str]) -> None:
    country = body.get("country")
    if entity == "address" and "country" not in found and country not in ISO_ALPHA2:
        found["country"] = f"'country' must be an ISO 3166-1 alpha-2 code, not {country!r}"
    if entity == "site":
        if "type" not in found and body.get("type") not in SITE_TYPES:
            found["type"] = f"'type' must be one of {', '.join(SITE_TYPES)}"
        for name in ("validFrom", "validUntil"):
            value = body.get(name)
            if name not in found and value is not None and not (isinstance(value, str) and TIMESTAMP.match(value)):
                found[name] = f"'{name}' must be a date-time like 2024-01-01T00:00:00Z, not {value!r}"
        if body.get("eventType") is not None and body["eventType"] not in SITE_EVENTS:
            found["eventType"] = f"'eventType' must be one of {', '.join(SITE_EVENTS)}"
        if "extensionData" in body and not isinstance(body["extensionData"], dict | list):
            found["extensionData"] = "'extensionData' must be JSON (an object or a list)"
    if entity == "building":
        if body.get("eventType") is not None and body["eventType"] not in BUILDING_EVENTS:
            found["eventType"] = f"'eventType' must be one of {', '.join(BUILDING_EVENTS)}"
        stations = body.get("electricVehicleChargingStations")
        if stations is not None and (not isinstance(stations, int) or not 0 <= stations <= 9999):
            found["electricVehicleChargingStations"] = "'electricVehicleChargingStations' must be 0 to 9999"
        year = body.get("constructionYear")
        if year is not None and not (isinstance(year, str) and TIMESTAMP.match(year)):
            found["constructionYear"] = "'constructionYear' must be a date-time like 1990-01-01T00:00:00Z"


def message(entity: str, found: Mapping[str, str]) -> str:
    """The 400 message: what the vendor answers and what a local refusal says."""
    return f"Validation failed for {entity}: " + "; ".join(found.values())
