"""The sandbox's BrikSync rules: what its API refuses and with which words. Written apart from the plug-in's
local checks (validation.py) on purpose: a test sends the same bodies to both and expects the same answers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

PROPERTY_TYPES = ("residential", "commercial", "industrial", "mixed_use")  # "land" is deprecated: not accepted
UNIT_STATUSES = ("available", "occupied", "maintenance", "reserved", "inactive")
LEASE_FLOW = {"draft": {"active"}, "active": {"renewed", "ended", "terminated"}, "renewed": {"ended", "terminated"},
              "ended": set(), "terminated": set()}
DOCUMENT_TYPES = ("Lease", "Inspection report", "Maintenance invoice", "Insurance", "ID verification",
                  "Income proof", "Other")
MAX_UPLOAD = 20 * 1024 * 1024
ROLES = ("tenant", "broker", "property_manager", "landlord", "admin")  # lowest first


class Invalid(Exception):
    """A VALIDATION_ERROR: ``str(exc)`` is BrikSync's error text, ``details`` its field messages."""

    def __init__(self, details: dict[str, str]) -> None:
        super().__init__(next(iter(details.values())))
        self.details = details


def _check(problems: dict[str, str]) -> None:
    if problems:
        raise Invalid(problems)


def _length(body: dict[str, Any], field: str, low: int, high: int, out: dict[str, str]) -> None:
    value = body.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if low:
            out[field] = f"{field} is required"
    elif not isinstance(value, str) or not low <= len(value) <= high:
        out[field] = f"{field} must be {low}–{high} characters"


def _num(body: dict[str, Any], field: str, out: dict[str, str], low: float, high: float | None = None,
         whole: bool = False, required: bool = False, strictly: bool = False) -> None:
    value = body.get(field)
    if value is None:
        if required:
            out[field] = f"{field} is required"
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        out[field] = f"{field} must be a number"
    elif whole and value != int(value):
        out[field] = f"{field} must be a whole number"
    elif (value <= low if strictly else value < low) or (high is not None and value > high):
        bound = f"greater than {low:g}" if strictly else f"at least {low:g}"
        out[field] = f"{field} must be {bound}" + (f" and at most {high:g}" if high is not None else "")


def check_property(body: dict[str, Any]) -> None:
    out: dict[str, str] = {}
    _length(body, "name", 1, 200, out)
    _num(body, "total_units", out, 1, 10_000, whole=True)
    if body.get("property_type") is not None and body["property_type"] not in PROPERTY_TYPES:
        out["property_type"] = f"property_type must be one of {', '.join(PROPERTY_TYPES)}"
    _length(body, "description", 0, 2000, out)
    _check(out)


def check_unit(body: dict[str, Any]) -> None:
    out: dict[str, str] = {}
    _length(body, "property_id", 1, 100, out)
    _length(body, "unit_number", 1, 20, out)
    _num(body, "floor", out, -10, 200, whole=True)
    _num(body, "bedrooms", out, 0, whole=True)
    for field in ("bathrooms", "size_sq_ft", "base_rent", "deposit_amount"):
        _num(body, field, out, 0, whole=field == "size_sq_ft")
    if body.get("status") is not None and body["status"] not in UNIT_STATUSES:
        out["status"] = f"status must be one of {', '.join(UNIT_STATUSES)}"
    _check(out)


def check_tenant(body: dict[str, Any]) -> None:
    out: dict[str, str] = {}
    _length(body, "first_name", 1, 100, out)
    _length(body, "last_name", 1, 100, out)
    if body.get("email") and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", str(body["email"])):
        out["email"] = "email must be a valid email address"
    _check(out)


def _day(body: dict[str, Any], field: str, out: dict[str, str]) -> dt.date | None:
    value = body.get(field)
    if not value:
        out[field] = f"{field} is required (YYYY-MM-DD)"
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        out[field] = f"{field} must be a date as YYYY-MM-DD"
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        out[field] = f"{field} must be a date as YYYY-MM-DD"
        return None


def check_lease(body: dict[str, Any]) -> None:
    out: dict[str, str] = {}
    for field in ("tenant_id", "property_id", "unit_id"):
        _length(body, field, 1, 100, out)
    start, end = _day(body, "start_date", out), _day(body, "end_date", out)
    if start and end and end < start:
        out["end_date"] = "end_date must be on or after start_date"
    _num(body, "monthly_rent", out, 0, required=True, strictly=True)
    _num(body, "rent_due_day", out, 1, 28, whole=True, required=True)
    _num(body, "security_deposit", out, 0, required=True)
    _check(out)


def check_transition(current: str, target: str) -> None:
    if target not in LEASE_FLOW:
        raise Invalid({"status": f"status must be one of {', '.join(LEASE_FLOW)}"})
    if current == target:
        raise Invalid({"status": "Lease is already in this status."})
    if target not in LEASE_FLOW.get(current, set()):
        raise Invalid({"status": f"Invalid status transition: {current} -> {target}"})


def sniff(content: bytes) -> str | None:
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_document(fields: dict[str, Any], content: bytes | None) -> str:
    """The upload's form fields and bytes; returns the file's type."""
    out: dict[str, str] = {}
    _length(fields, "name", 1, 200, out)
    if fields.get("type") not in DOCUMENT_TYPES:
        out["type"] = f"type must be one of {', '.join(DOCUMENT_TYPES)}"
    if not fields.get("property_id") and not fields.get("tenant_id"):
        out["property_id"] = "property_id or tenant_id is required"
    mime = sniff(content or b"")
    if content is None:
        out["file"] = "file is required"
    elif mime is None:
        out["file"] = "file must be a PDF, JPEG, PNG or WebP"
    elif not content:
        out["file"] = "file is empty"
    elif len(content) > MAX_UPLOAD:
        out["file"] = "file must be 20 MB or smaller"
    _check(out)
    return mime or ""


def role_at_least(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed) if role in ROLES else False
