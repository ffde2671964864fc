"""Buildium records -> portal fields (pull). Pure: a record in, a Mapped (or MappingError) out.

The reverse direction (portal -> Buildium payloads for push) is in mapping_out.py. Choices made here are explained
in README.md ("Mapping choices"); the short version is in the comments next to each table.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from integrations.base import Mapped, MappingError, Ref
from integrations.buildium import values as v
from portal.leases.models import TRANSITIONS

INT32_MAX = 2_147_483_647

# UnitBedrooms: NotSet (or null) means unknown; NineBedPlus is stored as its lower bound, 9.
BEDROOMS: dict[str | None, int | None] = {
    None: None,
    "NotSet": None,
    "Studio": 0,
    "OneBed": 1,
    "TwoBed": 2,
    "ThreeBed": 3,
    "FourBed": 4,
    "FiveBed": 5,
    "SixBed": 6,
    "SevenBed": 7,
    "EightBed": 8,
    "NineBedPlus": 9,
}
# UnitBathrooms: FivePlusBath is stored as its lower bound, 5.0.
BATHROOMS: dict[str | None, Decimal | None] = {
    None: None,
    "NotSet": None,
    "OneBath": Decimal("1.0"),
    "OnePointFiveBath": Decimal("1.5"),
    "TwoBath": Decimal("2.0"),
    "TwoPointFiveBath": Decimal("2.5"),
    "ThreeBath": Decimal("3.0"),
    "ThreePointFiveBath": Decimal("3.5"),
    "FourBath": Decimal("4.0"),
    "FourPointFiveBath": Decimal("4.5"),
    "FiveBath": Decimal("5.0"),
    "FivePlusBath": Decimal("5.0"),
}
# LeaseStatus: Buildium derives it from the dates; a Future lease is signed but not started, which the portal
# calls a draft (it becomes active on its start date); Past is a lease that ran its course: ended.
LEASE_STATUS: dict[str | None, str] = {"Future": "draft", "Active": "active", "Past": "ended"}
# Buildium's status is coarser than the portal's: each mapped value is already said by these portal statuses (a
# renewed lease is Active at Buildium, a terminated one Past once its dates ran out).
LEASE_STATUS_SATISFIED_BY: dict[str, frozenset[str]] = {
    "draft": frozenset({"draft"}),
    "active": frozenset({"active", "renewed"}),
    "ended": frozenset({"ended", "terminated"}),
}
LEASE_TYPE: dict[str | None, str | None] = {
    "Fixed": "fixed",
    "FixedWithRollover": "fixed_with_rollover",
    "AtWill": "at_will",
    "None": None,  # a lease with no type: decided from its dates (see map_lease)
}
# Lease tenants in the order the portal lists them: current first (the first becomes the primary tenant).
_TENANT_ORDER = {"Current": 0, "Future": 1, "MovedOut": 2}
# File entity types the portal can attach a document to, with the pull stream and Document field of the owner.
FILE_TARGETS: dict[str, tuple[str, str]] = {
    "Rental": ("properties", "location"),
    "RentalUnit": ("units", "home"),
    "Lease": ("leases", "lease"),
}
# Document categories guessed from words in the file's title (Buildium's categories are per account).
_CATEGORY_WORDS = (
    ("inspection", "inspection"),
    ("insurance", "insurance"),
    ("warranty", "warranty"),
    ("invoice", "maintenance"),
    ("maintenance", "maintenance"),
    ("repair", "maintenance"),
    ("floor plan", "plan"),
    ("drawing", "plan"),
    ("id card", "identity"),
    ("passport", "identity"),
    ("license", "identity"),
    ("pay stub", "income"),
    ("paystub", "income"),
    ("income", "income"),
    ("lease", "lease"),
    ("addendum", "lease"),
)
# Added to unit records by the plug-in (plugin.enrich_units): a unit record names neither its property's subtype
# nor the property's owners, and the portal needs both (home type; owners become the unit's homeowners).
SUBTYPE_KEY = "_PropertySubType"
OWNERS_KEY = "_PropertyOwnerIds"


def vendor_id(raw: dict[str, Any]) -> str:
    value = raw.get("Id")
    if isinstance(value, bool) or not isinstance(value, int):
        raise MappingError(f"the record has no integer Id ({value!r})")
    return str(value)


def _ref_id(raw: dict[str, Any], field: str) -> str:
    value = raw.get(field)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise MappingError(f"{field} {value!r} does not name a Buildium record")
    return str(value)


def map_property(raw: dict[str, Any]) -> Mapped:
    """RentalMessage -> a Location of kind property at the top of the tree."""
    vendor_id(raw)
    name = v.text(raw.get("Name"), "Name", 200)
    if not name:
        raise MappingError("the rental property has no Name")
    is_active = raw.get("IsActive")
    fields: dict[str, Any] = {"kind": "property", "name": name, **v.address(raw.get("Address"), complete=False)}
    fields["is_active"] = is_active if isinstance(is_active, bool) else True
    return Mapped(fields=fields)


def map_unit(raw: dict[str, Any]) -> Mapped:
    """RentalUnitMessage -> a Home under its property (a unit of a MultiFamily property is multi_family)."""
    vendor_id(raw)
    fields: dict[str, Any] = {
        "unit_number": v.text(raw.get("UnitNumber"), "UnitNumber", 20),
        **v.address(raw.get("Address"), complete=True),
        "market_rent": v.money(raw.get("MarketRent"), "MarketRent"),
        "bedrooms": v.enum(raw.get("UnitBedrooms"), "UnitBedrooms", BEDROOMS),
        "bathrooms": v.enum(raw.get("UnitBathrooms"), "UnitBathrooms", BATHROOMS),
        "size_sqft": v.integer(raw.get("UnitSize"), "UnitSize", 0, 1_000_000),
        "home_type": "multi_family" if raw.get(SUBTYPE_KEY) == "MultiFamily" else "single_family",
    }
    owners = raw.get(OWNERS_KEY)
    links = (
        {"owners": [Ref("owners", str(o)) for o in owners if isinstance(o, int) and not isinstance(o, bool)]}
        if isinstance(owners, list)
        else {}
    )
    return Mapped(fields=fields, parents={"location": Ref("properties", _ref_id(raw, "PropertyId"))}, links=links)


def map_lease(raw: dict[str, Any]) -> Mapped:
    """LeaseMessage -> a Lease on its unit's home, linked to every tenant Buildium lists for it."""
    vendor_id(raw)
    start = v.date(raw.get("LeaseFromDate"), "LeaseFromDate")
    if start is None:
        raise MappingError("the lease has no LeaseFromDate")
    end = v.date(raw.get("LeaseToDate"), "LeaseToDate")
    if end is not None and end < start:
        raise MappingError(f"LeaseToDate {end} is before LeaseFromDate {start}")
    lease_type = v.enum(raw.get("LeaseType"), "LeaseType", LEASE_TYPE)
    if lease_type is None:  # "None" or missing: a lease with an end date is fixed, one without runs at will
        lease_type = "fixed" if end else "at_will"
    if lease_type != "at_will" and end is None:
        raise MappingError(f"a {raw.get('LeaseType')} lease has no LeaseToDate")
    status = v.enum(raw.get("LeaseStatus"), "LeaseStatus", LEASE_STATUS)
    if status is None:
        raise MappingError("the lease has no LeaseStatus")
    details = raw.get("AccountDetails") if isinstance(raw.get("AccountDetails"), dict) else {}
    due_day = v.integer(raw.get("PaymentDueDay"), "PaymentDueDay", 0, 31)
    fields = {
        "lease_type": lease_type,
        "status": status,
        "start_date": start,
        "end_date": end,
        # No rent or deposit on the account (null) is stored as 0: the portal's columns are required.
        "rent": v.money(details.get("Rent"), "AccountDetails.Rent") or Decimal("0.00"),
        "deposit": v.money(details.get("SecurityDeposit"), "AccountDetails.SecurityDeposit") or Decimal("0.00"),
        "due_day": due_day or 1,  # 0 / null: Buildium has no due day set; the portal's default is the 1st
    }
    return Mapped(
        fields=fields,
        parents={"home": Ref("units", _ref_id(raw, "UnitId"))},
        links={"tenants": [Ref("tenants", tid) for tid in _tenant_ids(raw.get("Tenants"))]},
    )


