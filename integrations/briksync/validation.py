"""What BrikSync refuses, checked before sending (pure), in BrikSync's words.

Each ``*_problems`` returns [(field, message)]; ``raise_if`` turns them into the Rejected a VALIDATION_ERROR from
BrikSync would have raised, so staff read the same reason either way. The lease lifecycle uses BrikSync's own
messages ("Invalid status transition: {from} -> {to}", "Lease is already in this status."). The sandbox enforces
the same rules separately (sandbox_rules.py) and a test sends the same bodies to both.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Mapping
from typing import Any

from integrations.base import Rejected
from integrations.briksync import reasons
from integrations.briksync.types import (
    DOCUMENT_MAX_BYTES,
    DOCUMENT_MIME_TYPES,
    DOCUMENT_NAME_MAX,
    DOCUMENT_TYPES,
    UNIT_STATUSES,
    WRITABLE_PROPERTY_TYPES,
)

Problems = list[tuple[str, str]]
# BrikSync's lease lifecycle ([gap]: the rules are enforced but not published; this reading matches the portal's
# and is replaced per connection by the lease_transitions option).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("active",),
    "active": ("renewed", "ended", "terminated"),
    "renewed": ("ended", "terminated"),
    "ended": (),
    "terminated": (),
}
ALREADY = "Lease is already in this status."
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def raise_if(problems: Problems) -> None:
    """Refuse like BrikSync would: a VALIDATION_ERROR naming every field, nothing sent."""
    if not problems:
        return
    details = dict(problems)
    message, code, fields = reasons.explain(400, {"data": None, "error": problems[0][1], "code": "VALIDATION_ERROR",
                                                  "details": details})
    raise Rejected(message, status=400, vendor_code=code, field_errors=fields)


def transition_problem(current: str, target: str, table: Mapping[str, Any] | None = None) -> str | None:
    """BrikSync's words for a status change it refuses, or None when the change is allowed."""
    if current == target:
        return ALREADY
    if target not in (table or TRANSITIONS).get(current, ()):
        return f"Invalid status transition: {current} -> {target}"
    return None


def transition_path(current: str, target: str, table: Mapping[str, Any] | None = None) -> list[str] | None:
    """The statuses to step through from ``current`` to ``target`` (a new lease starts as a draft)."""
    table = table or TRANSITIONS
    seen, queue = {current}, deque([(current, [])])
    while queue:
        status, path = queue.popleft()
        if status == target:
            return path
        for nxt in table.get(status, ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, [*path, nxt]))
    return None


def _text(body: Mapping[str, Any], field: str, low: int, high: int, problems: Problems) -> None:
    value = body.get(field)
    if low and (value is None or not str(value).strip()):
        problems.append((field, f"{field} is required"))
    elif value is not None and not low <= len(str(value)) <= high:
        problems.append((field, f"{field} must be {low}–{high} characters"))


def _number(body: Mapping[str, Any], field: str, low: float, high: float | None, problems: Problems,
            required: bool = False, whole: bool = False, above: bool = False) -> None:
    value = body.get(field)
    if value is None:
        if required:
            problems.append((field, f"{field} is required"))
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append((field, f"{field} must be a number"))
    elif whole and value != int(value):
        problems.append((field, f"{field} must be a whole number"))
    elif (value <= low if above else value < low) or (high is not None and value > high):
        bound = f"greater than {low:g}" if above else f"at least {low:g}"
        problems.append((field, f"{field} must be {bound}" + (f" and at most {high:g}" if high is not None else "")))


def _date(body: Mapping[str, Any], field: str, problems: Problems) -> dt.date | None:
    value = body.get(field)
    if not value:
        problems.append((field, f"{field} is required (YYYY-MM-DD)"))
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append((field, f"{field} must be a date as YYYY-MM-DD"))
        return None


def property_problems(body: Mapping[str, Any]) -> Problems:
    problems: Problems = []
    _text(body, "name", 1, 200, problems)
    _number(body, "total_units", 1, 10_000, problems, whole=True)
    if body.get("property_type") is not None and body["property_type"] not in WRITABLE_PROPERTY_TYPES:
        problems.append(("property_type", f"property_type must be one of {', '.join(WRITABLE_PROPERTY_TYPES)}"))
    _text(body, "description", 0, 2000, problems)
    return problems


def unit_problems(body: Mapping[str, Any], creating: bool = True) -> Problems:
    problems: Problems = []
    if creating or "property_id" in body:
        _text(body, "property_id", 1, 100, problems)
    if creating or "unit_number" in body:
        _text(body, "unit_number", 1, 20, problems)
    _number(body, "floor", -10, 200, problems, whole=True)
    _number(body, "bedrooms", 0, None, problems, whole=True)
    for field in ("bathrooms", "size_sq_ft", "base_rent", "deposit_amount"):
        _number(body, field, 0, None, problems, whole=field == "size_sq_ft")
    if body.get("status") is not None and body["status"] not in UNIT_STATUSES:
        problems.append(("status", f"status must be one of {', '.join(UNIT_STATUSES)}"))
    return problems


def tenant_problems(body: Mapping[str, Any]) -> Problems:
    problems: Problems = []
    _text(body, "first_name", 1, 100, problems)
    _text(body, "last_name", 1, 100, problems)
    email = body.get("email")
    if email and not EMAIL.match(str(email)):
        problems.append(("email", "email must be a valid email address"))
    return problems


def lease_problems(body: Mapping[str, Any], table: Mapping[str, Any] | None = None) -> Problems:
    """A new lease (POST /leases) and the status walk that follows it from draft."""
    problems: Problems = []
    for field in ("tenant_id", "property_id", "unit_id"):
        _text(body, field, 1, 100, problems)
    start, end = _date(body, "start_date", problems), _date(body, "end_date", problems)
    if start and end and end < start:
        problems.append(("end_date", "end_date must be on or after start_date"))
    _number(body, "monthly_rent", 0, None, problems, required=True, above=True)
    _number(body, "rent_due_day", 1, 28, problems, required=True, whole=True)
    _number(body, "security_deposit", 0, None, problems, required=True)
    status = body.get("status") or "draft"
    if status != "draft" and transition_path("draft", status, table) is None:
        problems.append(("status", f"Invalid status transition: draft -> {status}"))
    return problems


def document_problems(fields: Mapping[str, Any], size: int, mime: str) -> Problems:
    problems: Problems = []
    _text(fields, "name", 1, DOCUMENT_NAME_MAX, problems)
    if fields.get("type") not in DOCUMENT_TYPES:
        problems.append(("type", f"type must be one of {', '.join(DOCUMENT_TYPES)}"))
    if not fields.get("property_id") and not fields.get("tenant_id"):
        problems.append(("property_id", "property_id or tenant_id is required"))
    if mime not in DOCUMENT_MIME_TYPES:
        problems.append(("file", "file must be a PDF, JPEG, PNG or WebP"))
    if size <= 0:
        problems.append(("file", "file is empty"))
    elif size > DOCUMENT_MAX_BYTES:
        problems.append(("file", "file must be 20 MB or smaller"))
    return problems
