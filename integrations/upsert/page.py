"""Upsert one page of vendor records: map, prepare, write, confirm. Call inside the page's transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from integrations import outbox
from integrations.contract import PullStream
from integrations.models import ExternalRef
from integrations.upsert.adapters import adapter_for
from integrations.upsert.prepare import Item, Preparer, map_records
from integrations.upsert.write import Writer


@dataclass
class PageResult:
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    deferred: int = 0
    conflicts: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (vendor id, reason)
    deferred_ids: dict[str, dict[str, Any]] = field(default_factory=dict)
    landed_ids: set[str] = field(default_factory=set)
    high_water: dt.datetime | None = None
    items: list[Item] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("fetched", "created", "updated", "unchanged", "failed", "deferred",
                                              "conflicts")}


def upsert_records(connection: Any, stream: PullStream, records: list[dict[str, Any]], now: dt.datetime) -> PageResult:
    adapter = adapter_for(stream.model)
    items = map_records(stream, records)
    Preparer(connection, stream, adapter, now).run(items)
    with outbox.batched():  # one outbox write for the page, not one per record
        Writer(connection, stream, adapter, now).write(items)
    result = PageResult(fetched=len(records), items=items)
    confirm: list[str] = []
    for item in items:
        if item.updated_at and (result.high_water is None or item.updated_at > result.high_water):
            result.high_water = item.updated_at
        if item.status == "create":
            result.created += 1
        elif item.status == "update":
            result.updated += 1
        elif item.status == "unchanged":
            result.unchanged += 1
        elif item.status == "deferred":
            result.deferred += 1
            result.deferred_ids[item.vendor_id] = {
                "reason": item.reason, "updated_at": item.updated_at.isoformat() if item.updated_at else None,
            }
        else:
            result.failed += 1
        result.conflicts += len(item.conflicts)
        if item.status in ("create", "update", "unchanged"):
            result.landed_ids.add(item.vendor_id)
        if (item.reason and item.status != "unchanged") or item.links_incomplete:
            result.errors.append((item.vendor_id or "?", item.reason))
        if item.vendor_id and not item.refreshes_ref:
            confirm.append(item.vendor_id)  # still there at the vendor, whatever happened here
    if confirm:
        ExternalRef.objects.filter(connection=connection, stream=stream.name, vendor_id__in=confirm).update(
            last_confirmed_at=now, missing_at_vendor_since=None
        )
    return result
