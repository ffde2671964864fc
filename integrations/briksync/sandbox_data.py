"""Generated BrikSync records for the sandbox: a deterministic portfolio of properties, units, tenants, leases and
documents (with tiny real PDF/PNG bytes), as BrikSync would list them."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from typing import Any

STREETS = ("Maple Ave", "Oak St", "Cedar Ln", "Lakeview Dr", "Harbor Blvd", "Elm St", "Park Pl", "River Rd")
CITIES = (("Austin", "TX", "78701"), ("Tampa", "FL", "33602"), ("Dayton", "OH", "45402"), ("Denver", "CO", "80202"))
FIRST = ("Ava", "Liam", "Maya", "Noah", "Priya", "Omar", "Lena", "Diego", "Sara", "Kenji", "Zoe", "Ivan")
LAST = ("Patel", "Garcia", "Nguyen", "Smith", "Okafor", "Kim", "Rossi", "Cohen", "Silva", "Khan", "Berg", "Lopez")
UNIT_STATUS_CYCLE = ("occupied", "occupied", "available", "occupied", "reserved", "maintenance")
LEASE_STATUS_CYCLE = ("active", "active", "active", "draft", "renewed", "ended", "active", "terminated")


def pdf_bytes(title: str) -> bytes:
    text = title.encode("ascii", "replace")[:60]
    return (b"%PDF-1.4\n1 0 obj<< /Type /Catalog /Pages 2 0 R >>endobj\n2 0 obj<< /Type /Pages /Kids [] /Count 0 >>"
            b"endobj\n% " + text + b"\ntrailer<< /Root 1 0 R >>\n%%EOF\n")


PNG_PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class Generator:
    """``records()`` yields (collection, record); ``blobs`` maps document id -> (bytes, mime)."""

    def __init__(self, n: int, now: dt.datetime, rng: random.Random) -> None:
        self.n = n
        self.now = now
        self.rng = rng
        self.blobs: dict[str, tuple[bytes, str]] = {}

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def stamp(self, days_ago: int) -> str:
        when = self.now - dt.timedelta(days=days_ago, seconds=self.rng.randrange(86_400))
        return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        n = self.n
        live = [self.property(i, archived=False) for i in range(max(1, n // 10))]
        archived = [self.property(i, archived=True) for i in range(n // 25)]
        units = [self.unit(i, live[i % len(live)]) for i in range(n)]
        for prop in live:
            prop["total_units"] = max(1, sum(1 for u in units if u["property_id"] == prop["id"]))
        tenants = [self.tenant(i) for i in range(n * 7 // 10)]
        leases = [self.lease(i, units[i], tenants[i]) for i in range(len(tenants))]
        documents = [self.document("Insurance", f"Insurance policy {p['name']}", property_id=p["id"]) for p in live]
        documents += [self.document("Lease", f"Signed lease {i + 1}", property_id=x["property_id"],
                                    unit_id=x["unit_id"], lease_id=x["id"]) for i, x in enumerate(leases) if i % 4 == 0]
        documents += [self.document("ID verification", f"ID of {t['first_name']} {t['last_name']}",
                                    tenant_id=t["id"], image=True) for i, t in enumerate(tenants) if i % 10 == 0]
        for collection, rows in (("properties", live + archived), ("units", units), ("tenants", tenants),
                                 ("leases", leases), ("documents", documents)):
            for row in rows:
                yield collection, row

    def property(self, i: int, archived: bool) -> dict[str, Any]:
        city, state, zip_code = CITIES[i % len(CITIES)]
        created = self.stamp(400 + i)
        return {
            "id": self.uid(), "name": f"{'Old ' if archived else ''}{STREETS[i % len(STREETS)].split()[0]} "
                                      f"Residences {i + 1}",
            "address_line1": f"{100 + i * 7} {STREETS[i % len(STREETS)]}", "address_line2": None, "city": city,
            "state": state, "postal_code": zip_code, "country": "US", "property_type": "residential",
            "total_units": 1, "description": None, "year_built": 1960 + (i * 3) % 60, "archived": archived,
            "created_at": created, "updated_at": created,
        }

    def unit(self, i: int, prop: dict[str, Any]) -> dict[str, Any]:
        created = self.stamp(300)
        return {
            "id": self.uid(), "property_id": prop["id"], "unit_number": f"{100 + i}", "floor": 1 + i % 12,
            "bedrooms": i % 4, "bathrooms": 1 + (i % 3) * 0.5, "size_sq_ft": 450 + (i * 37) % 1200,
            "base_rent": round(900 + (i * 53) % 1600 + 0.5 * (i % 2), 2), "deposit_amount": 1000,
            "furnished": i % 5 == 0, "notes": None, "status": UNIT_STATUS_CYCLE[i % len(UNIT_STATUS_CYCLE)],
            "created_at": created, "updated_at": created,
        }

    def tenant(self, i: int) -> dict[str, Any]:
        first, last = FIRST[i % len(FIRST)], LAST[(i * 5) % len(LAST)]
        created = self.stamp(200)
        return {
            "id": self.uid(), "first_name": first, "last_name": last,
            "email": f"{first}.{last}.{i}@example.com".lower(), "phone": f"+1 512 555 {1000 + i:04d}",
            "emergency_contact": {"name": f"{FIRST[(i + 3) % len(FIRST)]} {last}", "phone": "+1 512 555 0100",
                                  "relationship": "sibling"},
            "created_at": created, "updated_at": created,
        }

    def lease(self, i: int, unit: dict[str, Any], tenant: dict[str, Any]) -> dict[str, Any]:
        status = LEASE_STATUS_CYCLE[i % len(LEASE_STATUS_CYCLE)]
        start = (self.now - dt.timedelta(days=30 * (i % 18))).date().replace(day=1)
        end = start.replace(year=start.year + 1) - dt.timedelta(days=1)
        created = self.stamp(100)
        return {
            "id": self.uid(), "tenant_id": tenant["id"], "property_id": unit["property_id"], "unit_id": unit["id"],
            "start_date": start.isoformat(), "end_date": end.isoformat(), "monthly_rent": unit["base_rent"],
            "rent_due_day": 1 + i % 28, "security_deposit": 1000, "late_fee": 50, "grace_days": 5, "notes": None,
            "status": status, "created_at": created, "updated_at": created,
        }

    def document(self, kind: str, name: str, image: bool = False, **links: str) -> dict[str, Any]:
        doc_id = self.uid()
        content, mime = (PNG_PIXEL, "image/png") if image else (pdf_bytes(name), "application/pdf")
        self.blobs[doc_id] = (content, mime)
        created = self.stamp(50)
        return {
            "id": doc_id, "name": name, "type": kind, "property_id": links.get("property_id"),
            "tenant_id": links.get("tenant_id"), "unit_id": links.get("unit_id"), "lease_id": links.get("lease_id"),
            "file_name": name.lower().replace(" ", "-") + (".png" if image else ".pdf"), "mime_type": mime,
            "size_bytes": len(content), "created_at": created, "updated_at": created,
        }
