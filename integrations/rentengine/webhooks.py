"""RentEngine webhooks: the API-key check and ``{type, table, record, old_record}`` -> WebhookEvents.

RentEngine sends the API key configured with the webhook in a request header. [gap] The header's name is not
published: the connection option ``webhook_api_key_header`` names it (default ``X-API-Key``). Deliveries come through
QStash with retries, so the same event can arrive twice and in any order: each event's dedupe key is
table + record id + type + updated_at, and the engine skips a record older than the one it has (a DELETE remembers
the deleted version's time, so a late UPDATE cannot bring the record back).

RentEngine says a webhook record may carry only some fields. A record that holds every field the mapping reads (and,
for a unit, its address as an object and its multifamily property) is applied as sent; otherwise the event is thin
and the engine re-fetches the record whole through the stream's ``fetch_one``.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from typing import Any

from integrations.base import WebhookEvent, WebhookRejected
from integrations.rentengine import mapping
from integrations.rentengine import values as v
from integrations.rentengine.types import PROPERTIES_TABLE, UNIT_PROPERTY_FIELD, UNITS_TABLE, WEBHOOK_TYPES

DEFAULT_HEADER = "X-API-Key"
STREAMS = {UNITS_TABLE: "units", PROPERTIES_TABLE: "properties"}


def verify(headers: Mapping[str, str], api_key: str, header: str = DEFAULT_HEADER) -> bool:
    """True when the delivery carries the configured API key in the configured header; otherwise the reason."""
    if not api_key:
        raise WebhookRejected("no webhook API key is configured for this connection")
    name = (header or DEFAULT_HEADER).strip().lower()
    given = {k.lower(): val for k, val in headers.items()}.get(name)
    if not given:
        raise WebhookRejected(f"the delivery has no {header or DEFAULT_HEADER} header")
    if not hmac.compare_digest(given.strip().encode(), api_key.strip().encode()):
        raise WebhookRejected(f"the {header or DEFAULT_HEADER} header does not hold this connection's API key")
    return True


def _complete(table: str, record: dict[str, Any]) -> bool:
    if table == PROPERTIES_TABLE:
        return mapping.has_fields(record, mapping.PROPERTY_FIELDS)
    return (mapping.has_fields(record, mapping.UNIT_FIELDS) and isinstance(record.get("address"), dict)
            and bool(record.get(UNIT_PROPERTY_FIELD)))  # no property: the pull's default location must be added


def event(payload: Any) -> WebhookEvent | None:
    """One delivery -> one event (None: a table or shape the portal does not keep)."""
    if not isinstance(payload, dict) or payload.get("table") not in STREAMS or payload.get("type") not in WEBHOOK_TYPES:
        return None
    table, kind = payload["table"], payload["type"]
    record = payload.get("record") if isinstance(payload.get("record"), dict) else None
    old = payload.get("old_record") if isinstance(payload.get("old_record"), dict) else None
    current = record if kind != "DELETE" else old
    if current is None or current.get("id") in (None, ""):
        return None
    vendor_id = str(current["id"])
    stamp = str(current.get("updated_at") or "")
    # A property deleted in RentEngine's UI may stay as a row with deleted=true: the same as a DELETE here.
    deleted = kind == "DELETE" or (table == PROPERTIES_TABLE and record is not None and record.get("deleted") is True)
    fat = not deleted and record is not None and _complete(table, record)
    return WebhookEvent(
        stream=STREAMS[table],
        vendor_id=vendor_id,
        action="delete" if deleted else "upsert",
        occurred_at=v.timestamp(stamp),
        dedupe_key=f"{table}:{vendor_id}:{kind}:{stamp}",
        record=record if fat else None,
    )


def parse(raw_body: bytes) -> list[WebhookEvent]:
    try:
        payload = json.loads(raw_body)
    except ValueError:
        return []
    items = payload if isinstance(payload, list) else [payload]
    return [e for e in (event(item) for item in items) if e is not None]


def dedupe_key(raw_body: bytes) -> str | None:
    events = parse(raw_body)
    return "|".join(e.dedupe_key for e in events) if events else None
