"""Builder Backed V2: push-first. Pull regions (the vendor activates them); push divisions, master communities,
neighborhoods, homes, homeowners and documents, parents first. No webhooks.

``to_payload`` turns a model instance into the pure views ``mapping`` works on (reading its ancestors and their
ExternalRefs); ``validate`` refuses locally, in the vendor's words, whatever the vendor would refuse.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from integrations.base import (
    ConfigField,
    Conflict,
    DependencyPending,
    Mapped,
    Page,
    Plugin,
    PullStream,
    PushStream,
    RateSpec,
    RefResolver,
    Rejected,
    Stream,
)
from integrations.builderbacked import mapping, validation
from integrations.builderbacked.client import BuilderBackedClient
from integrations.builderbacked.mapping import LEVELS, Node, Refusal
from integrations.builderbacked.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, BuilderBackedSandbox
from integrations.contract import Match
from integrations.models import ExternalRef
from portal.accounts.scoping import Tenant, scoped
from portal.locations.models import Kind, Location

BB_KINDS = (Kind.REGION, Kind.DIVISION, Kind.MASTER_COMMUNITY, Kind.NEIGHBORHOOD)


# --- portal -> views ---------------------------------------------------------------------------------------------
def confirmed(refs: RefResolver, obj: Any) -> bool:
    """Has the vendor acknowledged this record (pulled, or pushed and answered)? A reserved id is not enough."""
    try:
        refs.require(obj)
    except DependencyPending:
        return False
    return True


def node(location: Location, refs: RefResolver) -> Node:
    return Node(pk=location.pk, kind=location.kind, name=location.name, external_id=location.external_id,
                display_name=location.display_name, abbreviation=location.abbreviation,
                is_active=location.is_active, vendor_id=refs.vendor_id(location), confirmed=confirmed(refs, location))


def ancestors(location: Location, include_self: bool = False) -> list[Location]:
    """The Builder Backed levels above ``location`` (and itself), nearest first; one query."""
    ids = [*location.ancestor_ids, location.pk] if include_self else location.ancestor_ids
    found = Location.objects.filter(pk__in=ids, kind__in=BB_KINDS).order_by("-depth")
    return list(found)


def chain_nodes(locations: list[Location], refs: RefResolver) -> list[Node]:
    """Views of a parent chain. A parent the portal has not pushed yet makes the push wait (DependencyPending)
    unless the chain is refused anyway (inactive, or a region Builder Backed does not list)."""
    nodes = [node(loc, refs) for loc in locations]
    if mapping.chain_refusal(nodes) is None and (waiting := mapping.pending(nodes)) is not None:
        refs.require(next(loc for loc in locations if loc.pk == waiting.pk))
    return nodes


def home_neighborhood_chain(home: Any) -> list[Location]:
    """The home's neighborhood and everything above it ([] when the home stands under no neighborhood)."""
    found = ancestors(home.location, include_self=True)
    while found and found[0].kind != Kind.NEIGHBORHOOD:
        found.pop(0)
    return found


def pushes_home(home: Any) -> bool:
    return bool(home_neighborhood_chain(home))


# --- stream functions --------------------------------------------------------------------------------------------
def raise_refusal(refusal: Refusal) -> None:
    """The vendor's status and words; "refused locally" says nothing was sent; the detail says why."""
    fields = {refusal["field"] or "hierarchy": refusal["detail"]} if refusal["detail"] else {}
    raise Rejected(refusal["message"], status=refusal["status"], vendor_code="refused locally", field_errors=fields)


def validator(check: Any) -> Any:
    def validate(payload: dict[str, Any]) -> None:
        refusal = payload.get("refusal") or check(payload["body"])
        if refusal:
            raise_refusal(refusal)
    return validate


def location_stream(kind: str, order: int) -> PushStream:
    level = LEVELS[kind][0]

    def to_payload(location: Location, refs: RefResolver) -> dict[str, Any]:
        return mapping.location_envelope(node(location, refs), chain_nodes(ancestors(location), refs))

    def create(client: BuilderBackedClient, payload: dict[str, Any]) -> str:
        body = payload["body"]
        client.create_location(level, body)
        if not payload["active"]:
            client.set_location_active(level, body["externalId"], False)
        return body["externalId"]

    def update(client: BuilderBackedClient, vendor_id: str, payload: dict[str, Any]) -> None:
        # An inactive location is only deactivated: its PUT would need an active chain; edits follow on reactivation.
        if payload["active"]:
            client.update_location(level, {**payload["body"], "externalId": vendor_id})
        client.set_location_active(level, vendor_id, payload["active"])

    def find(client: BuilderBackedClient, payload: dict[str, Any]) -> str | None:
        found = client.get_location(level, payload["body"]["externalId"])
        return found["externalId"] if found else None

    return PushStream(
        name=f"{kind}s" if kind != "master_community" else "master_communities", model="locations.Location",
        order=order, applies_to=lambda loc: loc.kind == kind, to_payload=to_payload,
        validate=validator(lambda body: validation.check_location(kind, body)), create=create, update=update,
        find=find, planned_id=lambda payload: payload["body"]["externalId"],
        owned_fields={"portal": ["name", "display_name", "abbreviation", "is_active"]},
    )


