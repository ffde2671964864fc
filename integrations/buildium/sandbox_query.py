"""List queries of the Buildium sandbox: paging (limit/offset), orderby, and the filters each list documents.

Field names in ``orderby`` are case-insensitive but must be properties of the returned message (Buildium's guide:
"any property from the returned object"), so ``LastUpdatedDateTime`` sorts leases and is refused for rentals.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from werkzeug.datastructures import MultiDict

Record = dict[str, Any]
UTC_PARAM = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
DATE_PARAM = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class QueryError(Exception):
    def __init__(self, status: int, key: str, message: str) -> None:
        super().__init__(message)
        self.status, self.key, self.message = status, key, message


def paging(args: MultiDict) -> tuple[int, int]:
    """(offset, limit). Wrong-case names are a 404 at Buildium; limit > 1000 becomes 1000; default 50."""
    for name in args:
        if name.lower() in ("limit", "offset") and name not in ("limit", "offset"):
            raise QueryError(404, name, f"The parameter {name} is not recognized (parameter names are case-sensitive).")
    try:
        offset = int(args.get("offset", 0))
        limit = int(args.get("limit", 50))
    except ValueError as exc:
        raise QueryError(400, "limit", "The limit and offset must be whole numbers.") from exc
    if offset < 0:
        raise QueryError(400, "offset", "The offset must be zero or greater.")
    if limit < 1:
        raise QueryError(400, "limit", "The limit must be between 1 and 1000.")
    return offset, min(limit, 1000)


def utc_bound(args: MultiDict, name: str) -> dt.datetime | None:
    value = args.get(name)
    if value is None:
        return None
    if not UTC_PARAM.match(value):
        raise QueryError(400, name, f"The {name} must be in UTC and formatted as YYYY-MM-DDTHH:MM:SSZ.")
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def date_bound(args: MultiDict, name: str) -> dt.date | None:
    value = args.get(name)
    if value is None:
        return None
    if not DATE_PARAM.match(value):
        raise QueryError(400, name, f"The {name} must be formatted as YYYY-MM-DD.")
    return dt.date.fromisoformat(value)


def int_list(args: MultiDict, name: str) -> set[int] | None:
    values = [v for raw in args.getlist(name) for v in raw.split(",") if v.strip()]
    if not values:
        return None
    try:
        return {int(v) for v in values}
    except ValueError as exc:
        raise QueryError(400, name, f"The {name} must be a list of integers.") from exc


def str_list(args: MultiDict, name: str, allowed: tuple[str, ...]) -> set[str] | None:
    values = [v for raw in args.getlist(name) for v in raw.split(",") if v.strip()]
    bad = [v for v in values if v not in allowed]
    if bad:
        raise QueryError(400, name, f"The value '{bad[0]}' is not valid for {name}.")
    return set(values) or None


def order_keys(orderby: str | None, fields: tuple[str, ...]) -> list[tuple[str, bool]]:
    """Parse "Field [asc|desc],Field2 ..." against the message's fields -> [(Field, descending)]."""
    if not orderby:
        return [("Id", False)]
    by_lower = {f.lower(): f for f in fields}
    keys: list[tuple[str, bool]] = []
    for part in orderby.split(","):
        words = part.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise QueryError(400, "orderby", f"The orderby value '{part.strip()}' is not valid.")
        field = by_lower.get(words[0].lower())
        if field is None:
            raise QueryError(400, "orderby", f"The orderby field '{words[0]}' is not a property of the result.")
        keys.append((field, len(words) == 2 and words[1].lower() == "desc"))
    return keys


def sort(rows: list[Record], keys: list[tuple[str, bool]], value: Callable[[Record, str], Any]) -> list[Record]:
    """Stable multi-key sort; nulls sort first ascending, like SQL Server."""
    for field, descending in reversed(keys):
        rows.sort(key=lambda r, f=field: (value(r, f) is not None, _comparable(value(r, f))), reverse=descending)
    return rows


def _comparable(value: Any) -> Any:
    if value is None:
        return 0
    if isinstance(value, bool | int | float):
        return (0, value, "")
    return (1, 0, str(value).lower())


def in_window(stamp: dt.datetime, low: dt.datetime | None, high: dt.datetime | None) -> bool:
    """``lastupdatedfrom`` / ``lastupdatedto`` are "on or after" / "on or before", at whole seconds."""
    second = stamp.replace(microsecond=0)
    return (low is None or second >= low) and (high is None or second <= high)
