"""Pure mapping between portal records and Builder Backed payloads (no database, no HTTP).

The plug-in turns model instances and ExternalRefs into the small views below; everything here is plain data in,
plain data out, so it is tested from JSON fixtures. Pushes are wrapped in an *envelope*: the vendor body plus
what the client needs to route it (level, home, desired active state) and, when the portal already knows the
vendor would refuse it, the refusal, so ``validate`` fails the push before anything is sent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypedDict
from zoneinfo import ZoneInfo

from integrations.base import MappingError
from integrations.builderbacked.types import (
    DocumentV2,
    ExternalDocumentRequestV2,
    ExternalHomeRequestV3,
    HomeUserRequestV2,
    Region,
)

# Portal location kind -> (path segment at Builder Backed, field naming the parent, the vendor's name for it).
LEVELS: dict[str, tuple[str, str, str]] = {
    "division": ("divisions", "regionName", "Division"),
    "master_community": ("master-communities", "divisionExternalId", "Master Community"),
    "neighborhood": ("neighborhoods", "masterCommunityExternalId", "Neighborhood"),
}
HOME_TYPES = {"single_family": "Single Family", "multi_family": "Multi Family"}
# Builder Backed categories are free text; these follow the guide's common ones where one fits.
CATEGORIES = {
    "warranty": "Warranty", "plan": "Home", "lease": "Contract", "inspection": "Inspection",
    "insurance": "Insurance", "maintenance": "Maintenance", "other": "Other",
}
# Identity papers and income proofs stay in the portal: homeowner apps and service providers have no need of them.
PRIVATE_CATEGORIES = frozenset({"identity", "income"})
ID_PREFIX = "lnt"


def default_external_id(what: str, pk: int) -> str:
    """The stable id used at the vendor for a record that has no external id of its own: ``lnt-home-42``."""
    return f"{ID_PREFIX}-{what}-{pk}"


@dataclass(frozen=True)
class Node:
    """One portal location as seen from Builder Backed."""

    pk: int
    kind: str
    name: str
    external_id: str = ""
    display_name: str = ""
    abbreviation: str = ""
    is_active: bool = True
    vendor_id: str | None = None  # its key at Builder Backed in this connection (ExternalRef), when it has one
    confirmed: bool | None = None  # the vendor has acknowledged it (None: whenever it has a vendor id)

    @property
    def linked(self) -> bool:
        """At the vendor for sure: pulled from it, or pushed and answered (a reserved id is not enough)."""
        return self.vendor_id is not None if self.confirmed is None else self.confirmed

    @property
    def bb_id(self) -> str:
        """Its key at Builder Backed: what it was pushed (or pulled) as, else what it would be pushed as.

        A region is addressed by its name (divisions send ``regionName``); the rest by external id.
        """
        if self.vendor_id:
            return self.vendor_id
        if self.kind == "region":
            return self.name
        return self.external_id.strip() or default_external_id("loc", self.pk)


class Refusal(TypedDict):
    """What the vendor would answer, known before sending."""

    status: int
    message: str
    field: str | None
    detail: str


def not_found(node: Node) -> str:
    """The vendor's message for a parent that is missing or sits under an inactive chain."""
    if node.kind == "region":
        return f"Region '{node.bb_id}' not found"
    return f"{LEVELS[node.kind][2]} with external ID '{node.bb_id}' not found"


def chain_refusal(chain: Sequence[Node], *, pushing_active: bool = True) -> Refusal | None:
    """Refuse a push whose parent chain (immediate parent first, up to the region) the vendor would not find.

    Builder Backed answers 404 naming the immediate parent when it, or anything above it, is missing or inactive.
    A region counts as present only when it was pulled from Builder Backed (regions are activated by the vendor,
    never pushed). A parent the portal has not pushed *yet* is not a refusal: see ``pending``.
    Deactivating a record that is already at the vendor needs no chain (``pushing_active=False``).
    """
    if not pushing_active or not chain:
        return None
    for node in chain:
        if not node.is_active or (node.kind == "region" and not node.linked):
            state = "inactive" if not node.is_active else "not among the regions Builder Backed lists"
            return Refusal(status=404, message=not_found(chain[0]), field=None,
                           detail=f"{node.kind.replace('_', ' ')} “{node.name}” is {state}")
    return None