def home_to_payload(home: Any, refs: RefResolver) -> dict[str, Any]:
    nodes = chain_nodes(home_neighborhood_chain(home), refs)
    return mapping.home_envelope(home, nodes, refs.vendor_id(home))


def home_create(client: BuilderBackedClient, payload: dict[str, Any]) -> str:
    client.create_home(payload["body"])
    return payload["body"]["externalId"]


def home_update(client: BuilderBackedClient, vendor_id: str, payload: dict[str, Any]) -> None:
    client.update_home({**payload["body"], "externalId": vendor_id})


def home_find(client: BuilderBackedClient, payload: dict[str, Any]) -> str | None:
    found = client.get_home(payload["body"]["externalId"])
    return found["externalId"] if found else None


def owner_to_payload(link: Any, refs: RefResolver) -> dict[str, Any]:
    return mapping.homeowner_envelope(refs.require(link.home), link.person, link.ownership_type)


def owner_validate(payload: dict[str, Any]) -> None:
    validator(validation.check_homeowner)(payload)
    key = mapping.homeowner_vendor_id(payload["home"], payload["body"]["email"])
    room = ExternalRef._meta.get_field("vendor_id").max_length or 0
    if len(key) > room:  # the link could not be stored, so the owner could never be removed again: do not add
        raise Rejected(f"The home's external id and the e-mail together exceed {room} characters, "
                       "the longest homeowner link the portal can keep.", vendor_code="refused locally")


def owner_create(client: BuilderBackedClient, payload: dict[str, Any]) -> str:
    client.add_homeowner(payload["home"], payload["body"])
    return mapping.homeowner_vendor_id(payload["home"], payload["body"]["email"])


def owner_update(client: BuilderBackedClient, vendor_id: str, payload: dict[str, Any]) -> str:
    """Re-add with the new details; if the e-mail (the vendor's key) changed, add the new one before removing the
    old, so a failure never leaves the home with fewer owners. Returns the (possibly new) vendor id."""
    home, email = payload["home"], payload["body"]["email"]
    try:
        client.add_homeowner(home, payload["body"])
    except Conflict:  # a vendor that refuses re-adding an e-mail: replace the homeowner instead
        client.remove_homeowner(home, email)
        client.add_homeowner(home, payload["body"])
    old_home, old_email = mapping.split_homeowner_vendor_id(vendor_id)
    if (old_home, old_email) != (home, email):
        client.remove_homeowner(old_home, old_email)
    return mapping.homeowner_vendor_id(home, email)


def owner_delete(client: BuilderBackedClient, vendor_id: str) -> None:
    client.remove_homeowner(*mapping.split_homeowner_vendor_id(vendor_id))


def pushes_document(doc: Any) -> bool:
    return doc.home_id is not None and doc.category not in mapping.PRIVATE_CATEGORIES and pushes_home(doc.home)


def download_url_template() -> str:
    default = settings.SITE_URL.rstrip("/") + "/documents/{pk}/download/"
    return getattr(settings, "BUILDERBACKED_DOWNLOAD_URL", "") or default


def document_to_payload(doc: Any, refs: RefResolver) -> dict[str, Any]:
    zone = ZoneInfo(getattr(settings, "BUILDERBACKED_DISPLAY_TIMEZONE", "") or settings.TIME_ZONE)
    url = mapping.document_url(doc.external_url, doc.pk, download_url_template())
    return mapping.document_envelope(doc, refs.require(doc.home), url, zone, refs.vendor_id(doc))


def document_create(client: BuilderBackedClient, payload: dict[str, Any]) -> str:
    client.add_documents(payload["body"])
    return payload["body"]["documents"][0]["externalId"]


def document_update(client: BuilderBackedClient, vendor_id: str, payload: dict[str, Any]) -> None:
    client.update_document({**payload["body"]["documents"][0], "externalId": vendor_id})


def document_find(client: BuilderBackedClient, payload: dict[str, Any]) -> str | None:
    wanted = payload["body"]["documents"][0]["externalId"]
    docs = client.home_documents(payload["body"]["externalHomeId"])
    return wanted if any(d.get("externalId") == wanted for d in docs) else None


