"""BrikSync PropOS API v0: typed models of the parts the portal uses.

Written from BrikSync's API overview (envelope, error codes, paging, limits) and its feature pages (field lists).
The machine-readable spec is served only live (``/api/docs``), so field *names* are our reading of the documented
field lists, in snake_case ([gap]: see README.md "Field names"); the client can translate to camelCase.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

API_VERSION = "v0"  # pre-release: breaking changes possible until v1
MAX_PAGE_SIZE = 100  # every resource the portal reads caps pageSize at 100
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
DOCUMENT_NAME_MAX = 200

PropertyType = Literal["residential", "commercial", "industrial", "mixed_use", "land"]
PROPERTY_TYPES: tuple[str, ...] = ("residential", "commercial", "industrial", "mixed_use", "land")
WRITABLE_PROPERTY_TYPES = PROPERTY_TYPES[:-1]  # "land" is deprecated: read, never written
UnitStatus = Literal["available", "occupied", "maintenance", "reserved", "inactive"]
UNIT_STATUSES: tuple[str, ...] = ("available", "occupied", "maintenance", "reserved", "inactive")
# Lease statuses: the docs name draft, active, renewed "…"; the rest is our reading ([gap], configurable).
LEASE_STATUSES: tuple[str, ...] = ("draft", "active", "renewed", "ended", "terminated")
DocumentType = Literal["Lease", "Inspection report", "Maintenance invoice", "Insurance", "ID verification",
                       "Income proof", "Other"]
DOCUMENT_TYPES: tuple[str, ...] = ("Lease", "Inspection report", "Maintenance invoice", "Insurance",
                                   "ID verification", "Income proof", "Other")
DOCUMENT_MIME_TYPES: dict[str, str] = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG",
                                       "image/webp": "WebP"}

ErrorCode = Literal["VALIDATION_ERROR", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "RATE_LIMITED",
                    "PLAN_LIMIT_EXCEEDED", "PLAN_UPGRADE_REQUIRED", "PLAN_CONTEXT_UNAVAILABLE", "NOT_APPLICABLE",
                    "INTERNAL_ERROR"]


class Envelope(TypedDict):
    """Every answer: ``data`` on success (``error`` null); ``data`` null, ``error`` and ``code`` on failure."""

    data: Any
    error: str | None


class ErrorBody(TypedDict):
    data: None
    error: str  # human-readable
    code: ErrorCode | str  # machine-readable
    message: NotRequired[str]  # FORBIDDEN and plan-gated answers: more detail
    upgradeUrl: NotRequired[str]
    currentPlan: NotRequired[str]
    requiredPlan: NotRequired[str]
    details: NotRequired[Any]  # [gap] field errors of a VALIDATION_ERROR: {field: message} or [{field, message}]


class ListData(TypedDict):
    """``data`` of a list answer. Where the records sit is a [gap]: ``items`` by default (option items_key)."""

    items: list[dict[str, Any]]
    page: int  # 1-based
    pageSize: int
    total: int
    totalPages: int


class PropertyRecord(TypedDict, total=False):
    id: str
    name: str  # 1–200
    address_line1: str
    address_line2: str | None
    city: str
    state: str
    postal_code: str
    country: str
    property_type: PropertyType
    total_units: int  # 1–10,000
    unit_count: int  # deprecated alias of total_units (read only)
    description: str | None  # ≤ 2000
    year_built: int | None
    archived: bool  # archived properties are listed only with availability=archived
    created_at: str
    updated_at: str


class UnitRecord(TypedDict, total=False):
    id: str
    property_id: str
    unit_number: str  # 1–20, unique per property
    floor: int | None  # −10..200
    bedrooms: int | None
    bathrooms: float | str | None
    size_sq_ft: int | None
    base_rent: float | str | None
    deposit_amount: float | str | None
    furnished: bool
    notes: str | None
    status: UnitStatus
    created_at: str
    updated_at: str


class EmergencyContact(TypedDict, total=False):
    name: str
    phone: str
    relationship: str


class TenantRecord(TypedDict, total=False):
    id: str
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    emergency_contact: EmergencyContact | None
    created_at: str
    updated_at: str


class LeaseRecord(TypedDict, total=False):
    id: str
    tenant_id: str
    property_id: str
    unit_id: str
    start_date: str  # YYYY-MM-DD
    end_date: str  # YYYY-MM-DD, required on create
    monthly_rent: float | str  # > 0
    rent_due_day: int  # 1–28
    security_deposit: float | str  # ≥ 0, required
    late_fee: float | str | None
    grace_days: int | None
    notes: str | None
    status: str
    created_at: str
    updated_at: str


class DocumentRecord(TypedDict, total=False):
    id: str
    name: str  # ≤ 200
    type: DocumentType
    property_id: str | None  # property-level document
    tenant_id: str | None  # tenant-level document
    unit_id: str | None  # [gap] our reading: the unit a property document concerns
    lease_id: str | None  # [gap] our reading: the lease a document belongs to
    file_name: str
    mime_type: str
    size_bytes: int
    created_at: str
    updated_at: str


class DownloadLink(TypedDict):
    """``GET /documents/{id}/download`` [gap: path]: a signed URL that expires 5 minutes after it is made."""

    url: str
    expires_at: str