def _tenant_ids(raw: Any) -> list[str]:
    entries = [t for t in (raw if isinstance(raw, list) else []) if isinstance(t, dict)]
    entries.sort(key=lambda t: _TENANT_ORDER.get(t.get("Status"), 3))
    ids: list[str] = []
    for entry in entries:
        tid = entry.get("Id")
        if isinstance(tid, int) and not isinstance(tid, bool) and tid > 0 and str(tid) not in ids:
            ids.append(str(tid))
    return ids


def _person(raw: dict[str, Any], first: str, last: str) -> dict[str, Any]:
    phone, alternate = v.phones(raw.get("PhoneNumbers"))
    return {
        "first_name": first,
        "last_name": last,
        "email": v.email(raw.get("Email"), "Email"),
        "alternate_email": v.email(raw.get("AlternateEmail"), "AlternateEmail"),
        "phone": phone,
        "alternate_phone": alternate,
    }


def _names(raw: dict[str, Any]) -> tuple[str, str]:
    first = v.text(raw.get("FirstName"), "FirstName", 100)
    last = v.text(raw.get("LastName"), "LastName", 100)
    if not first or not last:
        raise MappingError("the person has no FirstName or no LastName")
    return first, last


def map_tenant(raw: dict[str, Any]) -> Mapped:
    """TenantMessage -> a Person (their leases link to them from the lease side)."""
    vendor_id(raw)
    return Mapped(fields=_person(raw, *_names(raw)))


