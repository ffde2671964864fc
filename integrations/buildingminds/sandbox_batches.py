"""The sandbox's batch processing: every POST is a batch of inbound messages (one per record) that move through
New → InProgress (→ GeoCodingSuccessful for addresses) → Completed or a failure status over time.

Time-based and lazy: a message's status follows from when it became ready (its own arrival, or the completion of
the last record it refers to) and ``stage_seconds``; ``advance(now)`` settles everything due, in dependency order,
before any request is answered. A message whose referenced ids are unknown stays New (``missingDependencies``)
until they arrive. Completed records land in the "addresses" / "sites" / "buildings" collections.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from integrations.buildingminds.types import COMPLETED, FAILED_STATUSES
from integrations.sandbox.store import Store

COLLECTION = {"address": "addresses", "site": "sites", "building": "buildings"}
ID_FIELD = {"address": "addressId", "site": "siteId", "building": "buildingId"}
REFERENCES = {"site": (("addressIds", "address"),), "building": (("addressIds", "address"), ("siteIds", "site"))}
UNGEOCODABLE = frozenset({"atlantis", "nowhere"})


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class Batches:
    def __init__(self, store: Store, stage_seconds: float) -> None:
        self.store = store
        self.stage_seconds = stage_seconds
        self.outcomes: dict[str, str] = {}  # entity id -> forced final status (control API)
        self.ungeocodable = set(UNGEOCODABLE)

    def receive(self, entity: str, records: list[dict[str, Any]], now: dt.datetime) -> str:
        batch_id = str(uuid.uuid4())
        self.store.insert("batches", {"batchId": batch_id, "entityType": entity.capitalize(),
                                      "createdAt": stamp(now), "messageCount": len(records)}, key=batch_id)
        for record in records:
            message_id = str(uuid.uuid4())
            self.store.insert("messages", {
                "id": message_id, "batchId": batch_id, "entityType": entity.capitalize(),
                "entityId": str(record.get(ID_FIELD[entity]) or ""), "status": "New", "missingDependencies": False,
                "createdAt": stamp(now), "errorMessage": None, "_entity": entity, "_record": record,
                "_arrived": now.timestamp(), "_ready": None,
            }, key=message_id)
        return batch_id

    # --- time ---------------------------------------------------------------------------------------------
    def advance(self, now: dt.datetime) -> None:
        """Settle every message whose time has come; a completion may release messages waiting for it."""
        with self.store.locked():
            for _ in range(1000):  # bounded: each turn settles at least one message or stops
                if not self._turn(now.timestamp()):
                    break

    def _turn(self, now: float) -> bool:
        changed = False
        open_ = [m for m in self.store.all("messages") if m["status"] != COMPLETED and m["status"] not in
                 FAILED_STATUSES]
        for message in sorted(open_, key=lambda m: (m["_arrived"], m["id"])):
            update = self._evaluate(message, now)
            if update:
                self.store.update("messages", message["id"], update)
                changed = changed or update.get("status") in FAILED_STATUSES | {COMPLETED}
        return changed

    def _evaluate(self, message: dict[str, Any], now: float) -> dict[str, Any]:
        ready = message["_ready"]
        if ready is None:
            deps_done = self._dependencies_done(message)
            if deps_done is None:
                return {"status": "New", "missingDependencies": True}
            ready = max(message["_arrived"], deps_done)
        stages = self._stages(message["_entity"])
        step = int((now - ready) // self.stage_seconds) if self.stage_seconds > 0 else len(stages)
        if step < len(stages):
            return {"status": stages[max(0, step)], "missingDependencies": False, "_ready": ready}
        done_at = ready + len(stages) * self.stage_seconds
        status, reason = self._outcome(message)
        if status == COMPLETED:
            self._apply(message, done_at)
        return {"status": status, "errorMessage": reason, "missingDependencies": False, "_ready": ready,
                "_done": done_at}

    @staticmethod
    def _stages(entity: str) -> tuple[str, ...]:
        return ("New", "InProgress", "GeoCodingSuccessful") if entity == "address" else ("New", "InProgress")

    def _dependencies_done(self, message: dict[str, Any]) -> float | None:
        """When the last record this one refers to was completed; None while any is unknown."""
        latest = message["_arrived"]
        for field, entity in REFERENCES.get(message["_entity"], ()):
            for ref in message["_record"].get(field) or ():
                found = self.store.get(COLLECTION[entity], ref)
                if found is None:
                    return None
                latest = max(latest, found["_completed"])
        return latest

    # --- outcome ------------------------------------------------------------------------------------------
    def _outcome(self, message: dict[str, Any]) -> tuple[str, str | None]:
        record, entity = message["_record"], message["_entity"]
        forced = self.outcomes.get(message["entityId"])
        if forced:
            return forced, None if forced == COMPLETED else f"{forced} (set through the sandbox's control API)"
        if entity == "address" and str(record.get("city", "")).strip().lower() in self.ungeocodable:
            return "FailedGeoCoding", f"The address in {record.get('city')!r} could not be geocoded"
        if entity == "site" and record.get("validUntil") and record["validUntil"] < record.get("validFrom", ""):
            return "FailedValidation", "validUntil lies before validFrom"
        year = record.get("constructionYear")
        if entity == "building" and year and year[:4] > stamp(dt.datetime.now(dt.UTC))[:4]:
            return "FailedValidation", "constructionYear lies in the future"
        return COMPLETED, None

    def _apply(self, message: dict[str, Any], done_at: float) -> None:
        record, entity = message["_record"], message["_entity"]
        key = message["entityId"]
        if str(record.get("eventType", "")).endswith("Deleted"):
            self.store.delete(COLLECTION[entity], key)
            return
        self.store.insert(COLLECTION[entity], {**record, "_completed": done_at, "_batchId": message["batchId"]},
                          key=key)

    # --- reads --------------------------------------------------------------------------------------------
    def list_batches(self, batch_id: str | None, created_at: str | None) -> list[dict[str, Any]]:
        rows = self.store.all("batches")
        if batch_id:
            rows = [b for b in rows if b["batchId"] == batch_id]
        if created_at:
            rows = [b for b in rows if b["createdAt"].startswith(created_at)]
        for batch in rows:
            batch["status"] = overall(self.messages(batch["batchId"]))
        return sorted(rows, key=lambda b: (b["createdAt"], b["batchId"]))

    def messages(self, batch_id: str, status: str | None = None,
                 missing: bool | None = None) -> list[dict[str, Any]]:
        rows = [public(m) for m in self.store.find("messages", lambda m: m["batchId"] == batch_id)]
        if status:
            rows = [m for m in rows if m["status"] == status]
        if missing is not None:
            rows = [m for m in rows if m["missingDependencies"] is missing]
        return sorted(rows, key=lambda m: (m["createdAt"], m["id"]))


def public(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if not k.startswith("_")}


def overall(messages: Iterable[dict[str, Any]]) -> str:
    statuses = [m["status"] for m in messages]
    if any(s in FAILED_STATUSES for s in statuses):
        return "CompletedWithErrors"
    if statuses and all(s == COMPLETED for s in statuses):
        return COMPLETED
    return "InProgress" if any(s != "New" for s in statuses) else "New"
