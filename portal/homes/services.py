"""Writes to homes, people and homeownership."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from portal.accounts.models import Organization
from portal.core.errors import DomainError
from portal.core.events import emit_change
from portal.core.services import apply_fields, save_validated
from portal.homes.models import Home, Homeownership, OwnershipType, Person
from portal.locations.models import HOME_PARENT_KINDS, Kind, Location
from portal.locations.services import check_active_chain

HOME_FIELDS = {
    "external_id", "address_line1", "address_line2", "city", "state", "postal_code", "country", "home_type",
    "unit_number", "bedrooms", "bathrooms", "size_sqft", "market_rent", "status",
}
PERSON_FIELDS = {
    "external_id", "prefix", "first_name", "middle_name", "last_name", "suffix", "email", "alternate_email",
    "phone", "alternate_phone",
}


def _normalize_home(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if isinstance(data.get("state"), str):
        data["state"] = data["state"].strip().upper()
    if isinstance(data.get("country"), str):
        data["country"] = data["country"].strip().upper()
    for key in ("address_line1", "address_line2", "city", "postal_code", "unit_number"):
        if isinstance(data.get(key), str):
            data[key] = data[key].strip()
    return data


def check_home_location(organization: Organization, location: Location) -> None:
    if location.organization_id != organization.pk:
        raise DomainError({"location": "The location belongs to another organization."}, code="invalid_parent")
    if location.kind not in HOME_PARENT_KINDS:
        kinds = " or ".join(Kind(k).label.lower() for k in HOME_PARENT_KINDS)
        raise DomainError(
            {"location": f"A home must stand under a {kinds}, not a {location.get_kind_display().lower()}."},
            code="invalid_kind",
        )
    check_active_chain(location, "home")


@transaction.atomic
def create_home(organization: Organization, *, location: Location, **fields: Any) -> Home:
    check_home_location(organization, location)
    home = Home(organization=organization, location=location)
    apply_fields(home, _normalize_home(fields), HOME_FIELDS)
    return save_validated(home, "create")  # type: ignore[return-value]


@transaction.atomic
def update_home(home: Home, *, location: Location | None = None, **fields: Any) -> Home:
    changed = apply_fields(home, _normalize_home(fields), HOME_FIELDS)
    if location is not None and location.pk != home.location_id:
        check_home_location(home.organization, location)
        home.location = location
        changed.add("location")
    if changed:
        save_validated(home, "update", changed)
    return home


def _normalize_person(data: dict[str, Any]) -> dict[str, Any]:
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    for key in ("email", "alternate_email"):
        if isinstance(data.get(key), str):
            data[key] = data[key].lower()
    return data


@transaction.atomic
def create_person(organization: Organization, **fields: Any) -> Person:
    person = Person(organization=organization)
    apply_fields(person, _normalize_person(fields), PERSON_FIELDS)
    return save_validated(person, "create")  # type: ignore[return-value]


@transaction.atomic
def update_person(person: Person, **fields: Any) -> Person:
    changed = apply_fields(person, _normalize_person(fields), PERSON_FIELDS)
    if changed:
        save_validated(person, "update", changed)
    return person


@transaction.atomic
def set_homeowner(home: Home, person: Person, ownership_type: str = OwnershipType.PRIMARY) -> Homeownership:
    """Link ``person`` to ``home`` as an owner of the given type (creating or updating the link)."""
    if person.organization_id != home.organization_id:
        raise DomainError({"person": "The person belongs to another organization."}, code="invalid_parent")
    if ownership_type not in OwnershipType.values:
        raise DomainError({"ownership_type": f"Unknown ownership type “{ownership_type}”."})
    link = Homeownership.objects.filter(home=home, person=person).first()
    if link is None:
        link = Homeownership(organization_id=home.organization_id, home=home, person=person,
                             ownership_type=ownership_type)
        return save_validated(link, "create")  # type: ignore[return-value]
    if link.ownership_type != ownership_type:
        link.ownership_type = ownership_type
        save_validated(link, "update", {"ownership_type"})
    return link


@transaction.atomic
def remove_homeowner(link: Homeownership) -> None:
    emit_change(link, "delete")
    link.delete()
