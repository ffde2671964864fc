"""Reading BrikSync's values (pure): ids, text, money, counts, dates, timestamps, codes. Each raises MappingError
with the field's name, so a staff member reading the sync log knows which value of which record was wrong."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from integrations.base import MappingError

MONEY_MAX = Decimal("9999999999.99")  # the portal's money columns: 12 digits, 2 decimals
COUNTRY_NAMES = {"USA": "US", "UNITED STATES": "US", "UNITED STATES OF AMERICA": "US", "US": "US"}


def ident(value: Any, field: str, required: bool = True) -> str | None:
    """BrikSync ids are strings (UUIDs); integers are read too. Blank is no id."""
    if isinstance(value, bool) or (value is not None and not isinstance(value, str | int)):
        raise MappingError(f"{field} {value!r} is not an id")
    text = str(value).strip() if value is not None else ""
    if not text:
        if required:
            raise MappingError(f"the record has no {field}")
        return None
    if len(text) > 100:
        raise MappingError(f"{field} is longer than 100 characters")
    return text


def text(value: Any, field: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise MappingError(f"{field} {value!r} is not text")
    result = str(value).strip()
    if len(result) > limit:
        raise MappingError(f"{field} is {len(result)} characters; the portal keeps at most {limit}")
    return result


def money(value: Any, field: str) -> Decimal | None:
    """Amounts come as JSON numbers or numeric strings ([gap]); both are read exactly (no float rounding)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise MappingError(f"{field} {value!r} is not an amount")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise MappingError(f"{field} {value!r} is not an amount") from None
    if not amount.is_finite():
        raise MappingError(f"{field} {value!r} is not an amount")
    if amount < 0:
        raise MappingError(f"{field} {value} is negative")
    if amount > MONEY_MAX:
        raise MappingError(f"{field} {value} is larger than the portal keeps ({MONEY_MAX})")
    return amount.quantize(Decimal("0.01"))


def number(value: Any, field: str, low: float, high: float, places: int = 0) -> Any:
    """A whole number (places=0) or a decimal with ``places`` places, within [low, high]; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise MappingError(f"{field} {value!r} is not a number")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise MappingError(f"{field} {value!r} is not a number") from None
    if not amount.is_finite() or not Decimal(str(low)) <= amount <= Decimal(str(high)):
        raise MappingError(f"{field} {value} is outside {low:g}..{high:g}")
    if places == 0:
        if amount != amount.to_integral_value():
            raise MappingError(f"{field} {value} is not a whole number")
        return int(amount)
    return amount.quantize(Decimal(1).scaleb(-places))


def date(value: Any, field: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise MappingError(f"{field} {value!r} is not a date")
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise MappingError(f"{field} {value!r} is not a YYYY-MM-DD date") from None


def timestamp(value: Any) -> dt.datetime | None:
    """``updated_at`` as an aware datetime; an unreadable one is no timestamp (it only feeds the watermark)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def state(value: Any, field: str) -> str:
    """The portal keeps two-letter state codes; anything else is refused with the value shown."""
    result = text(value, field, 100).upper()
    if result and (len(result) != 2 or not result.isalpha()):
        raise MappingError(f"{field} {value!r} is not a two-letter state code")
    return result


def country(value: Any, field: str) -> str:
    """ISO 3166 alpha-2; "USA" / "United States" are read as US; blank is the portal's default, US."""
    result = text(value, field, 100).upper()
    if not result:
        return "US"
    result = COUNTRY_NAMES.get(result, result)
    if len(result) != 2 or not result.isalpha():
        raise MappingError(f"{field} {value!r} is not a two-letter country code")
    return result
