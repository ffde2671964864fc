"""Portal records -> Buildium write messages (push). Pure apart from reading the record's own relations.

The payload is the POST message minus what only the connection knows (OperatingBankAccountId, the rent GL account):
``plugin`` adds those from the connection's config when it sends. An update turns the same payload into the PUT
message after reading the record back, because Buildium's PUT blanks every field it is not given.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from integrations.base import RefResolver, Rejected
from integrations.buildium import geo
from integrations.buildium.mapping import BATHROOMS, BEDROOMS

_BEDROOM_NAMES = {count: name for name, count in BEDROOMS.items() if isinstance(count, int) and name != "NineBedPlus"}
_BATHROOM_NAMES = {count: name for name, count in BATHROOMS.items() if count is not None and name != "FivePlusBath"}
LEASE_TYPES = {"fixed": "Fixed", "fixed_with_rollover": "FixedWithRollover", "at_will": "AtWill"}


def country_name(iso: str) -> str:
    name = geo.ISO_TO_COUNTRY.get((iso or "US").upper())
    if name is None:
        raise Rejected(
            f"Buildium has no country for the code {iso!r}.",
            status=422,
            field_errors={"Address.Country": f"No Buildium country for {iso!r}."},
        )
    return name


def address(obj: Any) -> dict[str, Any]:
    """A portal address (Location or Home) -> SaveAddressMessage."""
    return {
        "AddressLine1": obj.address_line1 or None,
        "AddressLine2": obj.address_line2 or None,
        "City": obj.city or None,
        "State": obj.state or None,
        "PostalCode": obj.postal_code or None,
        "Country": country_name(obj.country),
    }


def property_payload(location: Any, refs: RefResolver) -> dict[str, Any]:
    """Location (kind property) -> RentalPropertyPostMessage, without OperatingBankAccountId."""
    homes = list(location.homes.values_list("home_type", flat=True)[:2])
    multi = len(homes) > 1 or "multi_family" in homes
    return {
        "Name": location.name,
        "Address": address(location),
        "RentalSubType": "MultiFamily" if multi else "SingleFamily",
    }


def bedrooms(count: int | None) -> str | None:
    if count is None:
        return None
    return "NineBedPlus" if count >= 9 else _BEDROOM_NAMES[count]


def bathrooms(count: Decimal | None) -> str | None:
    if count is None:
        return None
    if count == 0:
        return "NotSet"
    if count > 5:
        return "FivePlusBath"
    name = _BATHROOM_NAMES.get(Decimal(count).quantize(Decimal("0.1")))
    if name is None or Decimal(count) != Decimal(count).quantize(Decimal("0.5")):
        raise Rejected(
            f"Buildium has no value for {count} bathrooms: use 1 to 5 in halves, or more than 5.",
            status=422,
            field_errors={"UnitBathrooms": f"No Buildium value for {count} bathrooms."},
        )
    return name


def unit_payload(home: Any, refs: RefResolver) -> dict[str, Any]:
    """Home (under a property that is already in Buildium) -> RentalUnitsPostMessage."""
    return {
        "PropertyId": int(refs.require(home.location)),
        "UnitNumber": home.unit_number or None,
        "Address": address(home),
        "MarketRent": float(home.market_rent) if home.market_rent is not None else None,
        "UnitSize": home.size_sqft,
        "UnitBedrooms": bedrooms(home.bedrooms),
        "UnitBathrooms": bathrooms(home.bathrooms),
    }


def next_due_date(start: dt.date, due_day: int) -> dt.date:
    """The first rent due date on or after the lease start (a 31st falls on the month's last day)."""
    year, month = start.year, start.month
    while True:
        day = min(due_day, calendar.monthrange(year, month)[1])
        candidate = dt.date(year, month, day)
        if candidate >= start:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def lease_payload(lease: Any, refs: RefResolver) -> dict[str, Any]:
    """Lease -> LeasePostMessage. Tenants already in Buildium go by id, the others as new tenants."""
    home = lease.home
    tenant_ids: list[int] = []
    new_tenants: list[dict[str, Any]] = []
    for link in lease.lease_tenants.select_related("person").order_by("role", "id"):
        person = link.person
        known = refs.vendor_id(person)
        if known:
            tenant_ids.append(int(known))
        else:
            new_tenants.append(
                {
                    "FirstName": person.first_name,
                    "LastName": person.last_name,
                    "Email": person.email or None,
                    "Address": address(home),
                }
            )
    payload: dict[str, Any] = {
        "LeaseType": LEASE_TYPES.get(lease.lease_type, lease.lease_type),
        "UnitId": int(refs.require(home)),
        "LeaseFromDate": lease.start_date.isoformat(),
        "LeaseToDate": lease.end_date.isoformat() if lease.end_date else None,
        "SendWelcomeEmail": False,  # the portal, not Buildium, decides when tenants hear from anyone
        "TenantIds": tenant_ids,
        "Tenants": new_tenants,
    }
    if lease.deposit:
        payload["SecurityDeposit"] = {"DueDate": lease.start_date.isoformat(), "Amount": float(lease.deposit)}
    if lease.rent:
        due = next_due_date(lease.start_date, lease.due_day or 1)
        payload["Rent"] = {
            "Cycle": "Monthly",
            "Charges": [{"Amount": float(lease.rent), "NextDueDate": due.isoformat()}],
        }
    return payload


def property_put(payload: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """RentalPropertyPutMessage: our fields over what Buildium has (PUT blanks what it is not given)."""
    manager = current.get("RentalManager") or {}
    return {
        "Name": payload["Name"],
        "Address": payload["Address"],
        "RentalSubType": current.get("RentalSubType") or payload["RentalSubType"],
        "OperatingBankAccountId": current.get("OperatingBankAccountId") or payload.get("OperatingBankAccountId"),
        "StructureDescription": current.get("StructureDescription"),
        "Reserve": current.get("Reserve"),
        "YearBuilt": current.get("YearBuilt"),
        "PropertyManagerId": manager.get("Id"),
    }


def unit_put(payload: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    put = {
        k: payload.get(k) for k in ("UnitNumber", "Address", "MarketRent", "UnitSize", "UnitBedrooms", "UnitBathrooms")
    }
    put["Description"] = current.get("Description")
    return put


def lease_put(payload: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    return {
        "LeaseType": payload["LeaseType"],
        "UnitId": payload["UnitId"],
        "LeaseFromDate": payload["LeaseFromDate"],
        "LeaseToDate": payload.get("LeaseToDate"),
        "IsEvictionPending": bool(current.get("IsEvictionPending", False)),
        "AutomaticallyMoveOutTenants": current.get("AutomaticallyMoveOutTenants"),
    }
