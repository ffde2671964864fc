"""What Buildium requires of the messages we write, as (key, message, status) problems.

One module serves both sides: the plug-in checks a payload before sending it (a push fails fast with the words
Buildium would use), and the sandbox answers 400/422 from the same rules. Keys are Buildium's field paths
("Address.PostalCode"), as in ApiErrorResponse.Errors. Missing or mistyped fields are 400; rule breaks are 422.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from integrations.buildium import geo
from integrations.buildium.types import (
    FILE_ENTITY_TYPES,
    LEASE_TYPES_WRITABLE,
    RENTAL_SUB_TYPES,
    UNIT_BATHROOMS,
    UNIT_BEDROOMS,
)
from integrations.errors import Rejected

Problem = tuple[str, str, int]
USER_MESSAGE = "One or more fields are invalid."


def _required(body: dict[str, Any], key: str, kind: type | tuple[type, ...], prefix: str = "") -> list[Problem]:
    value = body.get(key)
    name = f"{prefix}{key}"
    if value is None or (isinstance(value, str) and not value.strip()):
        return [(name, f"The {key} field is required.", 400)]
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        return [(name, f"The value for {key} is not valid.", 400)]
    return []


def _typed(body: dict[str, Any], kinds: dict[str, type | tuple[type, ...]], prefix: str = "") -> list[Problem]:
    """Optional fields given a value of another JSON type (an object for a list, a flag for an amount): 400."""
    problems = []
    for key, kind in kinds.items():
        value = body.get(key)
        if value is not None and ((isinstance(value, bool) and kind is not bool) or not isinstance(value, kind)):
            problems.append((f"{prefix}{key}", f"The value for {key} is not valid.", 400))
    return problems


def _max_length(body: dict[str, Any], key: str, limit: int, prefix: str = "") -> list[Problem]:
    value = body.get(key)
    if isinstance(value, str) and len(value) > limit:
        return [(f"{prefix}{key}", f"The {key} cannot exceed {limit} characters.", 422)]
    return []


def _enum(body: dict[str, Any], key: str, allowed: tuple[str, ...], prefix: str = "") -> list[Problem]:
    value = body.get(key)
    if value is not None and value not in allowed:
        return [(f"{prefix}{key}", f"The value '{value}' is not a valid {key}.", 400)]
    return []


def _date(body: dict[str, Any], key: str) -> tuple[dt.date | None, list[Problem]]:
    value = body.get(key)
    if value is None:
        return None, []
    try:
        return dt.date.fromisoformat(str(value)[:10]), []
    except ValueError:
        return None, [(key, f"The value '{value}' is not a valid date for {key} (YYYY-MM-DD).", 400)]


def address_problems(body: Any, prefix: str = "Address.") -> list[Problem]:
    if not isinstance(body, dict):
        return [(prefix.rstrip("."), f"The {prefix.rstrip('.')} field is required.", 400)]
    problems = _required(body, "AddressLine1", str, prefix) + _required(body, "PostalCode", str, prefix)
    problems += _required(body, "Country", str, prefix) or _enum(
        body, "Country", tuple(geo.COUNTRY_TO_ISO) + tuple(geo.COUNTRIES_WITHOUT_ISO), prefix
    )
    for key in ("AddressLine1", "AddressLine2", "AddressLine3", "City"):
        problems += _max_length(body, key, 100, prefix)
    state, country = body.get("State"), geo.COUNTRY_TO_ISO.get(body.get("Country") or "")
    if country in ("US", "CA") and (not isinstance(state, str) or geo.region_code(state, country) is None):
        kind = "state" if country == "US" else "Canadian province"
        problems.append((f"{prefix}State", f"The State must be a valid {kind} name or abbreviation.", 422))
    return problems


def property_problems(body: dict[str, Any]) -> list[Problem]:
    problems = _required(body, "Name", str) + _max_length(body, "Name", 127) + address_problems(body.get("Address"))
    problems += _required(body, "OperatingBankAccountId", int)
    problems += _typed(body, {"StructureDescription": str, "RentalOwnerIds": list, "PropertyManagerId": int,
                              "Reserve": (int, float), "Units": list})
    problems += _required(body, "RentalSubType", str) or _enum(body, "RentalSubType", RENTAL_SUB_TYPES)
    year = body.get("YearBuilt")
    if year is not None and (not isinstance(year, int) or not 1000 <= year <= dt.date.today().year):
        problems.append(
            ("YearBuilt", "The YearBuilt must be a four digit year between 1000 and the current year.", 422)
        )
    if isinstance(body.get("Units"), list) and len(body["Units"]) > 100:
        problems.append(("Units", "The number of units cannot exceed 100.", 422))
    return problems


def unit_problems(body: dict[str, Any], *, post: bool) -> list[Problem]:
    problems = _required(body, "PropertyId", int) if post else []
    problems += _required(body, "UnitNumber", str) + _max_length(body, "UnitNumber", 30)
    problems += address_problems(body.get("Address")) + _max_length(body, "Description", 65535)
    problems += _typed(body, {"Description": str})
    problems += _enum(body, "UnitBedrooms", UNIT_BEDROOMS) + _enum(body, "UnitBathrooms", UNIT_BATHROOMS)
    for key in ("UnitSize", "MarketRent"):
        value = body.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float) or value < 0):
            problems.append(
                (key, f"The value for {key} is not valid.", 400 if not isinstance(value, int | float) else 422)
            )
    return problems


def lease_problems(body: dict[str, Any], *, post: bool) -> list[Problem]:
    problems = _required(body, "LeaseType", str) or _enum(body, "LeaseType", LEASE_TYPES_WRITABLE)
    problems += _required(body, "UnitId", int) + _required(body, "LeaseFromDate", str)
    problems += _required(body, "SendWelcomeEmail", bool) if post else _required(body, "IsEvictionPending", bool)
    start, bad_start = _date(body, "LeaseFromDate")
    end, bad_end = _date(body, "LeaseToDate")
    problems += bad_start + bad_end
    problems += _typed(body, {"LeaseToDate": str, "Tenants": list, "TenantIds": list, "ApplicantIds": list,
                              "Rent": dict, "SecurityDeposit": dict, "AutomaticallyMoveOutTenants": bool})
    if body.get("LeaseType") in ("Fixed", "FixedWithRollover") and body.get("LeaseToDate") is None:
        problems.append(
            ("LeaseToDate", "The LeaseToDate field is required for Fixed and FixedWithRollover leases.", 422)
        )
    if start and end and end < start:
        problems.append(("LeaseToDate", "The LeaseToDate must be on or after the LeaseFromDate.", 422))
    if post:
        for key in ("Tenants", "TenantIds", "ApplicantIds"):
            if isinstance(body.get(key), list) and len(body[key]) > 5:
                problems.append((key, f"The {key} list cannot exceed five tenants.", 422))
        for i, tenant in enumerate(body["Tenants"] if isinstance(body.get("Tenants"), list) else []):
            tenant = tenant if isinstance(tenant, dict) else {}
            prefix = f"Tenants[{i}]."
            problems += _required(tenant, "FirstName", str, prefix) + _required(tenant, "LastName", str, prefix)
            problems += address_problems(tenant.get("Address"), f"{prefix}Address.")
        problems += _money_block(body.get("SecurityDeposit"), "SecurityDeposit", ("DueDate", "Amount"))
        rent = body.get("Rent")
        if isinstance(rent, dict):
            problems += _required(rent, "Cycle", str, "Rent.") + _typed(rent, {"Charges": list}, "Rent.")
            charges = rent.get("Charges") if isinstance(rent.get("Charges"), list) else None
            for i, charge in enumerate(charges or [{}]):
                problems += _money_block(charge, f"Rent.Charges[{i}]", ("Amount", "GlAccountId", "NextDueDate"))
    return problems


def _money_block(block: Any, name: str, keys: tuple[str, ...]) -> list[Problem]:
    if block is None:
        return []
    block = block if isinstance(block, dict) else {}
    kinds = {"Amount": (int, float), "GlAccountId": int, "DueDate": str, "NextDueDate": str}
    return [p for key in keys for p in _required(block, key, kinds[key], f"{name}.")]


def upload_problems(body: dict[str, Any]) -> list[Problem]:
    problems = _required(body, "EntityType", str) or _enum(body, "EntityType", FILE_ENTITY_TYPES[1:])
    problems += _required(body, "FileName", str) + _max_length(body, "FileName", 255)
    problems += _required(body, "Title", str) + _max_length(body, "Title", 255)
    problems += _required(body, "CategoryId", int) + _max_length(body, "Description", 1000)
    return problems


def error_body(problems: list[Problem]) -> tuple[int, dict[str, Any]]:
    """The status and ApiErrorResponse Buildium answers for these problems (400 wins over 422)."""
    status = 400 if any(p[2] == 400 for p in problems) else 422
    code = "BadRequest" if status == 400 else "ValidationFailed"
    return status, {
        "UserMessage": USER_MESSAGE,
        "ErrorCode": code,
        "Errors": [{"Key": key, "Value": message} for key, message, _ in problems],
    }


def describe(user_message: str | None, errors: list[tuple[str, str]]) -> str:
    """One line for the run log and the staff: "UserMessage (Key: Value; Key: Value)"."""
    detail = "; ".join(f"{k}: {v}" if k else v for k, v in errors)
    base = user_message or "Buildium refused the request."
    return f"{base} ({detail})" if detail else base


def raise_if(problems: list[Problem]) -> None:
    """Refuse a payload locally exactly as Buildium would (message, code and field errors)."""
    if not problems:
        return
    status, body = error_body(problems)
    pairs = [(e["Key"], e["Value"]) for e in body["Errors"]]
    raise Rejected(
        describe(body["UserMessage"], pairs), status=status, vendor_code=body["ErrorCode"], field_errors=dict(pairs)
    )
