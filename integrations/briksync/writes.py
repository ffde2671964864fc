"""Push calls: create / update / find / delete per resource, each checked locally before anything is sent.

BrikSync documents updates of properties and units, lease *status* changes (with transition rules), and document
upload and delete. It documents no update of tenants or of a lease's terms, and none of documents: those are
refused with a reason unless a connection turns the matching option on (README.md, [gap]s).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from integrations.base import NotFound, Rejected
from integrations.briksync import mapping_out, streams
from integrations.briksync import validation as rules
from integrations.briksync.client import BrikSyncClient

FIND_PAGES = 50  # a lost create is looked for in at most this many pages


def transitions(client: BrikSyncClient) -> dict[str, Any]:
    return dict(client.config.get("lease_transitions") or rules.TRANSITIONS)


def _current(client: BrikSyncClient, resource: str, vendor_id: str) -> dict[str, Any]:
    record = client.get(resource, vendor_id)
    if record is None:
        raise NotFound(f"The {resource[:-1]} {vendor_id} no longer exists at BrikSync.", status=404)
    return record


def _scan(client: BrikSyncClient, resource: str, params: dict[str, Any], match: Any) -> str | None:
    cursor: dict[str, Any] | None = None
    for _ in range(FIND_PAGES):
        page = streams.fetch_numbered(client, resource, cursor, {**streams.base_params(client), **params})
        for record in page.records:
            if match(record):
                return str(record["id"])
        if page.next_cursor is None:
            return None
        cursor = page.next_cursor
    return None


# --- properties ------------------------------------------------------------------------------------------------
def _property_body(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != "archived"}


def validate_property(payload: dict[str, Any]) -> None:
    rules.raise_if(rules.property_problems(payload))


def create_property(client: BrikSyncClient, payload: dict[str, Any]) -> str:
    body = _property_body(payload)
    body["property_type"] = client.config.get("default_property_type") or "residential"
    rules.raise_if(rules.property_problems(body))
    vendor_id = str(client.create("properties", body)["id"])
    if payload.get("archived"):
        client.archive_property(vendor_id, True)
    return vendor_id


def update_property(client: BrikSyncClient, vendor_id: str, payload: dict[str, Any]) -> None:
    current = _current(client, "properties", vendor_id)
    client.update("properties", vendor_id, _property_body(payload))
    if bool(current.get("archived")) != bool(payload.get("archived")):
        client.archive_property(vendor_id, bool(payload.get("archived")))


def find_property(client: BrikSyncClient, payload: dict[str, Any]) -> str | None:
    """After a lost create: the property with this name at this street address, live or archived."""
    def same(record: dict[str, Any]) -> bool:
        return record.get("name") == payload["name"] and record.get("address_line1") == payload["address_line1"]

    return _scan(client, "properties", {}, same) or _scan(client, "properties", {"availability": "archived"}, same)


# --- units -----------------------------------------------------------------------------------------------------
def validate_unit(payload: dict[str, Any]) -> None:
    rules.raise_if(rules.unit_problems(payload))


def create_unit(client: BrikSyncClient, payload: dict[str, Any]) -> str:
    return str(client.create("units", payload)["id"])


def update_unit(client: BrikSyncClient, vendor_id: str, payload: dict[str, Any]) -> None:
    """Everything but the status: BrikSync keeps a unit's occupancy (available, occupied, …) after creation."""
    client.update("units", vendor_id, {k: v for k, v in payload.items() if k != "status"})


def find_unit(client: BrikSyncClient, payload: dict[str, Any]) -> str | None:
    number = str(payload.get("unit_number") or "").casefold()
    return _scan(client, "units", {"property_id": payload["property_id"]},
                 lambda u: str(u.get("property_id")) == str(payload["property_id"])
                 and str(u.get("unit_number") or "").casefold() == number)


# --- tenants ---------------------------------------------------------------------------------------------------
def validate_tenant(payload: dict[str, Any]) -> None:
    rules.raise_if(rules.tenant_problems(payload))


def create_tenant(client: BrikSyncClient, payload: dict[str, Any]) -> str:
    return str(client.create("tenants", payload)["id"])


def update_tenant(client: BrikSyncClient, vendor_id: str, payload: dict[str, Any]) -> None:
    if not client.config.get("tenant_updates"):
        raise Rejected("BrikSync's API documents no way to change a tenant (list, get and create only): make the "
                       "change in BrikSync too, or turn on the connection's tenant_updates option if your BrikSync "
                       "account accepts it", status=400, vendor_code="not sent")
    client.update("tenants", vendor_id, payload)


