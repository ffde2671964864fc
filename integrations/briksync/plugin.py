"""BrikSync PropOS (API v0): pull and push properties, units, tenants, leases and documents; no webhooks (a
scheduled poll). Pull order: properties -> units (under properties) -> tenants -> leases (on units, with their
tenant) -> documents (of properties, units and leases; bytes fetched through signed URLs within the task).
"""

from __future__ import annotations

from typing import Any

from integrations.base import ConfigField, Plugin, PullStream, PushStream, RateSpec, Stream
from integrations.briksync import mapping, mapping_out, streams, writes
from integrations.briksync.client import BrikSyncClient
from integrations.briksync.sandbox import DEMO_API_KEY, BrikSyncSandbox
from integrations.briksync.types import MAX_PAGE_SIZE, WRITABLE_PROPERTY_TYPES
from integrations.briksync.values import timestamp

# Set from BrikSync when a record is first pulled, then the portal's: a unit has no address of its own (the
# property's is used) and BrikSync has no lease types, so these would otherwise overwrite what the portal knows.
# A lease's tenants are only added to: BrikSync keeps one tenant per lease, the portal's co-tenants stay.
UNIT_OWNED = {"portal": ["address_line1", "address_line2", "city", "state", "postal_code", "country", "home_type"]}
LEASE_OWNED = {"portal": ["lease_type", "tenants"]}


def _updated(raw: dict[str, Any]) -> Any:
    return timestamp(raw.get("updated_at"))


def _filter_configured(options: Any) -> bool:
    """Every pass is a full pass (change detection by hash) unless the connection names a changed-since filter."""
    return bool(options.get("updated_since_param"))


def _one(resource: str) -> Any:
    return lambda client, vendor_id: client.get(resource, vendor_id)


def _is_tenant(person: Any) -> bool:
    """Tenants, and people who are nobody's homeowner yet (a tenant is often added before the lease)."""
    return person.lease_tenancies.exists() or not person.homeownerships.exists()


def _under_property(home: Any) -> bool:
    return home.location.kind == "property"


class BrikSyncPlugin(Plugin):
    key = "briksync"
    display_name = "BrikSync PropOS"
    client_class = BrikSyncClient
    default_base_url = "https://briksync.com/api"
    # "General API: 100 requests per minute per user or IP", the budget the sandbox enforces too. A key whose user
    # (or this server's address) spends some of it elsewhere gets a share per connection (README.md, Limits).
    rate_limit = RateSpec(100, 60.0)
    demo_credentials = {"api_key": DEMO_API_KEY}
    webhook_events = False
    credential_fields = (
        ConfigField("api_key", "API key", secret=True,
                    help="Settings → API Access in BrikSync (Admin; BUSINESS plan). Shown once when created."),
    )
    config_fields = (
        ConfigField("items_key", "List items key", required=False, default="items",
                    help="Where a list answer keeps its records inside data (BrikSync does not publish it)."),
        ConfigField("page_size", "Page size", required=False, default=MAX_PAGE_SIZE, kind="int",
                    help="Records per list request (BrikSync allows at most 100)."),
        ConfigField("field_case", "Field names", required=False, default="snake", kind="choice",
                    choices=(("snake", "snake_case"), ("camel", "camelCase"))),
        ConfigField("updated_since_param", "Changed-since filter", required=False, default="",
                    help="Query parameter BrikSync filters changed records by, if your account has one. Empty: "
                         "every sync reads everything and keeps only what changed."),
        ConfigField("update_method", "Update method", required=False, default="PATCH", kind="choice",
                    choices=(("PATCH", "PATCH (only the fields sent)"), ("PUT", "PUT"))),
        ConfigField("default_property_type", "Property type for new properties", required=False,
                    default="residential", kind="choice", choices=tuple((t, t) for t in WRITABLE_PROPERTY_TYPES)),
        ConfigField("pull_archived", "Pull archived properties (as inactive)", required=False, default=True,
                    kind="bool"),
        ConfigField("tenant_updates", "Send tenant changes (PATCH /tenants/{id}, not documented)", required=False,
                    default=False, kind="bool"),
        ConfigField("lease_term_updates", "Send lease term changes (PATCH /leases/{id}, not documented)",
                    required=False, default=False, kind="bool"),
    )

    def streams(self) -> list[Stream]:
        incremental = _filter_configured
        return [
            PullStream("properties", "locations.Location", streams.fetch_properties, mapping.map_property,
                       mapping.vendor_id, fetch_one=_one("properties"), updated_at=_updated,
                       incremental=incremental),
            PullStream("units", "homes.Home", streams.fetch_units, mapping.map_unit, mapping.vendor_id,
                       depends_on=("properties",), fetch_one=streams.fetch_unit, updated_at=_updated,
                       incremental=incremental, owned_fields=UNIT_OWNED),
            PullStream("tenants", "homes.Person", streams.fetch_list("tenants"), mapping.map_tenant,
                       mapping.vendor_id, fetch_one=_one("tenants"), updated_at=_updated, incremental=incremental),
            PullStream("leases", "leases.Lease", streams.fetch_leases, mapping.map_lease, mapping.vendor_id,
                       depends_on=("units", "tenants"), fetch_one=streams.fetch_lease, updated_at=_updated,
                       incremental=incremental, owned_fields=LEASE_OWNED),
            PullStream("documents", "documents.Document", streams.fetch_documents, mapping.map_document,
                       mapping.vendor_id, depends_on=("properties", "units", "leases"),
                       fetch_one=streams.fetch_document, updated_at=_updated, incremental=incremental),
            PushStream("properties", "locations.Location", order=10,
                       applies_to=lambda loc: loc.kind == "property", to_payload=mapping_out.property_payload,
                       validate=writes.validate_property, create=writes.create_property,
                       update=writes.update_property, find=writes.find_property,
                       actions=("create", "update", "activate", "deactivate")),
            PushStream("units", "homes.Home", order=20, applies_to=_under_property,
                       to_payload=mapping_out.unit_payload, validate=writes.validate_unit,
                       create=writes.create_unit, update=writes.update_unit, find=writes.find_unit,
                       actions=("create", "update")),
            PushStream("tenants", "homes.Person", order=25, applies_to=_is_tenant,
                       to_payload=mapping_out.tenant_payload, validate=writes.validate_tenant,
                       create=writes.create_tenant, update=writes.update_tenant, find=writes.find_tenant,
                       actions=("create", "update")),
            PushStream("leases", "leases.Lease", order=30, applies_to=lambda lease: _under_property(lease.home),
                       to_payload=mapping_out.lease_payload, validate=writes.validate_lease,
                       create=writes.create_lease, update=writes.update_lease, find=writes.find_lease,
                       actions=("create", "update")),
            PushStream("documents", "documents.Document", order=40,
                       applies_to=lambda doc: bool(doc.file) and mapping_out.document_target(doc) is not None,
                       to_payload=mapping_out.document_payload, validate=writes.validate_document,
                       create=writes.create_document, update=writes.update_document, find=writes.find_document,
                       delete=writes.delete_document, actions=("create", "delete")),
        ]

    def check(self, client: BrikSyncClient) -> str:  # type: ignore[override]
        total = client.list_page("properties", 1, page_size=1).total
        return f"Connected to BrikSync PropOS: {total} propert{'y' if total == 1 else 'ies'}."

    def sandbox_app(self, **options: Any) -> BrikSyncSandbox:  # type: ignore[override]
        return BrikSyncSandbox(**options)
