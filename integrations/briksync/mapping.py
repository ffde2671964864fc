"""BrikSync records -> portal fields (pull). Pure: a record in, a Mapped (or MappingError) out.

Keys starting with "_" are added by the plug-in's page fetchers, never by BrikSync: a unit's property (units carry
no address of their own) and a document's fetcher (its bytes sit behind a signed URL). The reverse direction
(portal -> BrikSync payloads) is in mapping_out.py; the choices are explained in README.md ("Mapping").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from integrations.base import Mapped, MappingError, Ref, RemoteFile
from integrations.briksync import values as v

PROPERTY_KEY = "_property"  # the unit's property record (address, total_units), added by the units fetcher
FETCH_KEY = "_fetch"  # a document's download function, added by the documents fetcher

# Unit status -> home status: the portal has no "occupied" or "under maintenance"; such a home is still active.
UNIT_STATUS: dict[str, str] = {"available": "active", "occupied": "active", "maintenance": "active",
                               "reserved": "pending", "inactive": "inactive"}
LEASE_STATUS: dict[str, str] = {s: s for s in ("draft", "active", "renewed", "ended", "terminated")}
DOCUMENT_CATEGORY: dict[str, str] = {
    "Lease": "lease", "Inspection report": "inspection", "Maintenance invoice": "maintenance",
    "Insurance": "insurance", "ID verification": "identity", "Income proof": "income", "Other": "other",
}


def vendor_id(raw: dict[str, Any]) -> str:
    return v.ident(raw.get("id"), "id")  # type: ignore[return-value]


def _address(raw: dict[str, Any], where: str) -> dict[str, Any]:
    return {
        "address_line1": v.text(raw.get("address_line1"), f"{where}address_line1", 200),
        "address_line2": v.text(raw.get("address_line2"), f"{where}address_line2", 200),
        "city": v.text(raw.get("city"), f"{where}city", 100),
        "state": v.state(raw.get("state"), f"{where}state"),
        "postal_code": v.text(raw.get("postal_code"), f"{where}postal_code", 10),
        "country": v.country(raw.get("country"), f"{where}country"),
    }


def map_property(raw: dict[str, Any]) -> Mapped:
    """A property -> a Location of kind property at the top of the tree; archived -> inactive."""
    vendor_id(raw)
    name = v.text(raw.get("name"), "name", 200)
    if not name:
        raise MappingError("the property has no name")
    return Mapped({"kind": "property", "name": name, **_address(raw, ""), "is_active": raw.get("archived") is not True})


def map_unit(raw: dict[str, Any]) -> Mapped:
    """A unit -> a Home under its property, at the property's address (units carry none of their own)."""
    vendor_id(raw)
    property_id = v.ident(raw.get("property_id"), "property_id")
    prop = raw.get(PROPERTY_KEY)
    if not isinstance(prop, dict):
        raise MappingError(f"the unit's property {property_id} is not listed by BrikSync")
    status = raw.get("status") or "available"
    if status not in UNIT_STATUS:
        raise MappingError(f"unit status {status!r} is not one of {', '.join(UNIT_STATUS)}")
    total = prop.get("total_units") if prop.get("total_units") is not None else prop.get("unit_count")
    fields = {
        **_address(prop, "property "),
        "unit_number": v.text(raw.get("unit_number"), "unit_number", 20),
        # A property of one unit is a single-family home; more units make each one part of a multi-family.
        "home_type": "single_family" if total == 1 else "multi_family",
        "bedrooms": v.number(raw.get("bedrooms"), "bedrooms", 0, 50),
        "bathrooms": v.number(raw.get("bathrooms"), "bathrooms", 0, 999.9, places=1),
        "size_sqft": v.number(raw.get("size_sq_ft"), "size_sq_ft", 0, 1_000_000),
        "market_rent": v.money(raw.get("base_rent"), "base_rent"),
        "status": UNIT_STATUS[status],
    }
    return Mapped(fields, parents={"location": Ref("properties", property_id)})  # type: ignore[arg-type]


