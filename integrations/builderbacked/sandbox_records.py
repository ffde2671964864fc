"""The sandbox's homes, homeowners and documents, and its generated seed data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from integrations.builderbacked import sandbox_rules as rules
from integrations.builderbacked.sandbox_locations import LABEL, PARENT, not_found

HOME_FIELDS = ("externalId", "addressLine1", "addressLine2", "city", "state", "postalCode", "type",
               "neighborhoodExternalId", "marketHome", "jobId", "productCollection", "model", "closingDate",
               "scheduledClosingDate", "homeDetails")
OWNER_FIELDS = ("email", "prefix", "firstName", "middleName", "lastName", "suffix", "homeownerType", "defaultHome")
DOC_FIELDS = ("externalId", "category", "name", "url", "type", "shareable", "displayStart", "displayEnd", "bucket")


def _owner(data: dict[str, Any]) -> dict[str, Any]:
    owner = {k: data[k] for k in OWNER_FIELDS if data.get(k) is not None}
    owner["email"] = owner["email"].strip().lower()
    owner["fullName"] = " ".join(str(owner[k]) for k in ("firstName", "middleName", "lastName") if owner.get(k))
    return owner


class RecordsMixin:
    """Endpoints for homes and documents; mixed into BuilderBackedSandbox, whose kit provides these:"""

    store: Any
    clock: Callable[[], Any]
    json: Callable[..., Response]
    body: Callable[[Request], Any]
    fail: Callable[[int, str], Response]
    read_body: Callable[..., tuple[Any, Response | None]]
    chain_active: Callable[[str, str], bool]
    region_names: tuple[str, ...]

    # --- homes ---------------------------------------------------------------------------------------------
    def _home_record(self, body: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        """A full record from a request: PUT replaces every request field, never the homeowners."""
        nh = self.store.get("neighborhoods", body["neighborhoodExternalId"])
        mc = self.store.get("master-communities", nh["masterCommunityExternalId"])
        division = self.store.get("divisions", mc["divisionExternalId"])
        line = ", ".join(str(body[k]) for k in ("addressLine1", "addressLine2", "city") if body.get(k))
        return {
            "id": current["id"] if current else self.store.next_id("homes"),
            **{k: body[k] for k in HOME_FIELDS if body.get(k) is not None},
            "fullAddress": f"{line}, {body['state']} {body['postalCode']}",
            "regionExternalId": division["regionName"], "divisionExternalId": division["externalId"],
            "masterCommunityExternalId": mc["externalId"],
            "homeSource": current["homeSource"] if current else "BuilderRegistration",
            "status": current["status"] if current else "Active",
            "homeowners": current["homeowners"] if current else [_owner(o) for o in body.get("homeowners") or []],
        }

    def _home_refusal(self, body: dict[str, Any]) -> Response | None:
        if not self.chain_active("neighborhoods", body["neighborhoodExternalId"]):
            return self.fail(404, not_found("neighborhoods", body["neighborhoodExternalId"]))
        return None

    def on_get_home(self, request: Request, external_id: str) -> Response:
        home = self.store.get("homes", external_id)
        return self.json(home) if home else self.fail(404, not_found("homes", external_id))

    def on_create_home(self, request: Request) -> Response:
        body, refused = self.read_body(request, rules.check_home)
        if refused := refused or self._home_refusal(body):
            return refused
        with self.store.locked():
            if self.store.get("homes", body["externalId"]) is not None:
                return self.fail(409, f"Home with external ID '{body['externalId']}' already exists")
            stored = self.store.insert("homes", self._home_record(body, None), key=body["externalId"])
        return self.json(stored, 201)

    def on_update_home(self, request: Request) -> Response:
        body, refused = self.read_body(request, rules.check_home)
        if refused:
            return refused
        with self.store.locked():
            current = self.store.get("homes", body["externalId"])
            if current is None:
                return self.fail(404, not_found("homes", body["externalId"]))
            if refused := self._home_refusal(body):
                return refused
            stored = self.store.insert("homes", self._home_record(body, current), key=body["externalId"])
        return self.json(stored)

    # --- homeowners ----------------------------------------------------------------------------------------
    def on_add_owners(self, request: Request, home_id: str) -> Response:
        body = self.body(request)
        owners = body if isinstance(body, list) else [body]
        for owner in owners:
            try:
                rules.check_owner(owner)
            except rules.Invalid as exc:
                return self.fail(400, str(exc))
        with self.store.locked():
            home = self.store.get("homes", home_id)
            if home is None:
                return self.fail(404, not_found("homes", home_id))
            added = [_owner(o) for o in owners]
            # Adding an e-mail already on the home replaces that homeowner's details ([gap]: not documented).
            emails = {o["email"] for o in added}
            kept = [o for o in home["homeowners"] if o["email"] not in emails]
            self.store.update("homes", home_id, {"homeowners": kept + added})
        return self.json(added, 201)

    def on_remove_owner(self, request: Request, home_id: str, email: str) -> Response:
        email = email.strip().lower()
        with self.store.locked():
            home = self.store.get("homes", home_id)
            if home is None:
                return self.fail(404, not_found("homes", home_id))
            kept = [o for o in home["homeowners"] if o["email"] != email]
            if len(kept) == len(home["homeowners"]):
                return self.fail(404, f"Homeowner '{email}' not found on home '{home_id}'")
            self.store.update("homes", home_id, {"homeowners": kept})
        return Response(status=204)

    # --- documents -----------------------------------------------------------------------------------------
    def _stamp(self) -> str:
        now = self.clock()
        return now.strftime("%Y-%m-%d %H:%M:%S.") + f"{now.microsecond // 1000:03d}"

    def _docs(self, where: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        return sorted(self.store.find("documents", where), key=lambda d: d["id"])

    def _public(self, doc: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in doc.items() if k != "externalHomeId"}

    def on_home_documents(self, request: Request, home_id: str) -> Response:
        if self.store.get("homes", home_id) is None:
            return self.fail(404, not_found("homes", home_id))
        return self.json([self._public(d) for d in self._docs(lambda d: d["externalHomeId"] == home_id)])

    def on_add_documents(self, request: Request) -> Response:
        body, refused = self.read_body(request, rules.check_documents)
        if refused:
            return refused
        home_id = body["externalHomeId"]
        with self.store.locked():
            if self.store.get("homes", home_id) is None:
                return self.fail(404, not_found("homes", home_id))
            ids = [d["externalId"] for d in body["documents"] if d.get("externalId")]
            taken = {d["externalId"] for d in self._docs(lambda d: d.get("externalId") in ids)}
            doubled = next((i for i in ids if i in taken or ids.count(i) > 1), None)
            if doubled is not None:  # all or nothing: one duplicate refuses the whole batch
                return self.fail(409, f"Document with external ID '{doubled}' already exists")
            created = []
            for doc in body["documents"]:
                record = {"id": self.store.next_id("documents"), "externalHomeId": home_id,
                          **{k: doc[k] for k in DOC_FIELDS if doc.get(k) is not None},
                          "lastModifiedBy": "api-client", "lastModifiedDate": self._stamp()}
                created.append(self._public(self.store.insert("documents", record, key=record["id"])))
        return self.json(created, 201)

    def on_update_document(self, request: Request) -> Response:
        body, refused = self.read_body(request, rules.check_document_update)
        if refused:
            return refused
        with self.store.locked():
            found = self._docs(lambda d: d.get("externalId") == body["externalId"])
            if not found:
                return self.fail(404, not_found("documents", body["externalId"]))
            current = found[0]
            record = {"id": current["id"], "externalHomeId": current["externalHomeId"],
                      **{k: body[k] for k in DOC_FIELDS if body.get(k) is not None},
                      "lastModifiedBy": "api-client", "lastModifiedDate": self._stamp()}
            stored = self.store.insert("documents", record, key=current["id"])
        return self.json(self._public(stored))

    def _delete_docs(self, where: Callable[[dict[str, Any]], bool], home_id: str | None = None) -> Response:
        with self.store.locked():
            if home_id is not None and self.store.get("homes", home_id) is None:
                return self.fail(404, not_found("homes", home_id))
            for doc in self._docs(where):
                self.store.delete("documents", doc["id"])
        return Response(status=204)

    def on_delete_document(self, request: Request, external_id: str) -> Response:
        if not self._docs(lambda d: d.get("externalId") == external_id):
            return self.fail(404, not_found("documents", external_id))
        return self._delete_docs(lambda d: d.get("externalId") == external_id)

    def on_delete_home_documents(self, request: Request, home_id: str) -> Response:
        return self._delete_docs(lambda d: d["externalHomeId"] == home_id, home_id)

    def on_delete_documents_by_category(self, request: Request, home_id: str, category: str) -> Response:
        return self._delete_docs(lambda d: d["externalHomeId"] == home_id and d["category"] == category, home_id)

    def on_delete_documents_by_name(self, request: Request, home_id: str, name: str) -> Response:
        return self._delete_docs(lambda d: d["externalHomeId"] == home_id and d["name"] == name, home_id)

    # --- seed ----------------------------------------------------------------------------------------------
    def seed(self, n: int) -> None:
        """``n`` homes (one homeowner, one document each) under a generated division / community / neighborhoods,
        as if another system of the builder had pushed them. Deterministic; repeated calls add more."""
        start = self.store.count("homes")
        region = self.region_names[0] if self.region_names else "Cincinnati"
        chain = [("divisions", "SEED-DIV", region), ("master-communities", "SEED-MC", "SEED-DIV")]
        for level, key, parent in chain:
            if self.store.get(level, key) is None:
                self.store.insert(level, {"id": self.store.next_id(level), "externalId": key, "name": f"Seeded {key}",
                                          PARENT[level][1]: parent, "active": True}, key=key)
        for i in range(start + 1, start + n + 1):
            nh = f"SEED-NH-{(i - 1) // 25 + 1}"
            if self.store.get("neighborhoods", nh) is None:
                self.store.insert("neighborhoods", {"id": self.store.next_id("neighborhoods"), "externalId": nh,
                                                    "name": f"Seeded {LABEL['neighborhoods']} {nh[8:]}",
                                                    "masterCommunityExternalId": "SEED-MC", "active": True}, key=nh)
            body = {"externalId": f"SEED-HOME-{i}", "addressLine1": f"{100 + i} Seed St", "city": "Mason",
                    "state": "OH", "postalCode": "45040", "type": "Single Family" if i % 3 else "Multi Family",
                    "neighborhoodExternalId": nh,
                    "homeowners": [{"email": f"owner{i}@example.com", "firstName": "Owner", "lastName": str(i),
                                    "homeownerType": "PRIMARY"}]}
            self.store.insert("homes", self._home_record(body, None), key=body["externalId"])
            doc_id = self.store.next_id("documents")
            self.store.insert("documents", {"id": doc_id, "externalHomeId": body["externalId"],
                                            "externalId": f"SEED-DOC-{i}", "category": "Warranty",
                                            "name": "Home warranty", "url": f"https://example.com/warranty/{i}.pdf",
                                            "type": "EXTERNAL_URL", "shareable": True,
                                            "lastModifiedBy": "seed", "lastModifiedDate": self._stamp()}, key=doc_id)
