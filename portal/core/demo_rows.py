"""Deterministic demo rows: home number ``i`` always gets the same address, owners and lease.

Each record draws from its own random generator seeded with its key, so ``--homes 500`` after ``--homes 300``
keeps the first 300 homes as they were and only adds the rest, and two runs produce the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from portal.core.demo_data import FIRST_NAMES, LAST_NAMES, STREETS, SUFFIXES, Node, Place

SEED = "lintel-demo-2026"
# Share of homes with a lease, and how those leases spread over the lifecycle (cumulative thresholds).
LEASED_SHARE = 2 / 3
STATUS_THRESHOLDS = (("draft", 0.08), ("active", 0.50), ("renewed", 0.65), ("ended", 0.87), ("terminated", 1.0))


def rng_for(key: str) -> random.Random:
    return random.Random(f"{SEED}:{key}")


def home_key(i: int) -> str:
    return f"DEMO-H-{i:05d}"


def lease_key(i: int) -> str:
    return f"DEMO-L-{i:05d}"


@dataclass(frozen=True)
class HomeRow:
    key: str
    location_key: str
    address_line1: str
    unit_number: str
    place: Place
    home_type: str
    bedrooms: int
    bathrooms: Decimal
    size_sqft: int
    market_rent: Decimal
    status: str


@dataclass(frozen=True)
class PersonRow:
    key: str
    first_name: str
    last_name: str
    email: str
    phone: str


@dataclass(frozen=True)
class LeaseRow:
    key: str
    status: str
    lease_type: str
    start_date: dt.date
    end_date: dt.date | None
    rent: Decimal
    due_day: int
    tenant_count: int


def home_row(i: int, neighborhoods: list[Node], properties: list[Node]) -> HomeRow:
    """Every fifth home is a unit of a property; the others are single-family homes in a neighborhood."""
    r = rng_for(home_key(i))
    status = "pending" if r.random() < 0.05 else "inactive" if r.random() < 0.03 else "active"
    if i % 5 == 0:
        prop = properties[(i // 5) % len(properties)]
        floor, unit = 1 + (i // 15) % 4, 1 + (i // 60)
        beds = r.choice((1, 1, 2, 2, 3))
        size = 550 + beds * 300 + r.randrange(0, 150)
        return HomeRow(home_key(i), prop.key, prop.address, f"{floor}{unit:02d}", prop.place,  # type: ignore[arg-type]
                       "multi_family", beds, Decimal(1 + (beds > 1)), size, _rent(size, 1.75, r), status)
    hood = neighborhoods[i % len(neighborhoods)]
    beds = r.choice((2, 3, 3, 3, 4, 4, 5))
    size = 900 + beds * 380 + r.randrange(0, 400)
    baths = Decimal(r.choice((1, 2, 2, 2, 3)) + (0.5 if r.random() < 0.4 else 0)).quantize(Decimal("0.1"))
    street = f"{100 + r.randrange(0, 90) * 10 + i % 9} {r.choice(STREETS)} {r.choice(SUFFIXES)}"
    return HomeRow(home_key(i), hood.key, street, "", hood.place, "single_family", beds, baths, size,  # type: ignore[arg-type]
                   _rent(size, 1.15, r), status)


def _rent(size: int, per_sqft: float, r: random.Random) -> Decimal:
    return Decimal(round(size * per_sqft * r.uniform(0.9, 1.1) / 25) * 25).quantize(Decimal("0.01"))


def person_row(key: str, place: Place, last_name: str | None = None) -> PersonRow:
    r = rng_for(key)
    first, last = r.choice(FIRST_NAMES), last_name or r.choice(LAST_NAMES)
    _, role, number, n = key.rsplit("-", 3)  # DEMO-P-<O|T>-<home>-<n>: unique, so no two people share an address
    email = f"{first}.{last}.{int(number)}{role}{n}@example.com".lower().replace(" ", "")
    return PersonRow(key, first, last, email, f"({place.area_code}) 555-01{r.randrange(0, 100):02d}")


def owner_rows(i: int, home: HomeRow) -> list[PersonRow]:
    """A single-family home has an owner, and one in four a second owner of the same family; units have none."""
    if home.home_type != "single_family":
        return []
    first = person_row(f"DEMO-P-O-{i:05d}-1", home.place)
    if rng_for(f"owners-{i}").random() < 0.25:
        return [first, person_row(f"DEMO-P-O-{i:05d}-2", home.place, last_name=first.last_name)]
    return [first]


def lease_row(i: int, home: HomeRow, today: dt.date) -> LeaseRow | None:
    """About two homes in three have a lease; its dates follow its status (a few active ones end within 60 days)."""
    r = rng_for(lease_key(i))
    if r.random() >= LEASED_SHARE:
        return None
    pick = r.random()
    status = next(name for name, limit in STATUS_THRESHOLDS if pick < limit)
    if home.status == "inactive" and status in ("draft", "active", "renewed"):
        status = "ended"  # nobody lives in, or is about to move into, a home taken off the market
    lease_type = "fixed" if r.random() < 0.8 else r.choice(("fixed_with_rollover", "at_will"))
    if status == "draft":
        start = today + dt.timedelta(days=r.randrange(7, 45))
    elif status == "active":
        start = today - dt.timedelta(days=r.randrange(30, 364))
    elif status == "renewed":
        start = today - dt.timedelta(days=r.randrange(400, 700))
    elif status == "ended":
        start = today - dt.timedelta(days=r.randrange(500, 1100))
    else:
        start = today - dt.timedelta(days=r.randrange(200, 600))
    start = start.replace(day=1) if r.random() < 0.7 else start
    months = 24 if status == "renewed" else 12
    end = _add_months(start, months) - dt.timedelta(days=1)
    if lease_type == "at_will" and status in ("draft", "active"):
        end = None
    rent = (home.market_rent * Decimal(str(round(r.uniform(0.95, 1.03), 2)))).quantize(Decimal("1"))
    tenants = 1 + (r.random() < 0.45) + (r.random() < 0.08)
    return LeaseRow(lease_key(i), status, lease_type, start, end, rent, r.choice((1, 1, 1, 5)), tenants)


def tenant_rows(i: int, lease: LeaseRow, place: Place) -> list[PersonRow]:
    first = person_row(f"DEMO-P-T-{i:05d}-1", place)
    rows = [first]
    for n in range(2, lease.tenant_count + 1):
        rows.append(person_row(f"DEMO-P-T-{i:05d}-{n}", place, last_name=first.last_name if n == 2 else None))
    return rows


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, 28))
