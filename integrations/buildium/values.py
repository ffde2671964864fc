"""Small pure converters for Buildium values: text, money, dates, enums, addresses, phones, e-mails.

Each raises MappingError with a reason a member of staff can act on ("UnitSize -5 is negative") rather than
letting an odd vendor value reach the database, where one bad row would fail a whole page's bulk write.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from integrations.buildium import geo
from integrations.errors import MappingError

# Portal money columns are DECIMAL(12, 2): anything at or above this does not fit.
MONEY_LIMIT = Decimal("10000000000")
POSTAL_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z \-]{1,9}$")  # the portal's postal code rule
_TENTHS = Decimal("0.01")


def text(raw: Any, field: str, max_length: int) -> str:
    """A vendor string (None -> ""), stripped; longer than the portal column -> MappingError."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise MappingError(f"{field} is {type(raw).__name__}, not text")
    value = raw.strip()
    if len(value) > max_length:
        raise MappingError(f"{field} is {len(value)} characters long; the portal keeps at most {max_length}")
    return value


def money(raw: Any, field: str) -> Decimal | None:
    """A Buildium double -> Decimal with cents; None stays None. Negative, NaN or too large -> MappingError."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise MappingError(f"{field} is {type(raw).__name__}, not a number")
    try:
        value = Decimal(str(raw))
    except InvalidOperation as exc:
        raise MappingError(f"{field} {raw!r} is not a number") from exc
    if not value.is_finite():
        raise MappingError(f"{field} {raw!r} is not a finite amount")
    if value < 0:
        raise MappingError(f"{field} {raw} is negative")
    # Compare before rounding: quantizing a huge double (1e308) to cents overflows the decimal context.
    if value >= MONEY_LIMIT or value.quantize(_TENTHS) >= MONEY_LIMIT:
        raise MappingError(f"{field} {raw} is larger than the portal can hold (under {MONEY_LIMIT:,})")
    return value.quantize(_TENTHS)


def integer(raw: Any, field: str, low: int, high: int) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise MappingError(f"{field} {raw!r} is not a whole number")
    if not low <= raw <= high:
        raise MappingError(f"{field} {raw} is outside {low}..{high}")
    return raw


def date(raw: Any, field: str) -> dt.date | None:
    """Buildium ``format: date`` (YYYY-MM-DD; a time part, which some payloads carry, is ignored)."""
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise MappingError(f"{field} {raw!r} is not a date")
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError as exc:
        raise MappingError(f"{field} {raw!r} is not a YYYY-MM-DD date") from exc


def timestamp(raw: Any) -> dt.datetime | None:
    """Buildium date-times ("2022-05-10T15:12:46.2317653Z": up to 7 fractional digits, Z or no zone = UTC)."""
    if not isinstance(raw, str) or not raw:
        return None
    match = re.match(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$", raw.strip())
    if not match:
        return None
    day, clock, fraction, zone = match.groups()
    micro = (fraction or "0")[:6].ljust(6, "0")
    try:
        parsed = dt.datetime.fromisoformat(f"{day}T{clock}.{micro}{'' if zone in (None, 'Z') else zone}")
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def enum(raw: Any, field: str, table: dict[str, Any]) -> Any:
    """Look an enum value up; an unknown value (Buildium adds values over time) -> MappingError naming it."""
    if raw is None:
        return table.get(None)
    if not isinstance(raw, str) or raw not in table:
        raise MappingError(f"{field} {raw!r} is not a value this plug-in knows ({', '.join(k for k in table if k)})")
    return table[raw]


def email(raw: Any, field: str) -> str:
    value = text(raw, field, 254).lower()
    if value:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise MappingError(f"{field} {value!r} is not an e-mail address") from exc
    return value


# Which of a person's numbers the portal shows first: mobile, then home, personal, office, other. Never a fax.
_PHONE_ORDER = {"Cell": 0, "Home": 1, "Personal": 2, "Office": 3, "Other": 4, "NotSet": 5}


def phones(raw: Any) -> tuple[str, str]:
    """(phone, alternate_phone) from PhoneNumberMessage[] (unknown types rank last; faxes are skipped)."""
    if not isinstance(raw, list):
        return "", ""
    ranked = sorted(
        (p for p in raw if isinstance(p, dict) and p.get("Type") != "Fax" and isinstance(p.get("Number"), str)),
        key=lambda p: _PHONE_ORDER.get(p.get("Type"), 9),
    )
    numbers: list[str] = []
    for entry in ranked:
        number = text(entry["Number"], "PhoneNumbers.Number", 30)
        if number and number not in numbers:
            numbers.append(number)
    numbers += ["", ""]
    return numbers[0], numbers[1]


def address(raw: Any, *, complete: bool) -> dict[str, str]:
    """AddressMessage -> the portal's address fields. ``complete``: a home needs street, city, state and ZIP."""
    raw = raw if isinstance(raw, dict) else {}
    country_name = raw.get("Country") or "UnitedStates"
    if country_name not in geo.COUNTRY_TO_ISO:
        why = "has no ISO country code" if country_name in geo.COUNTRIES_WITHOUT_ISO else "is not a known country"
        raise MappingError(f"Address.Country {country_name!r} {why}")
    country = geo.COUNTRY_TO_ISO[country_name]
    line2 = ", ".join(
        v.strip() for v in (raw.get("AddressLine2"), raw.get("AddressLine3")) if isinstance(v, str) and v.strip()
    )
    fields = {
        "address_line1": text(raw.get("AddressLine1"), "Address.AddressLine1", 200),
        "address_line2": text(line2, "Address.AddressLine2", 200),
        "city": text(raw.get("City"), "Address.City", 100),
        "state": "",
        "postal_code": text(raw.get("PostalCode"), "Address.PostalCode", 10),
        "country": country,
    }
    state = text(raw.get("State"), "Address.State", 100)
    if state:
        code = geo.region_code(state, country)
        if code is None and (complete or country in ("US", "CA")):
            raise MappingError(f"Address.State {state!r} is not a state or province the portal knows")
        fields["state"] = code or ""
    if fields["postal_code"] and not POSTAL_CODE.match(fields["postal_code"]):
        raise MappingError(f"Address.PostalCode {fields['postal_code']!r} is not a valid postal code")
    if complete:
        missing = [name for name in ("address_line1", "city", "state", "postal_code") if not fields[name]]
        if missing:
            raise MappingError(f"the address has no {', '.join(missing)} (a home needs a full address)")
    return fields
