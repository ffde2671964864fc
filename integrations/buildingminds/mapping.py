"""Pure mapping: portal records (as ``Place`` views) → BuildingMinds request bodies, and a batch's inbound messages →
the engine's verdict. No database, no HTTP: plugin.py builds the views, the tests feed fixtures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from integrations.base import Confirmation
from integrations.buildingminds.types import (
    COMPLETED,
    FAILED_STATUSES,
    LIMITS,
    PROGRESS_ORDER,
    AddressRequest,
    BatchMessage,
    BuildingRequest,
    SiteRequest,
)

HOME_BUILDINGS = ("single_family", "all", "none")


def _flag(value: Any) -> bool:
    """Options arrive as JSON or form text: true/false, "true"/"false", "1"/"0", "on"/"off"."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


@dataclass(frozen=True)
class Options:
    """The connection's choices (README: "Which portal records become what")."""

    site_kinds: tuple[str, ...] = ("neighborhood", "property")
    property_buildings: bool = True
    home_buildings: str = "single_family"
    site_type: str = "Residential"
    id_prefix: str = "lintel"
    address_fields: str = "extended"
    valid_from: str = ""

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any]) -> Options:
        kinds = options.get("site_kinds", cls.site_kinds)
        if isinstance(kinds, str):
            kinds = [k for k in (part.strip().lower() for part in kinds.split(",")) if k]
        homes = str(options.get("home_buildings") or cls.home_buildings)
        return cls(
            site_kinds=tuple(kinds),
            property_buildings=_flag(options.get("property_buildings", cls.property_buildings)),
            home_buildings=homes if homes in HOME_BUILDINGS else cls.home_buildings,
            site_type=str(options.get("site_type") or cls.site_type),
            id_prefix=str(options.get("id_prefix") or cls.id_prefix).strip(),
            address_fields=str(options.get("address_fields") or cls.address_fields),
            valid_from=str(options.get("valid_from") or "").strip(),
        )


@dataclass(frozen=True)
class Place:
    """A portal location or home as BuildingMinds sees it: a name, an address, a creation time."""

    pk: int
    model: str  # "location" | "home"
    kind: str  # location kind, or home type
    name: str
    external_id: str = ""
    address_line1: str = ""
    address_line2: str = ""
    unit_number: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    created_at: dt.datetime | None = None


def record_id(place: Place, options: Options) -> str:
    """Our id for the record at BuildingMinds (the same for its address, site and building: separate namespaces).
    From the primary key, so it never changes when the record's own external id does."""
    return f"{options.id_prefix}-{'loc' if place.model == 'location' else 'home'}-{place.pk}"


def timestamp(moment: dt.datetime) -> str:
    """``yyyy-mm-ddThh:mm:ssZ`` in UTC; four-digit years at both ends of the calendar (strftime drops zeros)."""
    utc = moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return (f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z")


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _fit(text: str, limit: int) -> str:
    """A label cut to the vendor's length with an ellipsis (names are labels; the portal keeps the full one)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def address_body(place: Place, options: Options) -> AddressRequest:
    body: dict[str, Any] = {"addressId": record_id(place, options), "city": _clean(place.city),
                            "country": _clean(place.country).upper()}
    unit, line1, line2 = _clean(place.unit_number), _clean(place.address_line1), _clean(place.address_line2)
    region, postal = _clean(place.state).upper(), _clean(place.postal_code)
    if unit:
        body["apartmentOrUnit"] = unit
    if options.address_fields == "documented":  # only the published fields: the street goes in the free text
        info = ", ".join(p for p in (line1, line2, " ".join(p for p in (region, postal) if p)) if p)
    else:
        body.update({k: v for k, v in (("street", line1), ("postalCode", postal), ("region", region)) if v})
        info = line2
    if info:
        body["additionalInformation"] = info
    return body  # type: ignore[return-value]


def site_body(place: Place, address_ids: Sequence[str], options: Options) -> SiteRequest:
    valid_from = options.valid_from or (timestamp(place.created_at) if place.created_at else "")
    body: dict[str, Any] = {
        "siteId": record_id(place, options), "name": _fit(_clean(place.name), LIMITS["name"]),
        "addressIds": list(address_ids), "type": options.site_type, "validFrom": valid_from,
        "extensionData": {"source": "lintel", "kind": place.kind, "portalId": place.pk},
    }
    code = _clean(place.external_id)
    if code and len(code) <= LIMITS["siteCode"]:
        body["siteCode"] = code
    return body  # type: ignore[return-value]


def building_body(place: Place, address_ids: Sequence[str], site_ids: Sequence[str],
                  options: Options) -> BuildingRequest:
    body: dict[str, Any] = {"buildingId": record_id(place, options), "addressIds": list(address_ids),
                            "siteIds": list(site_ids)}
    code = _clean(place.external_id)
    if code and len(code) <= LIMITS["buildingCode"]:
        body["buildingCode"] = code
    return body  # type: ignore[return-value]


def with_event(entity: str, body: Mapping[str, Any], created: bool) -> dict[str, Any]:
    """Sites and buildings say what happened (SiteAdded / BuildingUpdated); addresses have no published event."""
    if entity == "address":
        return dict(body)
    return {**body, "eventType": f"{entity.capitalize()}{'Added' if created else 'Updated'}"}


def _reason(message: Mapping[str, Any]) -> str:
    for key in ("errorMessage", "message", "error", "details", "reason"):
        value = message.get(key)
        if value:
            return value if isinstance(value, str) else str(value)
    return ""


def batch_verdict(messages: Sequence[BatchMessage]) -> Confirmation:
    """One record per batch: Completed everywhere → confirmed; any final failure → failed with the vendor's words;
    otherwise pending at the least advanced status (New with missing dependencies says so)."""
    if not messages:
        return Confirmation("pending", "New", "the batch has no messages yet")
    failed = [m for m in messages if m.get("status") in FAILED_STATUSES]
    if failed:
        reasons = list(dict.fromkeys(r for r in (_reason(m) for m in failed) if r))
        return Confirmation("failed", str(failed[0]["status"]), "; ".join(reasons)[:2000])
    if all(m.get("status") == COMPLETED for m in messages):
        return Confirmation("confirmed", COMPLETED)
    waiting = [m for m in messages if m.get("status") != COMPLETED]
    rank = {status: i for i, status in enumerate(PROGRESS_ORDER)}
    least = min(waiting, key=lambda m: rank.get(str(m.get("status")), -1))
    if least.get("missingDependencies"):
        return Confirmation("pending", str(least.get("status") or "New"),
                            "waiting for a record it refers to (missing dependencies)")
    return Confirmation("pending", str(least.get("status") or "New"), _reason(least))
