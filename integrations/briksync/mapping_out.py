"""Portal records -> BrikSync request bodies (push). Pure apart from reading the record's related rows and
``refs`` (the vendor ids of its parents in this connection; ``refs.require`` waits for a parent not sent yet).

Bodies carry only fields BrikSync documents, in snake_case (the client renames them when a connection uses
camelCase). Numbers are JSON numbers. Choices are in README.md ("Mapping").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from integrations.base import RefResolver

HOME_STATUS_TO_UNIT = {"active": "available", "pending": "reserved", "inactive": "inactive"}
CATEGORY_TO_TYPE = {
    "lease": "Lease", "inspection": "Inspection report", "maintenance": "Maintenance invoice",
    "insurance": "Insurance", "identity": "ID verification", "income": "Income proof",
}  # warranty, plan and other are "Other"
STATUS_FIELDS = {"status"}  # sent through the lease status endpoint, never in a lease body
LEASE_TERMS = ("tenant_id", "property_id", "unit_id", "start_date", "end_date", "monthly_rent", "rent_due_day",
               "security_deposit")


def _number(value: Decimal | int | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if isinstance(value, int) or value == value.to_integral_value() else float(value)


def property_payload(loc: Any, refs: RefResolver) -> dict[str, Any]:
    """A property Location. ``archived`` is not a field: the plug-in archives or restores to match it."""
    return {
        "name": loc.name,
        "address_line1": loc.address_line1,
        "address_line2": loc.address_line2 or None,
        "city": loc.city,
        "state": loc.state,
        "postal_code": loc.postal_code,
        "country": loc.country or "US",
        "total_units": max(1, min(10_000, loc.homes.count())),
        "archived": not loc.is_active,
    }


def unit_payload(home: Any, refs: RefResolver) -> dict[str, Any]:
    """A home under a property. Its status is sent when the unit is created; BrikSync keeps it after that."""
    return {
        "property_id": refs.require(home.location),
        "unit_number": home.unit_number,
        "bedrooms": home.bedrooms,
        "bathrooms": _number(home.bathrooms),
        "size_sq_ft": home.size_sqft,
        "base_rent": _number(home.market_rent),
        "status": HOME_STATUS_TO_UNIT.get(home.status, "available"),
    }


def tenant_payload(person: Any, refs: RefResolver) -> dict[str, Any]:
    return {"first_name": person.first_name, "last_name": person.last_name, "email": person.email or None,
            "phone": person.phone or None}


def primary_tenant(lease: Any) -> Any:
    """The lease's primary tenant (BrikSync leases name one tenant); co-tenants stay in the portal."""
    links = list(lease.lease_tenants.select_related("person").order_by("id"))
    primary = next((link for link in links if link.role == "primary"), links[0] if links else None)
    return primary.person if primary is not None else None


def lease_payload(lease: Any, refs: RefResolver) -> dict[str, Any]:
    tenant = primary_tenant(lease)
    return {
        "tenant_id": refs.require(tenant) if tenant is not None else None,
        "property_id": refs.require(lease.home.location),
        "unit_id": refs.require(lease.home),
        "start_date": lease.start_date.isoformat(),
        "end_date": lease.end_date.isoformat() if lease.end_date else None,
        "monthly_rent": _number(lease.rent),
        "rent_due_day": lease.due_day,
        "security_deposit": _number(lease.deposit),
        "status": lease.status,
    }


def lease_body(payload: dict[str, Any]) -> dict[str, Any]:
    """The POST /leases body: the payload without its status (statuses move through the status endpoint)."""
    return {k: v for k, v in payload.items() if k not in STATUS_FIELDS}


def document_target(doc: Any) -> Any:
    """The property (Location) a document belongs under at BrikSync, or None when it has none."""
    if doc.location_id:
        return doc.location if doc.location.kind == "property" else None
    home = doc.home or (doc.lease.home if doc.lease_id else None)
    return home.location if home is not None and home.location.kind == "property" else None


def document_payload(doc: Any, refs: RefResolver) -> dict[str, Any]:
    """Form fields of the multipart upload, plus the stored file's name, type and size (read by the plug-in)."""
    home = doc.home or (doc.lease.home if doc.lease_id else None)
    return {
        "fields": {
            "name": doc.title,
            "type": CATEGORY_TO_TYPE.get(doc.category, "Other"),
            "property_id": refs.require(document_target(doc)),
            "unit_id": refs.require(home) if home is not None else None,
            "lease_id": refs.require(doc.lease) if doc.lease_id else None,
        },
        "file": doc.file.name,
        "file_name": (doc.original_name or doc.title)[:255],
        "mime_type": doc.content_type,
        "size": doc.size,
    }