def pending(chain: Sequence[Node]) -> Node | None:
    """The first parent the portal will push but has not pushed yet (the push waits for it)."""
    return next((n for n in chain if n.kind != "region" and not n.linked), None)


def _optional(body: dict[str, Any], **values: str | None) -> None:
    for key, value in values.items():
        if value:
            body[key] = value


def location_envelope(node: Node, chain: Sequence[Node]) -> dict[str, Any]:
    """Division, master community or neighborhood -> its request, with the parent taken from ``chain[0]``."""
    segment, parent_field, _label = LEVELS[node.kind]
    body: dict[str, Any] = {"externalId": node.bb_id, "name": node.name}
    body[parent_field] = chain[0].bb_id if chain else ""
    _optional(body, displayName=node.display_name, abbreviatedName=node.abbreviation)
    refusal = chain_refusal(chain, pushing_active=node.is_active or not node.linked)
    return _envelope(body, refusal, level=segment, active=node.is_active)


class HomeLike(Protocol):
    pk: int
    external_id: str
    address_line1: str
    address_line2: str
    unit_number: str
    city: str
    state: str
    postal_code: str
    home_type: str


def home_external_id(home: HomeLike, vendor_id: str | None = None) -> str:
    return vendor_id or home.external_id.strip() or default_external_id("home", home.pk)


def home_envelope(home: HomeLike, chain: Sequence[Node], vendor_id: str | None = None) -> dict[str, Any]:
    """Home -> ExternalHomeRequestV3. ``chain`` starts at the home's neighborhood (empty: none above it).

    The unit number leads addressLine2 ("Unit 4B, Building C"), which the guide describes as apartment/unit.
    An unknown home type is passed through unchanged so validation refuses it with the vendor's own message.
    """
    line2 = ", ".join(p for p in (f"Unit {home.unit_number}" if home.unit_number else "", home.address_line2) if p)
    body: ExternalHomeRequestV3 = {
        "externalId": home_external_id(home, vendor_id),
        "addressLine1": home.address_line1,
        "city": home.city,
        "state": (home.state or "").strip().upper(),
        "postalCode": home.postal_code,
        "type": HOME_TYPES.get(home.home_type, home.home_type),  # type: ignore[typeddict-item]
        "neighborhoodExternalId": chain[0].bb_id if chain else "",
    }
    _optional(body, addressLine2=line2)  # type: ignore[arg-type]
    return _envelope(body, chain_refusal(chain) if chain else None)


class PersonLike(Protocol):
    email: str
    prefix: str
    first_name: str
    middle_name: str
    last_name: str
    suffix: str


def homeowner_envelope(home_bb_id: str, person: PersonLike, ownership_type: str) -> dict[str, Any]:
    """Homeownership -> HomeUserRequestV2, added to the home by e-mail (the vendor's key for homeowners)."""
    body: HomeUserRequestV2 = {"email": (person.email or "").strip().lower()}
    _optional(body, prefix=person.prefix, firstName=person.first_name, middleName=person.middle_name,  # type: ignore[arg-type]
              lastName=person.last_name, suffix=person.suffix)
    body["homeownerType"] = (ownership_type or "").upper()  # type: ignore[typeddict-item]
    refusal = None
    if not body["email"]:
        name = " ".join(p for p in (person.first_name, person.last_name) if p) or "This person"
        refusal = Refusal(status=400, message="Validation failed for field 'email'", field="email",
                          detail=f"{name} has no e-mail address; Builder Backed identifies homeowners by e-mail")
    return _envelope(body, refusal, home=home_bb_id)


def homeowner_vendor_id(home_bb_id: str, email: str) -> str:
    """One key for a homeowner on a home. E-mail addresses hold no spaces, so the last space splits it back."""
    return f"{home_bb_id} {email}"


def split_homeowner_vendor_id(vendor_id: str) -> tuple[str, str]:
    home, _, email = vendor_id.rpartition(" ")
    return home, email


