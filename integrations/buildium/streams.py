"""Buildium pull paging: offset pages over a stable sort, robust to records vanishing between pages.

Buildium pages by offset. A record deleted (or leaving the filter) between two page requests shifts every later
record one place back, so a plain ``offset += limit`` would skip one. Each request therefore starts OVERLAP
records early and drops the ones up to the last sort key already seen; when more than OVERLAP records vanished,
it steps further back until it reaches a record it has seen (or the start).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from integrations.base import Page
from integrations.buildium.client import BuildiumClient, utc_param

OVERLAP = 5
MAX_STEPS_BACK = 20
PAGE_SIZE = 1000
SortKey = Callable[[dict[str, Any]], list[Any]]


def by_id(raw: dict[str, Any]) -> list[Any]:
    return [raw.get("Id") or 0]


def by_updated_then_id(raw: dict[str, Any]) -> list[Any]:
    return [raw.get("LastUpdatedDateTime") or "", raw.get("Id") or 0]


def by_uploaded_then_id(raw: dict[str, Any]) -> list[Any]:
    return [raw.get("UploadedDateTime") or "", raw.get("Id") or 0]


def since_param(since: dt.datetime | None) -> str | None:
    # lastupdatedfrom is "on or after" at whole seconds: rounding down never misses a record.
    return utc_param(since.replace(microsecond=0)) if since else None


def fetch_offset_page(
    client: BuildiumClient,
    path: str,
    params: dict[str, Any],
    cursor: dict[str, Any] | None,
    key: SortKey,
    page_size: int = PAGE_SIZE,
) -> Page:
    """One page of ``path`` from ``cursor`` ({"offset", "last"}); next_cursor None after the last record."""
    offset = int((cursor or {}).get("offset", 0))
    last = (cursor or {}).get("last")
    start = max(0, offset - OVERLAP) if last is not None else offset
    page = client.list_page(path, params, offset=start, limit=page_size)
    for _ in range(MAX_STEPS_BACK):
        # Seen a record at or before the last one? Then nothing between them was skipped.
        if last is None or start == 0 or not page.records or key(page.records[0]) <= last:
            break
        start = max(0, start - OVERLAP * 8)
        page = client.list_page(path, params, offset=start, limit=page_size)
    fresh = [r for r in page.records if last is None or key(r) > last]
    end = start + len(page.records)
    done = not page.records or end >= page.total
    next_cursor = None if done else {"offset": end, "last": key(page.records[-1]) if page.records else last}
    return Page(records=fresh, next_cursor=next_cursor, total=page.total)