def fetch_regions(client: BuilderBackedClient, cursor: dict[str, Any] | None, since: Any) -> Page:
    regions = client.regions()  # a plain array: no paging, no "changed since"
    return Page(records=list(regions), next_cursor=None, total=len(regions))


def link_regions_by_name(connection: Any) -> str:
    """Builder Backed keys a region by its name; a local region of that name not linked yet is that region."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from integrations.context import make_client

    listed = {mapping.region_vendor_id(raw) for raw in make_client(connection).regions()}
    local = scoped(Location, Tenant(connection.organization)).filter(kind=Kind.REGION)  # the whole organization
    content_type = ContentType.objects.get_for_model(Location)
    linked, unlisted = [], []
    for region in local.order_by("name"):
        if region.name not in listed:
            unlisted.append(region.name)
            continue
        ExternalRef.objects.get_or_create(
            connection=connection, stream="regions", vendor_id=region.name,
            defaults={"content_type": content_type, "object_id": region.pk, "last_confirmed_at": timezone.now()})
        linked.append(region.name)
    note = f"regions linked: {', '.join(linked) or 'none'}"
    return note + (f"; not listed by Builder Backed: {', '.join(unlisted)}" if unlisted else "")


class BuilderBackedPlugin(Plugin):
    key = "builderbacked"
    display_name = "Builder Backed"
    client_class = BuilderBackedClient
    default_base_url = "https://api-stage.builderbacked.com"
    rate_limit = RateSpec(5, 1.0)  # not published ([gap]): conservative, overridable per connection
    demo_credentials = {"client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}
    webhook_events = False
    credential_fields = (
        ConfigField("client_id", "Client ID"),
        ConfigField("client_secret", "Client secret", secret=True),
    )
    config_fields = (
        ConfigField("token_url", "Token URL", required=False, default="",
                    help="Not published by Builder Backed; empty means <base URL>/oauth/token."),
        ConfigField("client_auth", "Client authentication", required=False, default="basic", kind="choice",
                    choices=(("basic", "HTTP Basic (RFC 6749 §2.3.1)"),
                             ("form", "client_id/client_secret form fields"))),
    )

    def streams(self) -> list[Stream]:
        return [
            PullStream(name="regions", model="locations.Location", fetch_page=fetch_regions,
                       map_record=lambda raw: Mapped(fields=mapping.region_fields(raw)),  # type: ignore[arg-type]
                       vendor_id=mapping.region_vendor_id, incremental=False,  # type: ignore[arg-type]
                       owned_fields={"vendor": ["name", "display_name", "abbreviation", "is_active"]},
                       match=Match(fields=("kind", "name"), ignore_case=("name",))),  # adopt a region made by hand
            location_stream(Kind.DIVISION, 10),
            location_stream(Kind.MASTER_COMMUNITY, 20),
            location_stream(Kind.NEIGHBORHOOD, 30),
            PushStream(name="homes", model="homes.Home", order=40, applies_to=pushes_home, to_payload=home_to_payload,
                       validate=validator(validation.check_home), create=home_create, update=home_update,
                       find=home_find, planned_id=lambda p: p["body"]["externalId"]),
            PushStream(name="homeowners", model="homes.Homeownership", order=50,
                       applies_to=lambda link: pushes_home(link.home), to_payload=owner_to_payload,
                       validate=owner_validate, create=owner_create,
                       update=owner_update, delete=owner_delete,  # type: ignore[arg-type]
                       planned_id=lambda p: mapping.homeowner_vendor_id(p["home"], p["body"]["email"])),
            PushStream(name="documents", model="documents.Document", order=60, applies_to=pushes_document,
                       to_payload=document_to_payload, validate=validator(validation.check_documents),
                       create=document_create, update=document_update, find=document_find,
                       delete=lambda client, vendor_id: client.delete_document(vendor_id),
                       planned_id=lambda p: p["body"]["documents"][0]["externalId"]),
        ]

    def check(self, client: BuilderBackedClient) -> str:  # type: ignore[override]
        regions = client.regions()
        return f"Connected to Builder Backed: {len(regions)} active region{'s' if len(regions) != 1 else ''}."

    def demo_setup(self, connection: Any) -> str | None:
        """Link the organization's own regions to the regions the sandbox lists (same name), so the first pull
        adopts them instead of adding duplicates and their divisions can be pushed at once."""
        return link_regions_by_name(connection)

    def sandbox_app(self, **options: Any) -> BuilderBackedSandbox:  # type: ignore[override]
        return BuilderBackedSandbox(**options)
