"""BuildingMinds: push only. Portal locations and homes become addresses, sites and buildings, in that order;
every POST is answered with a batch id that the engine's confirmation task polls until the record is Completed or
failed (contract.Accepted / PushStream.confirm). No pulls, no webhooks.

Which records become what is the connection's choice (``Options``): by default neighborhoods and properties are
sites, a property is also one building, and single-family homes are buildings (units stay inside their property's).
"""

from __future__ import annotations

from typing import Any

from integrations.base import (
    Accepted,
    ConfigField,
    Confirmation,
    Plugin,
    PushStream,
    RateSpec,
    RefResolver,
    Rejected,
    Stream,
)
from integrations.buildingminds import mapping, places, validation
from integrations.buildingminds.client import BuildingMindsClient
from integrations.buildingminds.mapping import Options
from integrations.buildingminds.sandbox import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_SCOPE_URI,
    TOKEN_PATH,
    BuildingMindsSandbox,
)
from integrations.buildingminds.types import DEFAULT_BASE_URL, DEFAULT_TOKEN_URL, SITE_TYPES


def options_of(refs: RefResolver) -> Options:
    return Options.from_mapping(refs.options)


# --- payloads: {"entity", "id", "body", "refusal"}; validate() raises the refusal, nothing half-sent -----------
def envelope(entity: str, body: dict[str, Any], refusal: str = "") -> dict[str, Any]:
    id_field = {"address": "addressId", "site": "siteId", "building": "buildingId"}[entity]
    return {"entity": entity, "id": body[id_field], "body": body, "refusal": refusal}


def location_address(location: Any, refs: RefResolver) -> dict[str, Any]:
    return envelope("address", mapping.address_body(places.of_location(location), options_of(refs)))


def home_address(home: Any, refs: RefResolver) -> dict[str, Any]:
    return envelope("address", mapping.address_body(places.of_home(home), options_of(refs)))


def site_payload(location: Any, refs: RefResolver) -> dict[str, Any]:
    options = options_of(refs)
    place = places.of_location(location)
    refusal = places.address_refusal(place, options, "its address")
    address_id = "" if refusal else refs.require(location, stream="location_addresses")
    return envelope("site", mapping.site_body(place, [address_id] if address_id else [], options), refusal)


def property_building(location: Any, refs: RefResolver) -> dict[str, Any]:
    return _building(places.of_location(location), location, "location_addresses", location, refs)


def home_building(home: Any, refs: RefResolver) -> dict[str, Any]:
    return _building(places.of_home(home), home, "home_addresses", home.location, refs)


def _building(place: mapping.Place, record: Any, address_stream: str, under: Any,
              refs: RefResolver) -> dict[str, Any]:
    """A building's address is its own; its site is the nearest location above it (or itself) that is a site."""
    options = options_of(refs)
    site = places.nearest_site(under, options)
    refusal = places.address_refusal(place, options, "its address")
    if not refusal and site is None:
        refusal = (f"No site for this building: none of the locations above it is of a kind sent as a site "
                   f"({', '.join(options.site_kinds) or 'none configured'}).")
    if not refusal:
        refusal = places.address_refusal(places.of_location(site), options, f"its site “{site.name}”")
    ids = ([], []) if refusal else ([refs.require(record, stream=address_stream)], [refs.require(site, "sites")])
    return envelope("building", mapping.building_body(place, *ids, options), refusal)


def validate(payload: dict[str, Any]) -> None:
    entity, body = payload["entity"], payload["body"]
    if payload["refusal"]:
        raise Rejected(payload["refusal"], status=400, vendor_code="refused locally")
    found = validation.problems(entity, body)
    if found:
        raise Rejected(validation.message(entity, found), status=400, vendor_code="refused locally",
                       field_errors=found)


def create(client: BuildingMindsClient, payload: dict[str, Any]) -> Accepted:
    body = mapping.with_event(payload["entity"], payload["body"], created=True)
    return Accepted(token=client.push(payload["entity"], body), vendor_id=payload["id"])


def update(client: BuildingMindsClient, vendor_id: str, payload: dict[str, Any]) -> Accepted:
    entity = payload["entity"]
    id_field = {"address": "addressId", "site": "siteId", "building": "buildingId"}[entity]
    body = mapping.with_event(entity, {**payload["body"], id_field: vendor_id}, created=False)
    return Accepted(token=client.push(entity, body))


