"""A deterministic Buildium portfolio for the sandbox: rental properties, units, leases, tenants, owners, files.

``generate(n)`` makes n units spread over properties (a third single-family with one unit, the rest multi-family
with 2-16), a lease on most units (some also with a past lease), one or two tenants per lease, an owner per few
properties, and files on some leases and properties. The same n always gives the same records.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

Record = dict[str, Any]
BASE_TIME = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
_STREETS = ("Maple", "Oak", "Cedar", "Birch", "Elm", "Walnut", "Spruce", "Willow", "Aspen", "Hickory")
_CITIES = (
    ("Dayton", "OH", "454"),
    ("Columbus", "OH", "432"),
    ("Austin", "TX", "787"),
    ("Denver", "CO", "802"),
    ("Raleigh", "NC", "276"),
    ("Tampa", "FL", "336"),
    ("Boise", "ID", "837"),
    ("Madison", "WI", "537"),
)
_FIRST = ("Ada", "Bo", "Cy", "Dee", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kai", "Lena", "Milo", "Nia")
_LAST = ("Park", "Lind", "Moss", "Reyes", "Okafor", "Novak", "Singh", "Brown", "Tanaka", "Costa", "Meyer")
_BEDS = ("Studio", "OneBed", "TwoBed", "ThreeBed", "FourBed")
_BATHS = ("OneBath", "OnePointFiveBath", "TwoBath", "TwoPointFiveBath", "ThreeBath")
CATEGORIES = (
    {"Id": 1, "Name": "Uncategorized", "IsEditable": False},
    {"Id": 2, "Name": "Lease documents", "IsEditable": True},
    {"Id": 3, "Name": "Inspections", "IsEditable": True},
)


def stamp(when: dt.datetime) -> str:
    """Buildium date-time as it appears in bodies: UTC with a 7-digit fraction (e.g. EventDateTime)."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


def lease_status(start: dt.date, end: dt.date | None, today: dt.date) -> str:
    if start > today:
        return "Future"
    if end is not None and end < today:
        return "Past"
    return "Active"


