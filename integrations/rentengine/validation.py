"""RentEngine's write rules as AJV-style details, and those details as one readable reason.

The sandbox answers a bad POST with these details; the push streams check the same rules before sending, so a
payload RentEngine would refuse is refused locally with the same words. ``describe`` turns any AJV error body
(the sandbox's or the real vendor's) into the sentence staff read on the run.
"""

from __future__ import annotations

import re
from typing import Any

from integrations.base import Rejected
from integrations.rentengine.types import COUNTRY, PROPERTY_TYPES, STRUCTURE_TYPES, AjvDetail

ADDRESS_KEYS = ("street_number", "street_name", "unit", "zip_code", "state", "country", "city")
ZIP = r"^\d{5}(-\d{4})?$"
STATE = r"^[A-Z]{2}$"
INVALID = "Invalid request parameters"
UNIT_REQUIRED_ON_CREATE = ("address", "property_type", "target_rental_rate", "account_id")
PROPERTY_REQUIRED_ON_CREATE = ("community_name", "building_count", "unit_count", "structure_type", "year_built",
                               "photos", "text_address", "account_id")


def _detail(keyword: str, path: str, message: str, **params: Any) -> AjvDetail:
    return {"keyword": keyword, "dataPath": path, "schemaPath": f"#/{keyword}", "params": params, "message": message}


def required(body: dict[str, Any], names: tuple[str, ...], path: str = "") -> list[AjvDetail]:
    return [_detail("required", path, f"must have required property '{n}'", missingProperty=n)
            for n in names if n not in body]


def _typed(body: dict[str, Any], name: str, kind: str, minimum: float | None = 0, nullable: bool = True) -> list[
        AjvDetail]:
    if name not in body or (body[name] is None and nullable):
        return []
    value = body[name]
    ok = {"string": isinstance(value, str), "integer": isinstance(value, int) and not isinstance(value, bool),
          "number": isinstance(value, int | float) and not isinstance(value, bool),
          "array": isinstance(value, list), "object": isinstance(value, dict)}[kind]
    if not ok:
        return [_detail("type", f".{name}", f"must be {kind}", type=kind)]
    if minimum is not None and kind in ("integer", "number") and value < minimum:
        return [_detail("minimum", f".{name}", f"must be >= {minimum:g}", comparison=">=", limit=minimum)]
    return []


def _enum(body: dict[str, Any], name: str, allowed: tuple[str, ...], path: str = "") -> list[AjvDetail]:
    if name in body and body[name] not in allowed:
        return [_detail("enum", f"{path}.{name}", "must be equal to one of the allowed values",
                        allowedValues=list(allowed))]
    return []


def address_problems(address: Any) -> list[AjvDetail]:
    if not isinstance(address, dict):
        return [_detail("type", ".address", "must be object", type="object")]
    found = required(address, ADDRESS_KEYS, ".address")
    for key in ADDRESS_KEYS:
        if key in address and not isinstance(address[key], str):
            found.append(_detail("type", f".address.{key}", "must be string", type="string"))
    found += _enum(address, "country", (COUNTRY,), ".address")
    for key, pattern in (("zip_code", ZIP), ("state", STATE)):
        if isinstance(address.get(key), str) and not re.match(pattern, address[key]):
            found.append(_detail("pattern", f".address.{key}", f'must match pattern "{pattern}"', pattern=pattern))
    if isinstance(address.get("street_number"), str) and not address["street_number"].strip():
        found.append(_detail("minLength", ".address.street_number", "must NOT have fewer than 1 characters",
                             limit=1))
    return found


def unit_problems(body: dict[str, Any], creating: bool) -> list[AjvDetail]:
    found = required(body, UNIT_REQUIRED_ON_CREATE) if creating else required(body, ("id",))
    if "address" in body:
        found += address_problems(body["address"])
    found += _enum(body, "property_type", PROPERTY_TYPES)
    found += _typed(body, "target_rental_rate", "number", nullable=False)
    for name, kind in (("bedrooms", "integer"), ("bathrooms", "number"), ("sqft", "integer")):
        found += _typed(body, name, kind)
    found += _typed(body, "account_id", "string", None, nullable=False)
    if "structured_access_instructions" in body and not body.get("showing_method"):
        found += required(body, ("showing_method",))
    return found


def property_problems(body: dict[str, Any], creating: bool) -> list[AjvDetail]:
    found = required(body, PROPERTY_REQUIRED_ON_CREATE) if creating else []
    found += _enum(body, "structure_type", STRUCTURE_TYPES)
    for name in ("building_count", "unit_count"):
        found += _typed(body, name, "integer", 1, nullable=False)
    found += _typed(body, "year_built", "integer", 1600, nullable=False)
    found += _typed(body, "photos", "array", None, nullable=False)
    for name in ("community_name", "text_address", "account_id"):
        found += _typed(body, name, "string", None, nullable=False)
        if isinstance(body.get(name), str) and not body[name].strip():
            found.append(_detail("minLength", f".{name}", "must NOT have fewer than 1 characters", limit=1))
    return found


def field_of(detail: dict[str, Any]) -> str:
    """".address.zip_code" / "/address/zip_code" (+ a missing property's name) -> "address.zip_code"."""
    path = str(detail.get("dataPath") or detail.get("instancePath") or "")
    path = path.replace("/", ".").strip(".")
    missing = (detail.get("params") or {}).get("missingProperty") if isinstance(detail.get("params"), dict) else None
    return ".".join(p for p in (path, str(missing) if missing else "") if p)


def describe(error: str, details: list[Any]) -> tuple[str, dict[str, str]]:
    """An AJV error body as (one readable sentence, {field: message})."""
    fields: dict[str, str] = {}
    parts: list[str] = []
    for detail in details:
        if not isinstance(detail, dict):
            continue
        message = str(detail.get("message") or detail.get("keyword") or "is invalid")
        allowed = (detail.get("params") or {}).get("allowedValues") if isinstance(detail.get("params"), dict) else None
        if allowed:
            message += f" ({', '.join(map(str, allowed))})"
        field = field_of(detail)
        fields.setdefault(field or "__all__", message)
        parts.append(f"{field}: {message}" if field else message)
    return (f"{error}: {'; '.join(parts)}" if parts else error), fields


def raise_if(details: list[AjvDetail]) -> None:
    """Refuse locally, before sending, in RentEngine's own words (as the sandbox would answer)."""
    if details:
        message, fields = describe(INVALID, list(details))
        raise Rejected(message, status=400, field_errors=fields)
