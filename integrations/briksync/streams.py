"""BrikSync pull paging: page/pageSize from page 1 until ``page == totalPages``, robust to records vanishing.

Pages are numbered, so a record deleted between two page requests moves every later record one place back and
one of them slips onto the page already read. The cursor keeps the ``total`` seen; when a later page reports
fewer records, the page(s) before it are read again (their records land as "unchanged"), so nothing is skipped.
New records are assumed to come last (BrikSync's default order, [gap]); the next pass catches any that do not.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from integrations.base import MappingError, Page
from integrations.briksync import mapping
from integrations.briksync.client import BrikSyncClient

MAX_PAGES_BACK = 5  # more records vanished than this many pages hold: the next pass catches the rest


def since_params(client: BrikSyncClient, since: dt.datetime | None) -> dict[str, Any]:
    """BrikSync documents no "changed since" filter ([gap]); a connection may name one (updated_since_param)."""
    name = client.config.get("updated_since_param")
    if not name or since is None:
        return {}
    return {name: since.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")}


def base_params(client: BrikSyncClient) -> dict[str, Any]:
    return dict(client.config.get("list_params") or {})


def fetch_numbered(client: BrikSyncClient, resource: str, cursor: dict[str, Any] | None,
                   params: dict[str, Any]) -> Page:
    """One page of ``resource`` from ``cursor`` ({"page", "total"}); next_cursor None after the last page."""
    number = int((cursor or {}).get("page", 1))
    seen_total = (cursor or {}).get("total")
    page = client.list_page(resource, number, params)
    records = list(page.items)
    if seen_total is not None and page.total < seen_total and number > 1:
        back = min(number - 1, MAX_PAGES_BACK, math.ceil((seen_total - page.total) / max(1, page.page_size)))
        for earlier in range(number - back, number):
            records = client.list_page(resource, earlier, params).items + records
    done = number >= page.total_pages  # "until page == totalPages" (0 pages: an empty list is done at once)
    return Page(records, None if done else {"page": number + 1, "total": page.total}, page.total)


def fetch_list(resource: str) -> Any:
    def fetch(client: BrikSyncClient, cursor: dict[str, Any] | None, since: dt.datetime | None) -> Page:
        return fetch_numbered(client, resource, cursor, {**base_params(client), **since_params(client, since)})

    return fetch


def fetch_properties(client: BrikSyncClient, cursor: dict[str, Any] | None, since: dt.datetime | None) -> Page:
    """Live properties, then archived ones (listed only with availability=archived), as one pass."""
    cursor = cursor or {"archived": False}
    archived = bool(cursor.get("archived"))
    params = {**base_params(client), **since_params(client, since), **({"availability": "archived"} if archived
                                                                        else {})}
    page = fetch_numbered(client, "properties", cursor.get("page"), params)
    for record in page.records:
        record.setdefault("archived", archived)
    if page.next_cursor is not None:
        page.next_cursor = {"archived": archived, "page": page.next_cursor}
    elif not archived and client.config.get("pull_archived", True):
        page.next_cursor, page.total = {"archived": True}, None  # two lists: no single total
    return page


def property_index(client: BrikSyncClient) -> dict[str, dict[str, Any] | None]:
    """Every property by id (live and archived), read once per client (one sync run): units carry no address."""
    cache: dict[str, dict[str, Any] | None] | None = client.__dict__.get("_briksync_properties")
    if cache is None:
        cache = {}
        cursor: dict[str, Any] | None = None
        for _ in range(100_000):
            page = fetch_properties(client, cursor, None)
            cache.update({str(p.get("id")): p for p in page.records})
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        client.__dict__["_briksync_properties"] = cache
    return cache


def with_property(client: BrikSyncClient, units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    index = property_index(client)
    for unit in units:
        pid = str(unit.get("property_id") or "")
        if pid and pid not in index:  # made after the index was read
            index[pid] = client.get("properties", pid)
        unit[mapping.PROPERTY_KEY] = index.get(pid)
    return units


def fetch_units(client: BrikSyncClient, cursor: dict[str, Any] | None, since: dt.datetime | None) -> Page:
    page = fetch_list("units")(client, cursor, since)
    page.records = with_property(client, page.records)
    return page


def fetch_unit(client: BrikSyncClient, vendor_id: str) -> dict[str, Any] | None:
    unit = client.get("units", vendor_id)
    return with_property(client, [unit])[0] if unit else None


def translate_statuses(client: BrikSyncClient, leases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Statuses BrikSync uses beyond the portal's five, as the connection maps them (lease_status_map)."""
    extra = client.config.get("lease_status_map") or {}
    for lease in leases:
        if lease.get("status") in extra:
            lease["status"] = extra[lease["status"]]
    return leases


def fetch_leases(client: BrikSyncClient, cursor: dict[str, Any] | None, since: dt.datetime | None) -> Page:
    page = fetch_list("leases")(client, cursor, since)
    page.records = translate_statuses(client, page.records)
    return page


def fetch_lease(client: BrikSyncClient, vendor_id: str) -> dict[str, Any] | None:
    lease = client.get("leases", vendor_id)
    return translate_statuses(client, [lease])[0] if lease else None


def with_fetcher(client: BrikSyncClient, doc: dict[str, Any]) -> dict[str, Any]:
    """The engine calls this only when it stores the file: the signed URL is asked for and used at once."""
    doc_id = str(doc.get("id"))
    doc[mapping.FETCH_KEY] = lambda: client.download(doc_id)
    return doc


def fetch_documents(client: BrikSyncClient, cursor: dict[str, Any] | None, since: dt.datetime | None) -> Page:
    """Documents of properties, units and leases. Tenant-level ones (ID verification, income proof of a person)
    have no place in the portal and are left at BrikSync: they are not read, so never downloaded."""
    page = fetch_list("documents")(client, cursor, since)
    page.records = [with_fetcher(client, d) for d in page.records if not tenant_only(d)]
    return page


def tenant_only(doc: dict[str, Any]) -> bool:
    try:
        return mapping.document_target(doc) is None
    except MappingError:
        return False  # a broken id: the mapping reports it with the reason


def fetch_document(client: BrikSyncClient, vendor_id: str) -> dict[str, Any] | None:
    doc = client.get("documents", vendor_id)
    return with_fetcher(client, doc) if doc else None
