"""Buildium webhooks: the HMAC-SHA256 signature (both sides) and thin events -> WebhookEvents.

Signature = base64(HMAC-SHA256(secret, f"{timestamp}.{compact JSON body}")), in ``buildium-webhook-signature``,
with the send time (Unix seconds) in ``buildium-webhook-timestamp``. A delivery older or newer than 5 minutes is
refused, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

from integrations.base import WebhookEvent, WebhookRejected
from integrations.buildium.values import timestamp as parse_timestamp

SIGNATURE_HEADER = "buildium-webhook-signature"
TIMESTAMP_HEADER = "buildium-webhook-timestamp"
TOLERANCE_SECONDS = 300
OPERATIONS = ("Created", "Updated", "Deleted")
# Entity of the event name -> (pull stream, the id field of the event body).
ENTITIES: dict[str, tuple[str, str]] = {
    "Rental": ("properties", "PropertyId"),
    "RentalUnit": ("units", "UnitId"),
    "Lease": ("leases", "LeaseId"),
    "LeaseTenant": ("tenants", "TenantId"),
}


def compact(raw_body: bytes) -> bytes:
    """The body as Buildium signs it: no newlines, no spaces after separators, keys in their order."""
    return json.dumps(json.loads(raw_body), separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def sign(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """Headers for an outgoing delivery (the sandbox sends these)."""
    stamp = str(int(now if now is not None else time.time()))
    return {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: signature(secret, stamp, body)}


def verify(headers: Mapping[str, str], raw_body: bytes, secret: str, now: float | None = None) -> bool:
    """True for a genuine, fresh delivery; otherwise WebhookRejected with the reason."""
    if not secret:
        raise WebhookRejected("no webhook secret is configured for this connection")
    lowered = {k.lower(): v for k, v in headers.items()}
    stamp, given = lowered.get(TIMESTAMP_HEADER, ""), lowered.get(SIGNATURE_HEADER, "")
    if not stamp or not given:
        raise WebhookRejected("the delivery is not signed (missing timestamp or signature header)")
    try:
        sent = int(stamp)
    except ValueError as exc:
        raise WebhookRejected(f"the timestamp {stamp[:20]!r} is not Unix seconds") from exc
    skew = abs((now if now is not None else time.time()) - sent)
    if skew > TOLERANCE_SECONDS:
        raise WebhookRejected(f"the timestamp is {int(skew)} s away from now (at most {TOLERANCE_SECONDS} s)")
    candidates = [raw_body]
    try:
        candidates.append(compact(raw_body))
    except ValueError as exc:
        raise WebhookRejected("the body is not JSON") from exc
    if any(hmac.compare_digest(signature(secret, stamp, body), given) for body in candidates):
        return True
    raise WebhookRejected("the signature does not match the body")


def _event(payload: Any) -> WebhookEvent | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("EventName"), str):
        return None
    name = payload["EventName"]
    entity, _, _ = name.partition(".")
    if entity not in ENTITIES:
        return None  # events for records the portal does not keep (bills, tasks, ...)
    if name not in {f"{entity}.{op}" for op in OPERATIONS} and not name.startswith(f"{entity}.MoveOut."):
        return None  # Rental.MeterReading.* and the like: a sub-record the portal does not keep, not the entity
    stream, id_field = ENTITIES[entity]
    entity_id = payload.get(id_field)
    if isinstance(entity_id, bool) or not isinstance(entity_id, int):
        return None
    # Lease.MoveOut.* and the like change the lease: re-fetch it. Only "<Entity>.Deleted" deletes.
    action = "delete" if name == f"{entity}.Deleted" else "upsert"
    when = payload.get("EventDateTime") if isinstance(payload.get("EventDateTime"), str) else ""
    return WebhookEvent(
        stream=stream,
        vendor_id=str(entity_id),
        action=action,
        occurred_at=parse_timestamp(when),
        dedupe_key=f"{name}:{entity_id}:{when}",
    )


def parse(raw_body: bytes) -> list[WebhookEvent]:
    """Thin events (record=None): the engine re-fetches each entity through its stream's fetch_one."""
    try:
        data = json.loads(raw_body)
    except ValueError:
        return []
    items = data if isinstance(data, list) else [data]
    return [event for event in (_event(item) for item in items) if event is not None]
