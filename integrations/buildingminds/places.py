"""Portal records → the pure ``Place`` views mapping.py works on, and which records each stream covers.

The only module of the plug-in that reads the database (a location's ancestors, for the nearest site).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from integrations.buildingminds import mapping, validation
from integrations.buildingminds.mapping import Options, Place
from portal.homes.models import HomeType
from portal.locations.models import Kind, Location


def of_location(location: Location) -> Place:
    return Place(pk=location.pk, model="location", kind=location.kind, name=location.display_name or location.name,
                 external_id=location.external_id, address_line1=location.address_line1,
                 address_line2=location.address_line2, city=location.city, state=location.state,
                 postal_code=location.postal_code, country=location.country, created_at=location.created_at)


def of_home(home: Any) -> Place:
    return Place(pk=home.pk, model="home", kind=home.home_type, name=str(home), external_id=home.external_id,
                 address_line1=home.address_line1, address_line2=home.address_line2, unit_number=home.unit_number,
                 city=home.city, state=home.state, postal_code=home.postal_code, country=home.country,
                 created_at=home.created_at)


def address_refusal(place: Place, options: Options, what: str) -> str:
    """Why the place's address would be refused ("" when it would not), for a site or building that needs it."""
    found = validation.problems("address", mapping.address_body(place, options))
    if not found:
        return ""
    return f"{what[0].upper()}{what[1:]} cannot be sent to BuildingMinds: " + "; ".join(found.values())


def nearest_site(location: Location, options: Options) -> Location | None:
    """The location itself or the nearest one above it whose kind is sent as a site (one query)."""
    if location.kind in options.site_kinds and location.is_active:
        return location
    above = Location.objects.filter(pk__in=location.ancestor_ids, kind__in=options.site_kinds, is_active=True)
    return above.order_by("-depth").first()


# --- coverage: (instance, connection options) -> bool ---------------------------------------------------------
def location_is_site(location: Location, options: Mapping[str, Any]) -> bool:
    return location.is_active and location.kind in Options.from_mapping(options).site_kinds


def location_is_building(location: Location, options: Mapping[str, Any]) -> bool:
    return (location.is_active and location.kind == Kind.PROPERTY
            and Options.from_mapping(options).property_buildings)


def location_has_address(location: Location, options: Mapping[str, Any]) -> bool:
    return location_is_site(location, options) or location_is_building(location, options)


def home_is_building(home: Any, options: Mapping[str, Any]) -> bool:
    choice = Options.from_mapping(options).home_buildings
    return choice == "all" or (choice == "single_family" and home.home_type == HomeType.SINGLE_FAMILY)
