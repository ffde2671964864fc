"""Typed models of the RentEngine Public API 1.1.1 payloads this plug-in reads and sends.

Written from the vendor's guide (bearer tokens, limit/page_number paging, webhooks, multifamily properties) and the
project's vendor notes; only the parts the portal uses are modelled. Field names are RentEngine's. Where the guide is
silent the choice is marked [gap] here and explained in README.md.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

MAX_LIMIT = 100  # "limit ... (default: 50, max: 100)"
COUNTRY = "United States"  # the only country the unit address takes on write
STRUCTURE_TYPES: tuple[str, ...] = ("Mid Rise", "High Rise", "Garden Style")
PROPERTY_TYPES: tuple[str, ...] = (
    "SINGLE FAMILY RESIDENCE", "DUPLEX", "TRIPLEX", "MULTI-FAMILY", "CONDO", "TOWNHOUSE", "ROOM", "ADU",
)
UNIT_STATUSES: tuple[str, ...] = (
    "Incomplete", "Under Review", "Available", "Archived", "Leased", "On Hold", "Expired", "Withdrawn",
    "Withdrawal Requested", "Price Analysis",
)
WEBHOOK_TYPES: tuple[str, ...] = ("INSERT", "UPDATE", "DELETE")
UNITS_TABLE = "units"
PROPERTIES_TABLE = "multifamily_properties"
# [gap] The unit field naming its multifamily property is not published; this is the one read and written.
UNIT_PROPERTY_FIELD = "multifamily_property_id"

StructureType = Literal["Mid Rise", "High Rise", "Garden Style"]
WebhookType = Literal["INSERT", "UPDATE", "DELETE"]
# On read RentEngine sends bedrooms, bathrooms, sqft and target_rental_rate as strings ("2", "1.5", "1100.00");
# on write it wants numbers. Third parties have also seen numbers on read, so both are accepted.
NumberOnRead = str | int | float | None


class Photo(TypedDict):
    path: str
    hidden: bool
    original: NotRequired[str]


class MultifamilyProperty(TypedDict):
    """``GET /multifamily_properties`` element; the POST body has the same fields (``id`` present = update)."""

    id: str  # uuid
    community_name: str
    building_count: int
    unit_count: int
    description: NotRequired[str | None]
    structure_type: StructureType
    year_built: int
    photos: list[Photo]
    external_ids: NotRequired[dict[str, str]]
    text_address: str  # "123 Main St, San Francisco, CA 94111"
    account_id: str  # uuid
    deleted: NotRequired[bool]
    created_at: str
    updated_at: str


class UnitAddressWrite(TypedDict):
    """The unit's ``address`` on POST: always sent whole (every key) when sent at all."""

    street_number: str
    street_name: str
    unit: str
    zip_code: str
    state: str
    country: str  # "United States"
    city: str


class UnitAddressRead(TypedDict, total=False):
    """The unit's ``address`` on GET. [gap] The notes call it an address record id; third parties see an object
    with ``formatted_address``, ``city`` and ``coordinates``. Both are handled (an id alone cannot be mapped)."""

    id: int
    street_number: str | None
    street_name: str | None
    unit: str | None
    zip_code: str | None
    state: str | None
    country: str | None
    city: str | None
    formatted_address: str | None
    coordinates: list[float] | None  # [longitude, latitude]


class Unit(TypedDict):
    """``GET /units`` element (about 50 fields; the ones the portal uses)."""

    id: int
    created_at: str
    updated_at: str
    address: UnitAddressRead | int | str | None
    property_type: NotRequired[str | None]
    bedrooms: NotRequired[NumberOnRead]
    bathrooms: NotRequired[NumberOnRead]
    sqft: NotRequired[NumberOnRead]
    target_rental_rate: NotRequired[NumberOnRead]
    status: NotRequired[str | None]
    is_occupied: NotRequired[bool | None]
    account_id: NotRequired[str]
    multifamily_property_id: NotRequired[str | None]  # [gap] UNIT_PROPERTY_FIELD


class UnitWrite(TypedDict, total=False):
    """``POST /units``: no ``id`` creates (address, property_type, target_rental_rate, account_id required);
    with ``id`` it updates and only ``id`` is required. Numbers are numbers here."""

    id: int
    address: UnitAddressWrite
    property_type: str
    bedrooms: int | None
    bathrooms: float | None
    sqft: int | None
    target_rental_rate: float
    account_id: str
    multifamily_property_id: str  # [gap]


class WebhookPayload(TypedDict):
    """One delivery: ``record`` is null on DELETE, ``old_record`` null on INSERT; only some fields may be present."""

    type: WebhookType
    table: str
    record: dict[str, Any] | None
    old_record: dict[str, Any] | None


class AjvDetail(TypedDict, total=False):
    keyword: str  # "required", "type", "pattern", "enum", "additionalProperties", ...
    dataPath: str  # ".address.zip_code" (AJV 6); AJV 8 names it instancePath ("/address/zip_code")
    instancePath: str
    schemaPath: str
    params: dict[str, Any]  # {"missingProperty": "x"}, {"allowedValues": [...]}, {"additionalProperty": "x"}
    message: str


class ErrorBody(TypedDict):
    """Every error answer (400, 401, ...): ``{"error": "Invalid request parameters", "details": [...]}``."""

    error: str
    details: NotRequired[list[AjvDetail]]