def bb_timestamp(value: dt.datetime, zone: ZoneInfo) -> str:
    """A datetime in the document layout ``YYYY-MM-DD HH:MM:SS.SSS`` (wall time in ``zone``; no zone is sent).

    Naive values are taken as already in ``zone``. Written by hand: strftime does not pad years below 1000.
    """
    if value.tzinfo is not None:
        try:
            value = value.astimezone(zone)
        except OverflowError:  # the far ends of the calendar: keep the edge rather than fail the push
            value = (dt.datetime.max if value.year > 1 else dt.datetime.min).replace(tzinfo=None)
    return (f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond // 1000:03d}")


_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}")


def parse_bb_timestamp(text: str) -> dt.datetime:
    """The inverse of ``bb_timestamp`` (naive wall time). Raises ValueError on any other layout or date."""
    if not isinstance(text, str) or not _TIMESTAMP.fullmatch(text):
        raise ValueError(f"not a YYYY-MM-DD HH:MM:SS.SSS timestamp: {text!r}")
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f")


class DocumentLike(Protocol):
    pk: int
    external_id: str
    category: str
    title: str
    shareable: bool
    display_start: dt.datetime | None
    display_end: dt.datetime | None


def document_external_id(doc: DocumentLike, vendor_id: str | None = None) -> str:
    return vendor_id or doc.external_id.strip() or default_external_id("doc", doc.pk)


def document_envelope(doc: DocumentLike, home_bb_id: str, url: str, zone: ZoneInfo,
                      vendor_id: str | None = None) -> dict[str, Any]:
    """Document -> one EXTERNAL_URL reference under its home (``url``: its link, or the portal's download URL)."""
    item: DocumentV2 = {
        "externalId": document_external_id(doc, vendor_id),
        "category": CATEGORIES.get(doc.category, doc.category.replace("_", " ").title()),
        "name": doc.title,
        "url": url,
        "type": "EXTERNAL_URL",
        "shareable": bool(doc.shareable),
    }
    if doc.display_start is not None:
        item["displayStart"] = bb_timestamp(doc.display_start, zone)
    if doc.display_end is not None:
        item["displayEnd"] = bb_timestamp(doc.display_end, zone)
    body: ExternalDocumentRequestV2 = {"externalHomeId": home_bb_id, "documents": [item]}
    return _envelope(body)


def document_url(external_url: str, pk: int, download_url_template: str) -> str:
    """A link to the document: its own external URL, or the portal's download URL for an uploaded file."""
    return external_url or download_url_template.format(pk=pk)


def region_fields(raw: Region) -> dict[str, Any]:
    """A region pulled from Builder Backed -> portal Location fields (kind region, active: the vendor lists only
    active regions). Its external id is its name, the key divisions use to name it."""
    region_vendor_id(raw)  # refuses a region without a name before anything else
    return {
        "kind": "region",
        "name": region_vendor_id(raw)[:200],
        "display_name": _text(raw.get("displayName"))[:200],
        "abbreviation": _text(raw.get("abbreviatedName"))[:20],
        "external_id": region_vendor_id(raw)[:100],
        "is_active": True,
    }


REGION_KEY_LENGTH = 100  # a region's name is its vendor id: the longest a link (ExternalRef.vendor_id) holds


def region_vendor_id(raw: Region) -> str:
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise MappingError(f"A region without a name cannot be used (divisions name their region): {raw!r}"[:300])
    if len(name.strip()) > REGION_KEY_LENGTH:
        raise MappingError(f"A region name longer than {REGION_KEY_LENGTH} characters cannot be linked: "
                           f"{name.strip()[:60]!r}...")
    return name.strip()


def _text(value: Any) -> str:
    """An optional text the vendor may send as anything: only a string counts."""
    return value.strip() if isinstance(value, str) else ""


def _envelope(body: Any, refusal: Refusal | None = None, **route: Any) -> dict[str, Any]:
    envelope: dict[str, Any] = {"body": body, **route}
    if refusal is not None:
        envelope["refusal"] = refusal
    return envelope