def confirm(client: BuildingMindsClient, batch_id: str) -> Confirmation:
    return mapping.batch_verdict(client.batch_messages(batch_id))


def stream(name: str, model: str, order: int, to_payload: Any, covers: Any) -> PushStream:
    return PushStream(name=name, model=model, order=order, to_payload=to_payload, create=create,  # type: ignore[arg-type]
                      update=update, validate=validate, confirm=confirm,  # type: ignore[arg-type]
                      planned_id=lambda payload: payload["id"], applies_to_options=covers,
                      actions=("create", "update", "activate", "deactivate"))


class BuildingMindsPlugin(Plugin):
    key = "buildingminds"
    display_name = "BuildingMinds"
    client_class = BuildingMindsClient
    default_base_url = DEFAULT_BASE_URL
    rate_limit = RateSpec(5, 1.0)  # not published ([gap]): conservative, overridable per connection
    demo_credentials = {"client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET,
                        "scope_uri": DEMO_SCOPE_URI}
    demo_options = {"token_url": TOKEN_PATH}
    webhook_events = False
    credential_fields = (
        ConfigField("client_id", "Client ID"),
        ConfigField("client_secret", "Client secret", secret=True),
        ConfigField("scope_uri", "Scope URI", help="As shown with the API key; “/.default” is added."),
    )
    config_fields = (
        ConfigField("token_url", "Token URL", required=False, default=DEFAULT_TOKEN_URL,
                    help="Microsoft identity platform token endpoint of BuildingMinds' tenant, or a path under "
                         "the base URL."),
        ConfigField("site_kinds", "Location kinds sent as sites", required=False, default="neighborhood,property",
                    help="Comma-separated: region, division, master_community, neighborhood, property."),
        ConfigField("property_buildings", "A property is also one building", required=False, default=True,
                    kind="bool"),
        ConfigField("home_buildings", "Homes sent as buildings", required=False, default="single_family",
                    kind="choice", choices=(("single_family", "Single-family homes (units stay in their property)"),
                                            ("all", "Every home, units included"), ("none", "None"))),
        ConfigField("site_type", "Site type", required=False, default="Residential", kind="choice",
                    choices=tuple((t, t) for t in SITE_TYPES)),
        ConfigField("id_prefix", "Id prefix", required=False, default="lintel",
                    help="Our ids at BuildingMinds are <prefix>-loc-<n> / <prefix>-home-<n>."),
        ConfigField("address_fields", "Address fields", required=False, default="extended", kind="choice",
                    choices=(("extended", "Also street, postalCode, region (BuildingMinds' address schema)"),
                             ("documented", "Only the published push fields; the street in additionalInformation"))),
        ConfigField("valid_from", "Sites valid from", required=False, default="",
                    help="yyyy-mm-ddThh:mm:ssZ for every site; empty: when the location was created."),
        ConfigField("body_shape", "Request body", required=False, default="array", kind="choice",
                    choices=(("array", "A JSON array of one record"), ("object", "A single JSON object"))),
        ConfigField("batch_messages_path", "Batch messages path", required=False, default="/batch/messages"),
    )

    def streams(self) -> list[Stream]:
        return [
            stream("location_addresses", "locations.Location", 10, location_address, places.location_has_address),
            stream("home_addresses", "homes.Home", 11, home_address, places.home_is_building),
            stream("sites", "locations.Location", 20, site_payload, places.location_is_site),
            stream("property_buildings", "locations.Location", 30, property_building,
                   places.location_is_building),
            stream("home_buildings", "homes.Home", 31, home_building, places.home_is_building),
        ]

    def check(self, client: BuildingMindsClient) -> str:  # type: ignore[override]
        import datetime as dt

        found = client.batches(created_at=dt.datetime.now(dt.UTC).date(), limit=1)
        total = found.get("totalCount", 0) if isinstance(found, dict) else 0
        return f"Connected to BuildingMinds: {total} batch{'es' if total != 1 else ''} received today."

    def sandbox_app(self, **options: Any) -> BuildingMindsSandbox:  # type: ignore[override]
        return BuildingMindsSandbox(**options)
