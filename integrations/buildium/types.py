"""Typed models of the parts of Buildium's Open API v1 this plug-in uses (field names exactly as Buildium spells them).

Reads are ``total=False``: Buildium marks almost every field nullable, and mapping must survive any of them missing.
Writes list what Buildium requires; ``NotRequired`` marks the optional ones. Enums are the spec's own values.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

RentalType = Literal["None", "Residential", "Commercial"]
RentalSubType = Literal[
    "CondoTownhome",
    "MultiFamily",
    "SingleFamily",
    "Industrial",
    "Office",
    "Retail",
    "ShoppingCenter",
    "Storage",
    "ParkingSpace",
]
UnitBedrooms = Literal[
    "NotSet",
    "Studio",
    "OneBed",
    "TwoBed",
    "ThreeBed",
    "FourBed",
    "FiveBed",
    "SixBed",
    "SevenBed",
    "EightBed",
    "NineBedPlus",
]
UnitBathrooms = Literal[
    "NotSet",
    "OneBath",
    "OnePointFiveBath",
    "TwoBath",
    "TwoPointFiveBath",
    "ThreeBath",
    "FourBath",
    "FiveBath",
    "FivePlusBath",
    "ThreePointFiveBath",
    "FourPointFiveBath",
]
LeaseTypeValue = Literal["None", "Fixed", "FixedWithRollover", "AtWill"]
LeaseStatusValue = Literal["Active", "Past", "Future"]
LeaseTenantStatus = Literal["MovedOut", "Current", "Future"]
PhoneType = Literal["NotSet", "Home", "Office", "Cell", "Personal", "Fax", "Other"]
FileEntityType = Literal[
    "Unknown",
    "Account",
    "Association",
    "AssociationOwner",
    "AssociationUnit",
    "Lease",
    "OwnershipAccount",
    "PublicAsset",
    "Rental",
    "RentalOwner",
    "RentalUnit",
    "Tenant",
    "Vendor",
]

RENTAL_SUB_TYPES: tuple[str, ...] = RentalSubType.__args__  # type: ignore[attr-defined]
UNIT_BEDROOMS: tuple[str, ...] = UnitBedrooms.__args__  # type: ignore[attr-defined]
UNIT_BATHROOMS: tuple[str, ...] = UnitBathrooms.__args__  # type: ignore[attr-defined]
LEASE_TYPES_WRITABLE: tuple[str, ...] = ("Fixed", "FixedWithRollover", "AtWill")
LEASE_STATUSES: tuple[str, ...] = LeaseStatusValue.__args__  # type: ignore[attr-defined]
FILE_ENTITY_TYPES: tuple[str, ...] = FileEntityType.__args__  # type: ignore[attr-defined]


class AddressMessage(TypedDict, total=False):
    AddressLine1: str | None
    AddressLine2: str | None
    AddressLine3: str | None
    City: str | None
    State: str | None
    PostalCode: str | None
    Country: str  # one of Buildium's country names, e.g. "UnitedStates"


class SaveAddressMessage(TypedDict):
    AddressLine1: str
    PostalCode: str
    Country: str
    AddressLine2: NotRequired[str | None]
    AddressLine3: NotRequired[str | None]
    City: NotRequired[str | None]
    State: NotRequired[str | None]


class PhoneNumberMessage(TypedDict, total=False):
    Number: str | None
    Type: str


class RentalMessage(TypedDict, total=False):
    Id: int
    Name: str | None
    StructureDescription: str | None
    NumberUnits: int
    IsActive: bool
    OperatingBankAccountId: int
    Reserve: float
    Address: AddressMessage | None
    YearBuilt: int | None
    RentalType: str
    RentalSubType: str
    RentalManager: dict | None


class RentalPropertyPostMessage(TypedDict):
    Name: str
    Address: SaveAddressMessage
    OperatingBankAccountId: int
    RentalSubType: str
    StructureDescription: NotRequired[str | None]
    RentalOwnerIds: NotRequired[list[int] | None]
    PropertyManagerId: NotRequired[int | None]
    Reserve: NotRequired[float | None]
    YearBuilt: NotRequired[int | None]
    Units: NotRequired[list[dict] | None]


class RentalPropertyPutMessage(TypedDict):
    Name: str
    Address: SaveAddressMessage
    OperatingBankAccountId: int
    RentalSubType: str
    StructureDescription: NotRequired[str | None]
    PropertyManagerId: NotRequired[int | None]
    Reserve: NotRequired[float | None]
    YearBuilt: NotRequired[int | None]


class RentalUnitMessage(TypedDict, total=False):
    Id: int
    PropertyId: int
    BuildingName: str | None
    UnitNumber: str | None
    Description: str | None
    MarketRent: float | None
    Address: AddressMessage | None
    UnitBedrooms: str | None
    UnitBathrooms: str | None
    UnitSize: int | None
    IsUnitListed: bool | None
    IsUnitOccupied: bool | None


class RentalUnitPutMessage(TypedDict):
    UnitNumber: str
    Address: SaveAddressMessage
    UnitSize: NotRequired[int | None]
    MarketRent: NotRequired[float | None]
    UnitBedrooms: NotRequired[str | None]
    UnitBathrooms: NotRequired[str | None]
    Description: NotRequired[str | None]


class RentalUnitsPostMessage(RentalUnitPutMessage):
    PropertyId: int


class LeaseAccountDetailMessage(TypedDict, total=False):
    SecurityDeposit: float | None
    Rent: float | None


class LeaseTenantMessage(TypedDict, total=False):
    Id: int
    Status: str
    MoveInDate: str | None


class LeaseMessage(TypedDict, total=False):
    Id: int
    PropertyId: int
    UnitId: int
    UnitNumber: str | None
    LeaseFromDate: str | None  # YYYY-MM-DD
    LeaseToDate: str | None
    LeaseType: str
    LeaseStatus: str
    IsEvictionPending: bool
    TermType: str
    RenewalOfferStatus: str | None
    CurrentTenants: list[TenantMessage] | None
    CurrentNumberOfOccupants: int
    AccountDetails: LeaseAccountDetailMessage | None
    Cosigners: list[dict] | None
    AutomaticallyMoveOutTenants: bool
    CreatedDateTime: str
    LastUpdatedDateTime: str | None
    MoveOutData: list[dict] | None
    PaymentDueDay: int
    Tenants: list[LeaseTenantMessage] | None


class LeaseRentChargePostMessage(TypedDict):
    Amount: float
    GlAccountId: int
    NextDueDate: str
    Memo: NotRequired[str | None]


class LeaseRentPostMessage(TypedDict):
    Cycle: str
    Charges: list[LeaseRentChargePostMessage]


class LeaseSecurityDepositPostMessage(TypedDict):
    DueDate: str
    Amount: float


class RentalTenantPutMessage(TypedDict):
    FirstName: str
    LastName: str
    Address: SaveAddressMessage
    Email: NotRequired[str | None]


class LeasePostMessage(TypedDict):
    LeaseType: str
    UnitId: int
    LeaseFromDate: str
    SendWelcomeEmail: bool
    LeaseToDate: NotRequired[str | None]
    Tenants: NotRequired[list[RentalTenantPutMessage] | None]
    TenantIds: NotRequired[list[int] | None]
    Rent: NotRequired[LeaseRentPostMessage | None]
    SecurityDeposit: NotRequired[LeaseSecurityDepositPostMessage | None]


class LeasePutMessage(TypedDict):
    LeaseType: str
    UnitId: int
    LeaseFromDate: str
    IsEvictionPending: bool
    LeaseToDate: NotRequired[str | None]
    AutomaticallyMoveOutTenants: NotRequired[bool | None]


class TenantMessage(TypedDict, total=False):
    Id: int
    FirstName: str | None
    LastName: str | None
    Email: str | None
    AlternateEmail: str | None
    PhoneNumbers: list[PhoneNumberMessage] | None
    CreatedDateTime: str | None
    DateOfBirth: str | None
    Address: AddressMessage | None
    Leases: list[LeaseMessage] | None
    Comment: str | None


class RentalOwnerMessage(TypedDict, total=False):
    Id: int
    IsCompany: bool
    IsActive: bool
    FirstName: str | None
    LastName: str | None
    PhoneNumbers: list[PhoneNumberMessage] | None
    Email: str | None
    AlternateEmail: str | None
    Comment: str | None
    Address: AddressMessage | None
    ManagementAgreementStartDate: str | None
    ManagementAgreementEndDate: str | None
    CompanyName: str | None
    PropertyIds: list[int] | None


class FileEntityMessage(TypedDict, total=False):
    Id: int | None
    EntityType: str
    Href: str | None


class FileMessage(TypedDict, total=False):
    Id: int
    FileEntity: FileEntityMessage | None
    CategoryId: int | None
    Title: str | None
    Description: str | None
    PhysicalFileName: str | None
    Size: int
    ContentType: str | None
    UploadedDateTime: str


class FileUploadPostMessage(TypedDict):
    EntityType: str
    FileName: str
    Title: str
    CategoryId: int
    EntityId: NotRequired[int | None]
    Description: NotRequired[str | None]


class FileUploadResponseMessage(TypedDict, total=False):
    UploadUrl: str | None
    PhysicalFileName: str | None
    Headers: dict[str, str | None] | None


class FileDownloadMessage(TypedDict, total=False):
    DownloadUrl: str | None


class ApiError(TypedDict, total=False):
    Key: str | None
    Value: str | None


class ApiErrorResponse(TypedDict, total=False):
    UserMessage: str | None
    ErrorCode: str | None
    Errors: list[ApiError] | None


class WebhookEventMessage(TypedDict, total=False):
    EventName: str
    EventDateTime: str  # UTC, up to 7 fractional digits
    AccountId: int
    PropertyId: int
    UnitId: int
    LeaseId: int
    TenantId: int
