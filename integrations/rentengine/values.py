"""Pure converters between RentEngine's values and the portal's: numbers sent as strings, timestamps, addresses.

Every function either returns a value the portal field accepts or raises MappingError naming the field and the
value, so the engine can report the record and land the rest of its page.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from integrations.base import MappingError

US_STATES: dict[str, str] = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA", "COLORADO": "CO",
    "CONNECTICUT": "CT", "DELAWARE": "DE", "DISTRICT OF COLUMBIA": "DC", "FLORIDA": "FL", "GEORGIA": "GA",
    "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL", "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS", "KENTUCKY": "KY",
    "LOUISIANA": "LA", "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA", "MICHIGAN": "MI", "MINNESOTA": "MN",
    "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT", "NEBRASKA": "NE", "NEVADA": "NV", "NEW HAMPSHIRE": "NH",
    "NEW JERSEY": "NJ", "NEW MEXICO": "NM", "NEW YORK": "NY", "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND",
    "OHIO": "OH", "OKLAHOMA": "OK", "OREGON": "OR", "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI",
    "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD", "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT",
    "VIRGINIA": "VA", "WASHINGTON": "WA", "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY",
    "PUERTO RICO": "PR", "GUAM": "GU", "VIRGIN ISLANDS": "VI",
}
US_NAMES = frozenset({"UNITED STATES", "UNITED STATES OF AMERICA", "US", "USA", "U.S.", "U.S.A."})
_STATE_ZIP = re.compile(r"^([A-Za-z]{2})\s+(\d{5}(?:-\d{4})?)$")
_HOUSE_NUMBER = re.compile(r"^(\d[\w/-]*)\s+(.+)$")
MAX_MONEY = Decimal("9999999999.99")  # Home.market_rent: 12 digits, 2 places


def number(value: Any, field: str) -> Decimal | None:
    """A RentEngine number: a string on read ("1,450.00", "$1450" accepted), a number on write; null/"" = unknown."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise MappingError(f"{field} {value!r} is not a number")
    text = str(value).strip().replace(",", "").removeprefix("$")
    try:
        parsed = Decimal(text)
    except InvalidOperation:
        raise MappingError(f"{field} {value!r} is not a number") from None
    if not parsed.is_finite():
        raise MappingError(f"{field} {value!r} is not a finite number")
    return parsed


def whole(value: Any, field: str, maximum: int) -> int | None:
    """A count (bedrooms, square feet): "2" and "2.0" are 2; "2.5", negatives and values over ``maximum`` fail."""
    parsed = number(value, field)
    if parsed is None:
        return None
    if parsed != parsed.to_integral_value():
        raise MappingError(f"{field} {value!r} is not a whole number")
    if not 0 <= parsed <= maximum:
        raise MappingError(f"{field} {value!r} is outside 0..{maximum}")
    return int(parsed)


def decimal(value: Any, field: str, places: int, maximum: Decimal) -> Decimal | None:
    """A non-negative amount with at most ``places`` decimals (more would be a silent rounding: refused)."""
    parsed = number(value, field)
    if parsed is None:
        return None
    if parsed < 0 or parsed > maximum:
        raise MappingError(f"{field} {value!r} is outside 0..{maximum}")
    quantum = Decimal(1).scaleb(-places)
    if parsed != parsed.quantize(quantum):
        raise MappingError(f"{field} {value!r} has more than {places} decimal place(s)")
    return parsed.quantize(quantum)


def money(value: Any, field: str) -> Decimal | None:
    return decimal(value, field, 2, MAX_MONEY)


def timestamp(value: Any) -> dt.datetime | None:
    """RentEngine's ISO 8601 times ("2023-01-16T14:30:00Z", with or without fraction/offset), as aware UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def text(value: Any, field: str, max_length: int) -> str:
    """A string column: null -> "", trimmed; longer than the portal's column is refused, not cut."""
    if value is None:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise MappingError(f"{field} {value!r} is not text")
    result = str(value).strip()
    if len(result) > max_length:
        raise MappingError(f"{field} is {len(result)} characters long (the portal keeps at most {max_length})")
    return result


def state_code(value: Any, field: str) -> str:
    """A US state as its two-letter code ("CA", "ca", "California")."""
    name = text(value, field, 60).upper()
    if len(name) == 2 and name.isalpha():
        return name
    if name in US_STATES:
        return US_STATES[name]
    raise MappingError(f"{field} {value!r} is not a US state")


def is_us(value: Any) -> bool:
    return value is None or (isinstance(value, str) and (not value.strip() or value.strip().upper() in US_NAMES))


def parse_text_address(value: Any) -> dict[str, str]:
    """"123 Main St, San Francisco, CA 94111" -> line 1, city, state, postal code. Text that does not have that
    shape is kept whole as line 1 (nothing guessed)."""
    full = text(value, "text_address", 500)
    parts = [p.strip() for p in full.split(",") if p.strip()]
    if parts and len(parts) >= 4 and parts[-1].upper() in US_NAMES:
        parts = parts[:-1]
    match = _STATE_ZIP.match(parts[-1]) if len(parts) >= 3 else None
    if match is None or match.group(1).upper() not in set(US_STATES.values()):
        return {"address_line1": full, "city": "", "state": "", "postal_code": ""}
    return {
        "address_line1": ", ".join(parts[:-2]),
        "city": parts[-2],
        "state": match.group(1).upper(),
        "postal_code": match.group(2),
    }


def compose_text_address(line1: str, line2: str, city: str, state: str, postal_code: str) -> str:
    """The portal's address parts as RentEngine's one-line ``text_address``."""
    street = ", ".join(p for p in (line1.strip(), line2.strip()) if p)
    tail = " ".join(p for p in (state.strip(), postal_code.strip()) if p)
    return ", ".join(p for p in (street, city.strip(), tail) if p)


def split_street(line1: str) -> tuple[str, str]:
    """"123 Main St" -> ("123", "Main St"); a line with no leading house number -> ("", line)."""
    match = _HOUSE_NUMBER.match(line1.strip())
    return (match.group(1), match.group(2).strip()) if match else ("", line1.strip())
