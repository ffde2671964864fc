"""Global search: one query per kind of record (plus one for lease tenants), whatever the data size."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace

from portal.accounts.scoping import Tenant, scoped
from portal.homes.models import Home, Person
from portal.leases.models import Lease, LeaseTenant
from portal.locations.models import Location

MIN_LENGTH = 2
LIMIT = 20  # per kind: a search is for finding one record, not for listing
PHONE_PUNCTUATION = (" ", "-", "(", ")", ".", "+")


@dataclass
class Results:
    query: str
    locations: list[Location] = field(default_factory=list)
    homes: list[Home] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    leases: list[Lease] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        """Some kind reached its limit: there may be more matches than shown."""
        return any(len(found) >= LIMIT for found in (self.locations, self.homes, self.people, self.leases))

    @property
    def total(self) -> int:
        return len(self.locations) + len(self.homes) + len(self.people) + len(self.leases)


def _terms(query: str) -> list[str]:
    return [t for t in query.split() if t][:6]


def _each_term_matches(terms: list[str], lookups: list[str]) -> Q:
    """Every word of the query matches one of the fields ("ada park" finds Ada Park)."""
    return reduce(and_, (reduce(or_, (Q(**{f"{lk}__icontains": t}) for lk in lookups)) for t in terms))


def _digits(query: str) -> str:
    return re.sub(r"\D", "", query)


def _bare_phone(prefix: str, name: str) -> Any:
    """The phone column with its punctuation removed, so "555 0100" finds "(555) 010-0"."""
    expression: Any = F(f"{prefix}{name}")
    for char in PHONE_PUNCTUATION:
        expression = Replace(expression, Value(char), Value(""))
    return expression


def _person_q(query: str, prefix: str = "") -> tuple[Q, dict[str, Any]]:
    terms = _terms(query)
    names = [f"{prefix}{f}" for f in ("first_name", "last_name", "middle_name", "email", "alternate_email",
                                       "external_id", "phone", "alternate_phone")]
    q = _each_term_matches(terms, names)
    annotations: dict[str, Any] = {}
    digits = _digits(query)
    # Only a query that looks like a phone number is compared digit by digit ("11020 Big Bend" is an address).
    if len(digits) >= 4 and not re.search(r"[^\d\s\-().+]", query):
        annotations = {"_phone": _bare_phone(prefix, "phone"), "_alt_phone": _bare_phone(prefix, "alternate_phone")}
        q |= Q(_phone__contains=digits) | Q(_alt_phone__contains=digits)
    return q, annotations


def search(tenant: Tenant, query: str) -> Results:
    query = query.strip()[:100]
    results = Results(query=query)
    if len(query) < MIN_LENGTH:
        return results
    terms = _terms(query)
    results.locations = list(
        scoped(Location, tenant).filter(_each_term_matches(
            terms, ["name", "display_name", "abbreviation", "external_id", "address_line1", "city", "postal_code"]
        ))[:LIMIT]
    )
    results.homes = list(
        scoped(Home, tenant).select_related("location").filter(_each_term_matches(
            terms, ["address_line1", "address_line2", "unit_number", "city", "postal_code", "external_id"]
        ))[:LIMIT]
    )
    person_q, annotations = _person_q(query)
    results.people = list(scoped(Person, tenant).annotate(**annotations).filter(person_q)[:LIMIT])
    results.leases = _leases(tenant, query)
    return results


def _leases(tenant: Tenant, query: str) -> list[Lease]:
    """Leases found by a tenant's name, e-mail or phone, or by the lease's own external id."""
    person_q, annotations = _person_q(query, prefix="person__")
    tenant_leases = scoped(LeaseTenant, tenant).annotate(**annotations).filter(person_q).values("lease_id")
    found: QuerySet[Lease] = scoped(Lease, tenant).filter(
        Q(pk__in=tenant_leases) | Q(external_id__iexact=query)
    )
    tenants = Prefetch("lease_tenants", queryset=scoped(LeaseTenant, tenant).select_related("person"))
    return list(found.select_related("home").prefetch_related(tenants).order_by("-start_date", "pk")[:LIMIT])
