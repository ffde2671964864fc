"""Typed models of the Builder Backed V2 payloads this plug-in sends and reads.

Written from the vendor's integration guide (field names and required-ness as published). Only the parts the
portal uses are modelled. ``NotRequired`` marks the fields the guide lists as optional.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

HOME_TYPES: tuple[str, ...] = ("Single Family", "Multi Family")
HOMEOWNER_TYPES: tuple[str, ...] = ("PRIMARY", "SECONDARY", "OTHER")
DOCUMENT_TYPES: tuple[str, ...] = ("EXTERNAL_URL", "AWS", "SAPPHIRE", "BUILDERBACKED")
SCOPES: tuple[str, ...] = ("location.write", "home.write", "user.write", "document.write")

# Document display windows and modification dates use this layout: no "T", no zone, milliseconds.
DOCUMENT_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # the "%f" is cut to 3 digits when formatting

HomeType = Literal["Single Family", "Multi Family"]
HomeownerType = Literal["PRIMARY", "SECONDARY", "OTHER"]
DocumentType = Literal["EXTERNAL_URL", "AWS", "SAPPHIRE", "BUILDERBACKED"]


class TokenResponse(TypedDict):
    """OAuth2 client-credentials token answer (RFC 6749 §5.1)."""

    access_token: str
    token_type: str
    expires_in: NotRequired[int]
    scope: NotRequired[str]


class ErrorBody(TypedDict):
    """Spring Boot's error body, used by every error answer."""

    timestamp: str
    status: int
    error: str
    message: str
    path: str


class Region(TypedDict):
    """One element of ``GET /api/v2/locations/regions`` (active regions only; the shape beyond name is a gap)."""

    name: str
    id: NotRequired[int]
    externalId: NotRequired[str]
    displayName: NotRequired[str | None]
    abbreviatedName: NotRequired[str | None]


class _LocationBase(TypedDict):
    externalId: str
    name: str
    displayName: NotRequired[str]
    abbreviatedName: NotRequired[str]


class DivisionRequest(_LocationBase):
    regionName: str


class MasterCommunityRequest(_LocationBase):
    divisionExternalId: str


class NeighborhoodRequest(_LocationBase):
    masterCommunityExternalId: str


LocationRequest = DivisionRequest | MasterCommunityRequest | NeighborhoodRequest


class HomeUserRequestV2(TypedDict):
    email: str
    prefix: NotRequired[str]
    firstName: NotRequired[str]
    middleName: NotRequired[str]
    lastName: NotRequired[str]
    suffix: NotRequired[str]
    homeownerType: NotRequired[HomeownerType]
    defaultHome: NotRequired[bool]


class ExternalHomeRequestV3(TypedDict):
    externalId: str
    addressLine1: str
    city: str
    state: str
    postalCode: str
    type: HomeType
    neighborhoodExternalId: str
    addressLine2: NotRequired[str]
    marketHome: NotRequired[bool]
    jobId: NotRequired[str]
    productCollection: NotRequired[str]
    model: NotRequired[str]
    closingDate: NotRequired[str]  # ISO 8601
    scheduledClosingDate: NotRequired[str]  # ISO 8601
    homeowners: NotRequired[list[HomeUserRequestV2]]
    homeDetails: NotRequired[dict[str, str]]


class ExternalHomeResponseV3(ExternalHomeRequestV3):
    id: int
    fullAddress: NotRequired[str]
    regionExternalId: NotRequired[str]
    divisionExternalId: NotRequired[str]
    masterCommunityExternalId: NotRequired[str]
    homeSource: NotRequired[str]  # BuilderRegistration | TargetedRegistration
    status: NotRequired[str]  # Inactive | Active | Pending (the guide's example also shows "ACTIVE")


class DocumentV2(TypedDict):
    """One document: a URL reference, not an upload."""

    category: str
    name: str
    url: str
    type: DocumentType
    shareable: bool
    externalId: NotRequired[str]
    displayStart: NotRequired[str]  # DOCUMENT_TIMESTAMP_FORMAT
    displayEnd: NotRequired[str]
    bucket: NotRequired[str]  # AWS type only


class ExternalDocumentRequestV2(TypedDict):
    """Body of ``POST /api/v2/documents``: documents grouped by the home's external id."""

    externalHomeId: str
    documents: list[DocumentV2]


class DocumentResponse(DocumentV2):
    id: int
    lastModifiedBy: NotRequired[str]
    lastModifiedDate: NotRequired[str]