def map_owner(raw: dict[str, Any]) -> Mapped:
    """RentalOwnerMessage -> a Person. A company is kept as first name = company name, last name "(company)"."""
    vendor_id(raw)
    if raw.get("IsCompany") is True:
        company = v.text(raw.get("CompanyName"), "CompanyName", 100)
        if not company:
            raise MappingError("the company owner has no CompanyName")
        return Mapped(fields=_person(raw, company, "(company)"))
    return Mapped(fields=_person(raw, *_names(raw)))


def file_category(title: str, entity_type: str) -> str:
    lowered = title.lower()
    for word, category in _CATEGORY_WORDS:
        if word in lowered:
            return category
    return "lease" if entity_type == "Lease" else "other"


def map_file(raw: dict[str, Any], file_url: str) -> Mapped:
    """FileMessage -> a Document that refers to the vendor's file (``file_url``: where the portal fetches it)."""
    vendor_id(raw)
    entity = raw.get("FileEntity") if isinstance(raw.get("FileEntity"), dict) else {}
    entity_type = entity.get("EntityType") if isinstance(entity.get("EntityType"), str) else None
    if entity_type not in FILE_TARGETS:
        raise MappingError(
            f"the file belongs to a {entity_type or 'missing'} entity; the portal attaches documents "
            "to rental properties, units and leases only"
        )
    stream, field = FILE_TARGETS[entity_type]
    physical = v.text(raw.get("PhysicalFileName"), "PhysicalFileName", 1000)
    title = v.text(raw.get("Title"), "Title", 1000)[:200] or physical[:200] or f"Buildium file {raw['Id']}"
    size = v.integer(raw.get("Size"), "Size", 0, INT32_MAX) or 0
    fields = {
        "title": title,
        "category": file_category(title, entity_type),
        "original_name": physical[-255:],
        "content_type": v.text(raw.get("ContentType"), "ContentType", 100),
        "size": size,
        "external_url": file_url,
    }
    return Mapped(fields=fields, parents={field: Ref(stream, _ref_id(entity, "Id"))})


def settle_lease_status(ours: str, theirs: str) -> str:
    """Compare a pulled lease status (mapped from Buildium's LeaseStatus) with the portal's: "keep" when the portal's
    already says it (renewed for Active, terminated for Past), "take" for a move the lease lifecycle allows (active ->
    ended when the lease's dates ran out at Buildium), else "conflict": Buildium contradicts the portal (a lease the
    portal ended or terminated early whose dates Buildium still counts as current), which only staff can settle."""
    if ours in LEASE_STATUS_SATISFIED_BY.get(theirs, ()):
        return "keep"
    if theirs in TRANSITIONS.get(ours, ()):
        return "take"
    return "conflict"