def find_tenant(client: BrikSyncClient, payload: dict[str, Any]) -> str | None:
    email = (payload.get("email") or "").casefold()
    if not email:
        return None  # names alone are not an identity
    return _scan(client, "tenants", {}, lambda t: (t.get("email") or "").casefold() == email)


# --- leases ----------------------------------------------------------------------------------------------------
def validate_lease(payload: dict[str, Any]) -> None:
    """The terms; the status walk is checked against the connection's transition rules before the first call."""
    rules.raise_if(rules.lease_problems({**payload, "status": "draft"}))


def create_lease(client: BrikSyncClient, payload: dict[str, Any]) -> str:
    """POST the lease, then step its status from where BrikSync starts it to the portal's (e.g. draft -> active)."""
    table = transitions(client)
    rules.raise_if(rules.lease_problems(payload, table))
    record = client.create("leases", mapping_out.lease_body(payload))
    vendor_id = str(record["id"])
    start = record.get("status") or "draft"
    for status in rules.transition_path(start, payload["status"], table) or []:
        client.set_lease_status(vendor_id, status)
    return vendor_id


def _same(field: str, ours: Any, theirs: Any) -> bool:
    if field in ("monthly_rent", "security_deposit"):
        try:
            return Decimal(str(ours)) == Decimal(str(theirs))
        except (InvalidOperation, ValueError):
            return False
    if field in ("start_date", "end_date"):
        return (ours or "")[:10] == (str(theirs or ""))[:10]
    return str(ours if ours is not None else "") == str(theirs if theirs is not None else "")


def update_lease(client: BrikSyncClient, vendor_id: str, payload: dict[str, Any]) -> None:
    """The status through BrikSync's status endpoint, checked by its rules first; then the terms, if allowed."""
    current = _current(client, "leases", vendor_id)
    table = transitions(client)
    changed = [f for f in mapping_out.LEASE_TERMS if not _same(f, payload.get(f), current.get(f))]
    if changed and client.config.get("lease_term_updates"):
        rules.raise_if(rules.lease_problems({**payload, "status": "draft"}))
    if payload["status"] != current.get("status"):
        problem = rules.transition_problem(str(current.get("status")), payload["status"], table)
        if problem:
            rules.raise_if([("status", problem)])
        client.set_lease_status(vendor_id, payload["status"])
    if not changed:
        return
    if not client.config.get("lease_term_updates"):
        raise Rejected(f"BrikSync's API documents no way to change a lease's terms ({', '.join(changed)} differ): "
                       "change them in BrikSync too, or turn on the connection's lease_term_updates option if your "
                       "BrikSync account accepts it. Any status change was sent.", status=400, vendor_code="not sent")
    client.update("leases", vendor_id, {f: payload[f] for f in changed})


def find_lease(client: BrikSyncClient, payload: dict[str, Any]) -> str | None:
    return _scan(client, "leases", {"unit_id": payload["unit_id"]},
                 lambda x: str(x.get("unit_id")) == str(payload["unit_id"])
                 and str(x.get("tenant_id")) == str(payload["tenant_id"])
                 and str(x.get("start_date") or "")[:10] == payload["start_date"])


# --- documents -------------------------------------------------------------------------------------------------
def validate_document(payload: dict[str, Any]) -> None:
    rules.raise_if(rules.document_problems(payload["fields"], int(payload["size"] or 0), payload["mime_type"]))


def create_document(client: BrikSyncClient, payload: dict[str, Any]) -> str:
    from portal.documents.models import Document

    storage = Document._meta.get_field("file").storage
    with storage.open(payload["file"], "rb") as handle:
        content = handle.read()
    rules.raise_if(rules.document_problems(payload["fields"], len(content), payload["mime_type"]))
    record = client.upload_document(payload["fields"], payload["file_name"], content, payload["mime_type"])
    return str(record["id"])


def update_document(client: BrikSyncClient, vendor_id: str, payload: dict[str, Any]) -> None:
    raise Rejected("BrikSync documents cannot be changed through its API (upload, download and delete only): the "
                   "change stays in the portal", status=400, vendor_code="not sent")


def find_document(client: BrikSyncClient, payload: dict[str, Any]) -> str | None:
    fields = payload["fields"]
    return _scan(client, "documents", {"property_id": fields["property_id"]},
                 lambda d: d.get("name") == fields["name"] and d.get("file_name") == payload["file_name"]
                 and int(d.get("size_bytes") or -1) == int(payload["size"] or 0))


def delete_document(client: BrikSyncClient, vendor_id: str) -> None:
    client.delete_document(vendor_id)
