"""The sandbox's resource endpoints: lists with page/pageSize, get, create, update, archive/restore, lease status,
multipart document uploads and signed downloads, delete. Mixed into BrikSyncSandbox (sandbox.py)."""

from __future__ import annotations

import math
from typing import Any

from werkzeug.wrappers import Request, Response

from integrations.briksync import sandbox_rules as rules

DEFAULT_PAGE_SIZE = {"properties": 12}  # every other resource: 20
FILTERS = {
    "units": ("property_id", "status"),
    "tenants": ("email",),
    "leases": ("property_id", "unit_id", "tenant_id", "status"),
    "documents": ("property_id", "tenant_id", "unit_id", "lease_id"),
}
CHECKS = {"properties": rules.check_property, "units": rules.check_unit, "tenants": rules.check_tenant,
          "leases": rules.check_lease}
SINGULAR = {"properties": "Property", "units": "Unit", "tenants": "Tenant", "leases": "Lease",
            "documents": "Document"}
READ_ONLY = {"id", "created_at", "updated_at", "archived"}


class RecordsMixin:
    # --- reading --------------------------------------------------------------------------------------------
    def on_list(self: Any, request: Request, resource: str) -> Response:
        try:
            page = int(request.args.get("page", 1))
            size = int(request.args.get("pageSize", DEFAULT_PAGE_SIZE.get(resource, 20)))
        except ValueError:
            return self.error_response(400, "page and pageSize must be whole numbers", "VALIDATION_ERROR")
        if page < 1 or not 1 <= size <= 100:
            return self.error_response(400, "page must be at least 1 and pageSize between 1 and 100",
                                       "VALIDATION_ERROR")
        args = self.incoming(request.args.to_dict())
        rows = self.store.find(resource, lambda r: self.matches(resource, r, args))
        since = args.get("updated_since")
        if since:
            rows = [r for r in rows if r.get("updated_at", "") >= since.replace("+00:00", "Z")]
        total = len(rows)
        data = {self.items_key: rows[(page - 1) * size: page * size], "page": page, "pageSize": size,
                "total": total, "totalPages": math.ceil(total / size)}
        return self.ok(data)

    @staticmethod
    def matches(resource: str, record: dict[str, Any], args: dict[str, str]) -> bool:
        if resource == "properties" and bool(record.get("archived")) != (args.get("availability") == "archived"):
            return False
        return all(str(record.get(f)) == args[f] for f in FILTERS.get(resource, ()) if args.get(f))

    def on_get(self: Any, request: Request, resource: str, record_id: str) -> Response:
        record = self.store.get(resource, record_id)
        return self.ok(record) if record is not None else self.missing(resource)

    def missing(self: Any, resource: str) -> Response:
        return self.error_response(404, f"{SINGULAR[resource]} not found.", "NOT_FOUND")

    # --- writing --------------------------------------------------------------------------------------------
    def on_create(self: Any, request: Request, resource: str) -> Response:
        if resource == "documents":
            return self.upload(request)
        body = self.incoming(self.body(request))
        if not isinstance(body, dict):
            return self.error_response(400, "The request body must be a JSON object", "VALIDATION_ERROR")
        body = {k: v for k, v in body.items() if k not in READ_ONLY}
        try:
            CHECKS[resource](body)
        except rules.Invalid as exc:
            return self.invalid(exc)
        with self.store.locked():
            refused = self.refuse_create(resource, body)
            if refused is not None:
                return refused
            now = self.stamp()
            record = {"id": self.new_id(), **body, "created_at": now, "updated_at": now}
            if resource == "properties":
                record["archived"] = False
            if resource == "leases":
                record["status"] = "draft"  # a new lease starts as a draft; its status moves by the status endpoint
            self.store.insert(resource, record, key=record["id"])
        return self.ok(record, 201)

    def refuse_create(self: Any, resource: str, body: dict[str, Any]) -> Response | None:
        limit = self.limits.get(resource)
        if limit is not None and self.store.count(resource) >= limit:
            return self.error_response(
                403, f"Your plan allows {limit} {resource}.", "PLAN_LIMIT_EXCEEDED",
                detail=f"Upgrade to add more than {limit} {resource}.", upgradeUrl="https://briksync.com/settings/billing")
        return self.refuse_links(resource, body, None)

    def refuse_links(self: Any, resource: str, body: dict[str, Any], record_id: str | None) -> Response | None:
        """Parents must exist; unit numbers are unique per property; a lease's unit is in its property."""
        for field, parent in (("property_id", "properties"), ("unit_id", "units"), ("tenant_id", "tenants")):
            if body.get(field) and (resource in ("units", "leases")) and self.store.get(parent, body[field]) is None:
                return self.missing(parent)
        if resource == "units" and (body.get("unit_number") or body.get("property_id")):
            current = self.store.get("units", record_id) if record_id else {}
            merged = {**(current or {}), **body}
            number = str(merged.get("unit_number")).casefold()
            twins = self.store.find("units", lambda u: u["property_id"] == merged.get("property_id")
                                    and u["id"] != record_id and str(u["unit_number"]).casefold() == number)
            if twins:
                return self.invalid(rules.Invalid({"unit_number": "unit_number already exists in this property"}))
        if resource == "leases" and body.get("unit_id"):
            unit = self.store.get("units", body["unit_id"])
            if unit and body.get("property_id") and unit["property_id"] != body["property_id"]:
                return self.invalid(rules.Invalid({"unit_id": "unit_id is not a unit of property_id"}))
        return None

    def on_update(self: Any, request: Request, resource: str, record_id: str) -> Response:
        """PATCH changes the fields sent; PUT replaces the record's fields. Tenants and lease terms are accepted
        here although BrikSync does not document it (the plug-in's options that send them can be tried)."""
        body = self.incoming(self.body(request))
        if not isinstance(body, dict) or resource == "documents":
            return self.error_response(400, "This resource cannot be updated", "VALIDATION_ERROR")
        if resource == "leases" and "status" in body:
            return self.error_response(400, "Use PATCH /leases/{id}/status to change a lease's status",
                                       "VALIDATION_ERROR")
        body = {k: v for k, v in body.items() if k not in READ_ONLY}
        with self.store.locked():
            current = self.store.get(resource, record_id)
            if current is None:
                return self.missing(resource)
            base = {k: v for k, v in current.items() if k in READ_ONLY or k == "status"} if request.method == "PUT" \
                else current
            merged = {**base, **body}
            try:
                CHECKS[resource]({k: v for k, v in merged.items() if k not in READ_ONLY})
            except rules.Invalid as exc:
                return self.invalid(exc)
            refused = self.refuse_links(resource, body, record_id)
            if refused is not None:
                return refused
            merged["updated_at"] = self.stamp()
            self.store.insert(resource, merged, key=record_id)
        return self.ok(merged)

    def on_archive(self: Any, request: Request, record_id: str, action: str) -> Response:
        record = self.store.get("properties", record_id)
        if record is None:
            return self.missing("properties")
        return self.ok(self.store.update("properties", record_id,
                                         {"archived": action == "archive", "updated_at": self.stamp()}))

    def on_lease_status(self: Any, request: Request, record_id: str) -> Response:
        body = self.incoming(self.body(request)) or {}
        with self.store.locked():
            lease = self.store.get("leases", record_id)
            if lease is None:
                return self.error_response(404, "Lease not found.", "NOT_FOUND")
            try:
                rules.check_transition(lease["status"], str(body.get("status")))
            except rules.Invalid as exc:
                return self.invalid(exc)
            updated = self.store.update("leases", record_id, {"status": body["status"], "updated_at": self.stamp()})
        return self.ok(updated)

    def on_delete(self: Any, request: Request, resource: str, record_id: str) -> Response:
        if resource not in ("documents", "units"):
            return self.error_response(403, "Permanent deletes are made in the BrikSync web application",
                                       "FORBIDDEN", detail="This delete is not available through the API.")
        if not self.store.delete(resource, record_id):
            return self.missing(resource)
        with self._guard:
            self.blobs.pop(record_id, None)
        return self.ok({"id": record_id, "deleted": True})

    # --- documents ------------------------------------------------------------------------------------------
    def upload(self: Any, request: Request) -> Response:
        if request.mimetype != "multipart/form-data":
            return self.error_response(400, "Upload documents as multipart/form-data", "VALIDATION_ERROR")
        fields = self.incoming(request.form.to_dict())
        part = request.files.get("file")
        content = part.read() if part is not None else None
        try:
            mime = rules.check_document(fields, content)
        except rules.Invalid as exc:
            return self.invalid(exc)
        for field, parent in (("property_id", "properties"), ("tenant_id", "tenants"), ("unit_id", "units"),
                              ("lease_id", "leases")):
            if fields.get(field) and self.store.get(parent, fields[field]) is None:
                return self.missing(parent)
        now = self.stamp()
        record = {"id": self.new_id(), "name": fields["name"], "type": fields["type"],
                  **{f: fields.get(f) or None for f in ("property_id", "tenant_id", "unit_id", "lease_id")},
                  "file_name": (part.filename if part is not None else None) or fields["name"], "mime_type": mime,
                  "size_bytes": len(content or b""), "created_at": now, "updated_at": now}
        self.store.insert("documents", record, key=record["id"])
        with self._guard:
            self.blobs[record["id"]] = (content or b"", mime)
        return self.ok(record, 201)

    def on_download(self: Any, request: Request, record_id: str) -> Response:
        if self.store.get("documents", record_id) is None:
            return self.missing("documents")
        return self.ok(self.signed_link(request, record_id))