class Generator:
    def __init__(self, n: int, today: dt.date) -> None:
        self.rng = random.Random(n)
        self.n = n
        self.today = today
        self.tick = 0
        self.ids = {"rentals": 0, "units": 0, "leases": 0, "tenants": 0, "owners": 0, "files": 0}

    def _next(self, collection: str) -> int:
        self.ids[collection] += 1
        return self.ids[collection]

    def _updated(self) -> dt.datetime:
        self.tick += 1
        return BASE_TIME + dt.timedelta(seconds=self.tick * 7)

    def records(self) -> Iterator[tuple[str, Record]]:
        units_made = 0
        while units_made < self.n:
            single = self.rng.random() < 0.33
            count = 1 if single else min(self.rng.randint(2, 16), self.n - units_made)
            yield from self._property(count, single and count == 1)
            units_made += count

    def _address(self, number: int, unit: str | None = None) -> Record:
        city, state, zip3 = self.rng.choice(_CITIES)
        return {
            "AddressLine1": f"{number} {self.rng.choice(_STREETS)} St",
            "AddressLine2": unit,
            "AddressLine3": None,
            "City": city,
            "State": state,
            "PostalCode": f"{zip3}{self.rng.randint(0, 99):02d}",
            "Country": "UnitedStates",
        }

    def _property(self, count: int, single: bool) -> Iterator[tuple[str, Record]]:
        pid = self._next("rentals")
        address = self._address(100 + pid)
        subtype = "SingleFamily" if single else "MultiFamily"
        yield (
            "rentals",
            {
                "Id": pid,
                "Name": f"{address['AddressLine1']} {'House' if single else 'Apartments'}",
                "StructureDescription": None,
                "NumberUnits": count,
                "IsActive": True,
                "OperatingBankAccountId": 1,
                "Reserve": 0.0,
                "Address": address,
                "YearBuilt": 1950 + pid % 70,
                "RentalType": "Residential",
                "RentalSubType": subtype,
                "RentalManager": None,
                "_updated": self._updated(),
            },
        )
        if pid % 4 == 1:
            yield "owners", self._owner(pid)
        if pid % 20 == 1:
            yield "files", self._file("Rental", pid, "Property insurance certificate")
        for u in range(count):
            yield from self._unit(pid, address, u, single)

    def _unit(self, pid: int, address: Record, index: int, single: bool) -> Iterator[tuple[str, Record]]:
        uid = self._next("units")
        number = "1" if single else f"{index // 4 + 1}{'ABCD'[index % 4]}"
        yield (
            "units",
            {
                "Id": uid,
                "PropertyId": pid,
                "BuildingName": None,
                "UnitNumber": number,
                "Description": None,
                "MarketRent": float(self.rng.randrange(800, 3200, 25)),
                "Address": {**address, "AddressLine2": None if single else f"Unit {number}"},
                "UnitBedrooms": self.rng.choice(_BEDS),
                "UnitBathrooms": self.rng.choice(_BATHS),
                "UnitSize": self.rng.randrange(400, 2400, 10),
                "IsUnitListed": False,
                "IsUnitOccupied": True,
                "_updated": self._updated(),
            },
        )
        if self.rng.random() < 0.2:
            start = self.today.replace(day=1) - dt.timedelta(days=730)
            yield from self._lease(pid, uid, number, start, start + dt.timedelta(days=364))
        if self.rng.random() < 0.85:
            start = (self.today - dt.timedelta(days=self.rng.randint(0, 330))).replace(day=1)
            at_will = self.rng.random() < 0.15
            yield from self._lease(pid, uid, number, start, None if at_will else start + dt.timedelta(days=364))

    def _lease(
        self, pid: int, uid: int, unit_number: str, start: dt.date, end: dt.date | None
    ) -> Iterator[tuple[str, Record]]:
        lid = self._next("leases")
        status = lease_status(start, end, self.today)
        tenants = []
        for _ in range(self.rng.choice((1, 1, 2))):
            tid = self._next("tenants")
            first, last = self.rng.choice(_FIRST), self.rng.choice(_LAST)
            tenants.append(
                {"Id": tid, "FirstName": first, "LastName": last, "Email": f"{first}.{last}.{tid}@example.com".lower()}
            )
            yield (
                "tenants",
                {
                    "Id": tid,
                    "FirstName": first,
                    "LastName": last,
                    "Email": tenants[-1]["Email"],
                    "AlternateEmail": None,
                    "PhoneNumbers": [{"Number": f"555-{tid % 10000:04d}", "Type": "Cell"}],
                    "CreatedDateTime": stamp(BASE_TIME),
                    "DateOfBirth": None,
                    "SMSOptInStatus": None,
                    "Address": None,
                    "AlternateAddress": None,
                    "MailingPreference": None,
                    "Comment": None,
                    "TaxId": None,
                    "EmergencyContact": None,
                    "_lease_ids": [lid],
                    "_updated": self._updated(),
                },
            )
        rent = float(self.rng.randrange(800, 3200, 25))
        moved = "MovedOut" if status == "Past" else ("Future" if status == "Future" else "Current")
        yield (
            "leases",
            lease_record(
                lid,
                pid,
                uid,
                unit_number,
                start,
                end,
                "AtWill" if end is None else "Fixed",
                status,
                rent,
                rent,
                start.day,
                tenants,
                moved,
                self._updated(),
            ),
        )
        if lid % 10 == 1:
            yield "files", self._file("Lease", lid, "Signed lease")

    def _owner(self, pid: int) -> Record:
        oid = self._next("owners")
        company = oid % 3 == 0
        first, last = self.rng.choice(_FIRST), self.rng.choice(_LAST)
        return {
            "Id": oid,
            "IsCompany": company,
            "IsActive": True,
            "FirstName": None if company else first,
            "LastName": None if company else last,
            "CompanyName": f"{last} Holdings LLC" if company else None,
            "PhoneNumbers": [{"Number": f"555-9{oid % 1000:03d}", "Type": "Office"}],
            "Email": f"owner{oid}@example.com",
            "AlternateEmail": None,
            "Comment": None,
            "Address": None,
            "ManagementAgreementStartDate": "2024-01-01",
            "ManagementAgreementEndDate": None,
            "PropertyIds": [pid],
            "TaxInformation": None,
            "_updated": self._updated(),
        }

    def _file(self, entity_type: str, entity_id: int, title: str) -> Record:
        fid = self._next("files")
        content = f"{title} #{fid} for {entity_type} {entity_id}\n".encode()
        return file_record(
            fid,
            entity_type,
            entity_id,
            title,
            f"seed-{fid:06d}.txt",
            len(content),
            "text/plain",
            2 if entity_type == "Lease" else 1,
            self._updated(),
        ) | {"_content": content}


def lease_record(
    lid: int,
    pid: int,
    uid: int,
    unit_number: str,
    start: dt.date,
    end: dt.date | None,
    lease_type: str,
    status: str,
    rent: float | None,
    deposit: float | None,
    due_day: int,
    tenants: list[Record],
    tenant_status: str,
    updated: dt.datetime,
) -> Record:
    return {
        "Id": lid,
        "PropertyId": pid,
        "UnitId": uid,
        "UnitNumber": unit_number,
        "LeaseFromDate": start.isoformat(),
        "LeaseToDate": end.isoformat() if end else None,
        "LeaseType": lease_type,
        "LeaseStatus": status,
        "IsEvictionPending": False,
        "TermType": "MonthToMonth" if end is None else "Standard",
        "RenewalOfferStatus": None,
        "CurrentTenants": tenants if status != "Past" else [],
        "CurrentNumberOfOccupants": len(tenants),
        "AccountDetails": {"SecurityDeposit": deposit, "Rent": rent},
        "Cosigners": [],
        "AutomaticallyMoveOutTenants": False,
        "CreatedDateTime": stamp(updated),
        "LastUpdatedDateTime": stamp(updated),
        "MoveOutData": [],
        "PaymentDueDay": due_day,
        "Tenants": [{"Id": t["Id"], "Status": tenant_status, "MoveInDate": start.isoformat()} for t in tenants],
        "_updated": updated,
    }


def file_record(
    fid: int,
    entity_type: str,
    entity_id: int,
    title: str,
    physical: str,
    size: int,
    content_type: str,
    category: int,
    uploaded: dt.datetime,
) -> Record:
    return {
        "Id": fid,
        "FileEntity": {"Id": entity_id, "EntityType": entity_type, "Href": None},
        "CategoryId": category,
        "Title": title,
        "Description": None,
        "PhysicalFileName": physical,
        "Size": size,
        "ContentType": content_type,
        "UploadedDateTime": stamp(uploaded),
        "_updated": uploaded,
    }