def map_tenant(raw: dict[str, Any]) -> Mapped:
    """A tenant -> a Person (emergency contacts and references stay at BrikSync)."""
    vendor_id(raw)
    first = v.text(raw.get("first_name"), "first_name", 100)
    last = v.text(raw.get("last_name"), "last_name", 100)
    if not first and not last:
        raise MappingError("the tenant has no first_name or last_name")
    if not first or not last:
        raise MappingError(f"the tenant has no {'first_name' if not first else 'last_name'} (the portal needs both)")
    return Mapped({
        "first_name": first,
        "last_name": last,
        "email": v.text(raw.get("email"), "email", 254).lower(),
        "phone": v.text(raw.get("phone"), "phone", 30),
    })


def map_lease(raw: dict[str, Any]) -> Mapped:
    """A lease -> a Lease on its unit's home with its one tenant (BrikSync leases name a single tenant)."""
    vendor_id(raw)
    start = v.date(raw.get("start_date"), "start_date")
    if start is None:
        raise MappingError("the lease has no start_date")
    end = v.date(raw.get("end_date"), "end_date")
    if end is not None and end < start:
        raise MappingError(f"end_date {end} is before start_date {start}")
    status = raw.get("status")
    if status not in LEASE_STATUS:
        raise MappingError(f"lease status {status!r} is not one of {', '.join(LEASE_STATUS)} (map others with the "
                           f"lease_status_map option)")
    rent = v.money(raw.get("monthly_rent"), "monthly_rent")
    if rent is None:
        raise MappingError("the lease has no monthly_rent")
    fields = {
        # BrikSync requires an end date; a lease without one (older data) runs at will.
        "lease_type": "fixed" if end else "at_will",
        "status": LEASE_STATUS[status],
        "start_date": start,
        "end_date": end,
        "rent": rent,
        "deposit": v.money(raw.get("security_deposit"), "security_deposit") or Decimal("0.00"),
        "due_day": v.number(raw.get("rent_due_day"), "rent_due_day", 1, 31) or 1,
    }
    tenant = v.ident(raw.get("tenant_id"), "tenant_id", required=False)
    return Mapped(
        fields,
        parents={"home": Ref("units", v.ident(raw.get("unit_id"), "unit_id"))},  # type: ignore[arg-type]
        links={"tenants": [Ref("tenants", tenant)] if tenant else []},
    )


def document_target(raw: dict[str, Any]) -> tuple[str, Ref] | None:
    """Where a document lands: its lease, else its unit's home, else its property; None for tenant-only ones."""
    for field, stream, fk in (("lease_id", "leases", "lease"), ("unit_id", "units", "home"),
                              ("property_id", "properties", "location")):
        found = v.ident(raw.get(field), field, required=False)
        if found:
            return fk, Ref(stream, found)
    return None


def map_document(raw: dict[str, Any]) -> Mapped:
    """A document -> a Document with the file's bytes (fetched by the engine through the signed URL)."""
    doc_id = vendor_id(raw)
    target = document_target(raw)
    if target is None:
        raise MappingError("a tenant-level document has no home, lease or property in the portal")
    title = v.text(raw.get("name"), "name", 200)
    if not title:
        raise MappingError("the document has no name")
    kind = raw.get("type") or "Other"
    if kind not in DOCUMENT_CATEGORY:
        raise MappingError(f"document type {kind!r} is not one of {', '.join(DOCUMENT_CATEGORY)}")
    file_name = v.text(raw.get("file_name"), "file_name", 255) or title
    size = v.number(raw.get("size_bytes"), "size_bytes", 0, 10**12)
    # Documents are never edited at BrikSync (upload, download, delete): the id and size name the content.
    version = f"{doc_id}:{size if size is not None else ''}:{raw.get('created_at') or ''}"
    fetch = raw.get(FETCH_KEY)
    return Mapped(
        {"title": title, "category": DOCUMENT_CATEGORY[kind], "original_name": file_name, "external_url": "",
         "file": RemoteFile(version=version, name=file_name, fetch=fetch if callable(fetch) else None)},
        parents={target[0]: target[1]},
    )
