"""The sandbox's location hierarchy: regions (seeded, activated by the vendor) and the three levels a builder
creates, each validated against its parent chain as the guide describes (missing or inactive anywhere -> 404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from integrations.builderbacked import sandbox_rules as rules

# level -> (parent collection, field naming the parent)
PARENT: dict[str, tuple[str, str]] = {
    "divisions": ("regions", "regionName"),
    "master-communities": ("divisions", "divisionExternalId"),
    "neighborhoods": ("master-communities", "masterCommunityExternalId"),
}
LABEL = {"divisions": "Division", "master-communities": "Master Community", "neighborhoods": "Neighborhood",
         "homes": "Home", "documents": "Document"}
PUBLIC_REGION_FIELDS = ("id", "externalId", "name", "displayName", "abbreviatedName")


def not_found(collection: str, key: str) -> str:
    if collection == "regions":
        return f"Region '{key}' not found"
    return f"{LABEL[collection]} with external ID '{key}' not found"


class LocationsMixin:
    """Endpoints of the hierarchy; mixed into BuilderBackedSandbox, whose kit provides these:"""

    store: Any
    json: Callable[..., Response]
    fail: Callable[[int, str], Response]
    read_body: Callable[..., tuple[Any, Response | None]]

    def chain_active(self, collection: str, key: str) -> bool:
        """The record and everything above it exist and are active."""
        for _ in range(5):  # the hierarchy is four levels deep: bounded walk
            record = self.store.get(collection, key)
            if record is None or not record.get("active", True):
                return False
            if collection == "regions":
                return True
            collection, field = PARENT[collection]
            key = record[field]
        return False

    def parent_refusal(self, level: str, body: dict[str, Any]) -> Response | None:
        collection, field = PARENT[level]
        if not self.chain_active(collection, body[field]):
            return self.fail(404, not_found(collection, body[field]))
        return None

    def on_regions(self, request: Request) -> Response:
        active = [r for r in self.store.all("regions") if r.get("active", True)]
        active.sort(key=lambda r: r["id"])
        return self.json([{k: r.get(k) for k in PUBLIC_REGION_FIELDS} for r in active])

    def on_list_locations(self, request: Request, level: str) -> Response:
        return self.json(sorted(self.store.all(level), key=lambda r: r["id"]))

    def on_get_location(self, request: Request, level: str, external_id: str) -> Response:
        record = self.store.get(level, external_id)
        if record is None:
            return self.fail(404, not_found(level, external_id))
        return self.json(record)

    def _location_fields(self, level: str, body: dict[str, Any]) -> dict[str, Any]:
        names = ("externalId", "name", "displayName", "abbreviatedName", PARENT[level][1])
        return {name: body.get(name) for name in names}

    def on_create_location(self, request: Request, level: str) -> Response:
        body, refused = self.read_body(request, rules.check_location, level)
        refused = refused or self.parent_refusal(level, body)
        if refused:
            return refused
        with self.store.locked():
            if self.store.get(level, body["externalId"]) is not None:
                return self.fail(409, f"{LABEL[level]} with external ID '{body['externalId']}' already exists")
            record = {"id": self.store.next_id(level), **self._location_fields(level, body), "active": True}
            stored = self.store.insert(level, record, key=body["externalId"])
        return self.json(stored, 201)

    def on_update_location(self, request: Request, level: str) -> Response:
        body, refused = self.read_body(request, rules.check_location, level)
        if refused:
            return refused
        with self.store.locked():
            current = self.store.get(level, body["externalId"])
            if current is None:
                return self.fail(404, not_found(level, body["externalId"]))
            if refused := self.parent_refusal(level, body):
                return refused
            record = {"id": current["id"], **self._location_fields(level, body), "active": current["active"]}
            stored = self.store.insert(level, record, key=body["externalId"])
        return self.json(stored)

    def on_activate(self, request: Request, level: str, external_id: str) -> Response:
        with self.store.locked():
            current = self.store.get(level, external_id)
            if current is None:
                return self.fail(404, not_found(level, external_id))
            if refused := self.parent_refusal(level, current):
                return refused
            return self.json(self.store.update(level, external_id, {"active": True}))

    def on_deactivate(self, request: Request, level: str, external_id: str) -> Response:
        with self.store.locked():
            if self.store.get(level, external_id) is None:
                return self.fail(404, not_found(level, external_id))
            return self.json(self.store.update(level, external_id, {"active": False}))
