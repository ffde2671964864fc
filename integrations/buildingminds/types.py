"""Typed models of the BuildingMinds push ("digital twin integration") API parts this plug-in uses.

Written from the vendor's API pages (address, site, building, batch) as summarised in the project's vendor notes;
only what the portal sends and reads is modelled. ``NotRequired`` marks optional fields. Field lengths and enums
are the published ones; what the pages leave out is a [gap] (see README.md).
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

DEFAULT_TOKEN_URL = "https://login.microsoftonline.com/buildingminds.onmicrosoft.com/oauth2/v2.0/token"  # noqa: S105
DEFAULT_BASE_URL = "https://api.onbuildingminds.com/api/digitaltwinintegration"
DEFAULT_TOKEN_LIFETIME = 3600.0  # "about 60 minutes" when the token answer carries no expires_in

TIMESTAMP_FORMAT = "yyyy-mm-ddThh:mm:ssZ"  # ISO 8601 in UTC with "Z", 20 characters
ID_MAX = 50  # addressId, siteId, buildingId: the caller's own ids
LIMITS: dict[str, int] = {
    "addressId": 50, "city": 100, "apartmentOrUnit": 50, "additionalInformation": 500,
    "siteId": 50, "name": 50, "siteCode": 70, "buildingId": 50, "buildingCode": 70,
}

SITE_TYPES: tuple[str, ...] = (
    "Education", "Health Care", "Hotel", "Industrial", "Lodging", "Leisure & Recreation", "Mixed Use", "Office",
    "Residential", "Retail", "Technology/Science", "Other",
)
SITE_EVENTS = ("SiteAdded", "SiteUpdated", "SiteDeleted")
BUILDING_EVENTS = ("BuildingAdded", "BuildingUpdated", "BuildingDeleted")
Entity = Literal["address", "site", "building"]

# Inbound message statuses of a batch. Completed is the only success; the FAILED ones are final; everything else
# (and any status not listed here) is still under way.
MESSAGE_STATUSES: tuple[str, ...] = (
    "New", "InProgress", "Failed", "FailedValidation", "Retrying", "Completed", "FailedGeoCoding",
    "GeoCodingSuccessful", "TransformationFailed", "Resubmitting",
)
COMPLETED = "Completed"
FAILED_STATUSES: frozenset[str] = frozenset({"Failed", "FailedValidation", "FailedGeoCoding", "TransformationFailed"})
# Least advanced first: a batch's overall state while under way is its least advanced message.
PROGRESS_ORDER: tuple[str, ...] = ("New", "Resubmitting", "Retrying", "InProgress", "GeoCodingSuccessful")

# ISO 3166-1 alpha-2 (the address API's country enum), 249 codes.
ISO_ALPHA2: frozenset[str] = frozenset((
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA",
    "ZM", "ZW",
))


class TokenResponse(TypedDict):
    """Microsoft identity platform v2 client-credentials answer (no refresh token)."""

    token_type: str
    expires_in: int
    access_token: str
    ext_expires_in: NotRequired[int]


class TokenError(TypedDict):
    error: str  # invalid_client, invalid_scope, unauthorized_client, ...
    error_description: str


class ErrorBody(TypedDict):
    """``{code: 404, message: "Resource not found"}``; the batch list's validation error is ``{"error": "..."}``."""

    code: NotRequired[int]
    message: NotRequired[str]
    error: NotRequired[str]


class AddressRequest(TypedDict):
    addressId: str
    city: str
    country: str  # ISO 3166-1 alpha-2
    apartmentOrUnit: NotRequired[str]
    additionalInformation: NotRequired[str]
    # Not in the published push fields [gap]; named as in BuildingMinds' own read schema (AddressType). Sent only
    # with the connection option address_fields = "extended" (the default).
    street: NotRequired[str]
    postalCode: NotRequired[str]
    region: NotRequired[str]


class SiteRequest(TypedDict):
    siteId: str
    name: str
    addressIds: list[str]
    type: str  # one of SITE_TYPES
    validFrom: str  # TIMESTAMP_FORMAT
    validUntil: NotRequired[str]
    siteCode: NotRequired[str]
    status: NotRequired[str]
    energyRatingIds: NotRequired[list[str]]
    eventType: NotRequired[str]  # SITE_EVENTS
    extensionData: NotRequired[dict[str, Any]]


class BuildingRequest(TypedDict):
    buildingId: str
    addressIds: list[str]
    siteIds: list[str]
    buildingCode: NotRequired[str]
    constructionYear: NotRequired[str]  # yyyy-01-01T00:00:00Z when only the year is known
    buildingPermitDate: NotRequired[str]
    electricVehicleChargingStations: NotRequired[int]  # <= 9999
    eventType: NotRequired[str]  # BUILDING_EVENTS


class Batch(TypedDict):
    """One element of ``GET /batch``'s ``data`` (its fields beyond the id are a [gap]; only the id is relied on)."""

    batchId: str
    createdAt: NotRequired[str]
    status: NotRequired[str]
    entityType: NotRequired[str]
    messageCount: NotRequired[int]


class BatchMessage(TypedDict):
    """One inbound message of a batch: one record. Only ``status`` is relied on; the text fields are read for a
    failure's reason when present ([gap]: the message shape is not published)."""

    status: str
    id: NotRequired[str]
    batchId: NotRequired[str]
    entityType: NotRequired[str]
    entityId: NotRequired[str]
    missingDependencies: NotRequired[bool]
    errorMessage: NotRequired[str]
    message: NotRequired[str]
    createdAt: NotRequired[str]


class ListEnvelope(TypedDict):
    """``{message, totalCount, data[]}`` of the batch calls."""

    message: NotRequired[str]
    totalCount: int
    data: list[Any]
