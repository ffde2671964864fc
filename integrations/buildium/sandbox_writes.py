"""The Buildium sandbox's write endpoints: rentals, units and leases (POST/PUT) and the two-step file upload.

Bodies are checked with integrations.buildium.validation (Buildium's required fields and rules), so the sandbox
answers 400/422 with ApiErrorResponse.Errors exactly as the plug-in's local validation predicts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from werkzeug.wrappers import Request, Response

from integrations.buildium import sandbox_data as data
from integrations.buildium import validation


class WritesMixin:
    """Mixed into BuildiumSandbox (which provides store, save, problems, error_response, json, ticket...)."""

    def _body(self: Any, request: Request) -> dict[str, Any] | Response:
        if request.mimetype != "application/json":
            return self.error_response(
                415, "The request Content-Type must be application/json.", "UnsupportedMediaType"
            )
        body = self.body(request)
        if not isinstance(body, dict):
            return self.error_response(400, "The request body must be a JSON object.", "BadRequest")
        return body

    # --- rentals ------------------------------------------------------------------------------------------------
    def on_create_rental(self: Any, request: Request) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        if problems := validation.property_problems(body):
            return self.problems(problems)
        with self.store.locked():
            pid = self.store.next_id("rentals")
            units = body.get("Units") or []
            record = self._rental_fields(
                body,
                {
                    "Id": pid,
                    "IsActive": True,
                    "RentalType": "Residential",
                    "RentalManager": None,
                    "NumberUnits": len(units),
                },
            )
            saved = self.save("rentals", pid, record, created=True)
        for unit in units:
            self._insert_unit(dict(unit, PropertyId=pid))
        return self.json(self.public("rentals", saved), 201, headers={"Location": f"{request.base_url}/{pid}"})

    def on_update_rental(self: Any, request: Request, rid: int) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        current = self.store.get("rentals", rid)
        if current is None:
            return self.error_response(404, f"The rental {rid} does not exist.", "NotFound")
        if problems := validation.property_problems(body):
            return self.problems(problems)
        saved = self.save("rentals", rid, self._rental_fields(body, {}), created=False)
        return self.json(self.public("rentals", saved))

    @staticmethod
    def _rental_fields(body: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
        # PUT semantics: every writable field is set from the body; a missing one becomes null (Buildium's note).
        fields = {
            k: body.get(k)
            for k in ("Name", "StructureDescription", "OperatingBankAccountId", "Reserve", "YearBuilt", "RentalSubType")
        }
        return {**base, **fields, "Address": _address(body["Address"])}

    # --- units --------------------------------------------------------------------------------------------------
    def on_create_unit(self: Any, request: Request) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        if problems := validation.unit_problems(body, post=True):
            return self.problems(problems)
        if self.store.get("rentals", body["PropertyId"]) is None:
            return self.error_response(404, f"The rental property {body['PropertyId']} does not exist.", "NotFound")
        created = self._insert_unit(body)
        if isinstance(created, Response):
            return created
        return self.json(
            self.public("units", created), 201, headers={"Location": f"{request.base_url}/{created['Id']}"}
        )

    def _insert_unit(self: Any, body: dict[str, Any]) -> dict[str, Any] | Response:
        with self.store.locked():
            if self._unit_number_taken(body["PropertyId"], body["UnitNumber"], None):
                return self._duplicate_unit()
            uid = self.store.next_id("units")
            record = {
                "Id": uid,
                "PropertyId": body["PropertyId"],
                "BuildingName": None,
                "IsUnitListed": False,
                "IsUnitOccupied": False,
                **self._unit_fields(body),
            }
            return self.save("units", uid, record, created=True)

    def on_update_unit(self: Any, request: Request, rid: int) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        current = self.store.get("units", rid)
        if current is None:
            return self.error_response(404, f"The unit {rid} does not exist.", "NotFound")
        if problems := validation.unit_problems(body, post=False):
            return self.problems(problems)
        with self.store.locked():
            if self._unit_number_taken(current["PropertyId"], body["UnitNumber"], rid):
                return self._duplicate_unit()
            saved = self.save("units", rid, self._unit_fields(body), created=False)
        return self.json(self.public("units", saved))

    def _unit_number_taken(self: Any, property_id: int, number: str, except_id: int | None) -> bool:
        return bool(
            self.store.find(
                "units",
                lambda u: (
                    u["PropertyId"] == property_id
                    and u["Id"] != except_id
                    and (u["UnitNumber"] or "").lower() == number.strip().lower()
                ),
            )
        )

    def _duplicate_unit(self: Any) -> Response:
        return self.problems([("UnitNumber", "The UnitNumber must be unique within the rental property.", 422)])

    @staticmethod
    def _unit_fields(body: dict[str, Any]) -> dict[str, Any]:
        fields = {
            k: body.get(k)
            for k in ("UnitNumber", "Description", "MarketRent", "UnitBedrooms", "UnitBathrooms", "UnitSize")
        }
        return {**fields, "Address": _address(body["Address"])}

    # --- leases -------------------------------------------------------------------------------------------------
    def on_create_lease(self: Any, request: Request) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        if problems := validation.lease_problems(body, post=True):
            return self.problems(problems)
        unit = self.store.get("units", body["UnitId"])
        if unit is None:
            return self.error_response(404, f"The unit {body['UnitId']} does not exist.", "NotFound")
        missing = [i for i in body.get("TenantIds") or [] if self.store.get("tenants", i) is None]
        if missing:
            return self.error_response(404, f"The tenant {missing[0]} does not exist.", "NotFound")
        start = dt.date.fromisoformat(body["LeaseFromDate"][:10])
        end = dt.date.fromisoformat(body["LeaseToDate"][:10]) if body.get("LeaseToDate") else None
        status = data.lease_status(start, end, self.now().date())
        with self.store.locked():
            lid = self.store.next_id("leases")
            tenants = [self.store.get("tenants", i) for i in body.get("TenantIds") or []]
            tenants += [self._new_tenant(lid, tenant) for tenant in body.get("Tenants") or []]
            charges = (body.get("Rent") or {}).get("Charges") or []
            rent = sum(float(c["Amount"]) for c in charges) if charges else None
            deposit = (body.get("SecurityDeposit") or {}).get("Amount")
            due_day = dt.date.fromisoformat(charges[0]["NextDueDate"][:10]).day if charges else 1
            summaries = [{k: x.get(k) for k in ("Id", "FirstName", "LastName", "Email")} for x in tenants]
            moved = {"Past": "MovedOut", "Future": "Future"}.get(status, "Current")
            record = data.lease_record(
                lid,
                unit["PropertyId"],
                unit["Id"],
                unit["UnitNumber"],
                start,
                end,
                body["LeaseType"],
                status,
                rent,
                deposit,
                due_day,
                summaries,
                moved,
                self.now(),
            )
            saved = self.save("leases", lid, record, created=True)
            for tenant in tenants:
                if lid not in tenant.get("_lease_ids", []):
                    self.save(
                        "tenants", tenant["Id"], {"_lease_ids": [*tenant.get("_lease_ids", []), lid]}, created=False
                    )
        return self.json(self.public("leases", saved), 201, headers={"Location": f"{request.base_url}/{lid}"})

    def _new_tenant(self: Any, lease_id: int, body: dict[str, Any]) -> dict[str, Any]:
        tid = self.store.next_id("tenants")
        record = {
            "Id": tid,
            "FirstName": body["FirstName"],
            "LastName": body["LastName"],
            "Email": body.get("Email"),
            "AlternateEmail": body.get("AlternateEmail"),
            "PhoneNumbers": [],
            "CreatedDateTime": data.stamp(self.now()),
            "Address": _address(body["Address"]),
            "_lease_ids": [lease_id],
        }
        return self.save("tenants", tid, record, created=True)

    def on_update_lease(self: Any, request: Request, rid: int) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        current = self.store.get("leases", rid)
        if current is None:
            return self.error_response(404, f"The lease {rid} does not exist.", "NotFound")
        if problems := validation.lease_problems(body, post=False):
            return self.problems(problems)
        unit = self.store.get("units", body["UnitId"])
        if unit is None:
            return self.error_response(404, f"The unit {body['UnitId']} does not exist.", "NotFound")
        start = dt.date.fromisoformat(body["LeaseFromDate"][:10])
        end = dt.date.fromisoformat(body["LeaseToDate"][:10]) if body.get("LeaseToDate") else None
        changes = {
            "LeaseType": body["LeaseType"],
            "UnitId": unit["Id"],
            "PropertyId": unit["PropertyId"],
            "UnitNumber": unit["UnitNumber"],
            "LeaseFromDate": start.isoformat(),
            "LeaseToDate": end.isoformat() if end else None,
            "IsEvictionPending": body["IsEvictionPending"],
            "AutomaticallyMoveOutTenants": bool(body.get("AutomaticallyMoveOutTenants")),
            "LeaseStatus": data.lease_status(start, end, self.now().date()),
        }
        saved = self.save("leases", rid, changes, created=False)
        return self.json(self.public("leases", saved))

    # --- files: POST /v1/files/uploads, then PUT the bytes to the returned URL ----------------------------------
    def on_upload_request(self: Any, request: Request) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        if problems := validation.upload_problems(body):
            return self.problems(problems)
        collection = {
            "Rental": "rentals",
            "RentalUnit": "units",
            "Lease": "leases",
            "Tenant": "tenants",
            "RentalOwner": "owners",
        }.get(body["EntityType"])
        if collection and (body.get("EntityId") is None or self.store.get(collection, body["EntityId"]) is None):
            return self.error_response(
                404, f"The {body['EntityType']} {body.get('EntityId')} does not exist.", "NotFound"
            )
        physical = f"{uuid.uuid4().hex}-{body['FileName']}"
        headers = {"x-amz-meta-physical-name": physical, "x-amz-server-side-encryption": "AES256"}
        token = self.ticket("upload", body=body, physical=physical, headers=headers)
        url = f"{request.url_root}__files__/upload/{token}"
        return self.json({"UploadUrl": url, "PhysicalFileName": physical, "Headers": headers}, 201)

    def on_file_put(self: Any, request: Request, token: str) -> Response:
        ticket = self.take_ticket(token, "upload")
        if ticket is None:
            return Response(
                "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
                403,
                content_type="application/xml",
            )
        wrong = [k for k, v in ticket["headers"].items() if request.headers.get(k) != v]
        if request.mimetype != "application/octet-stream" or wrong:
            return Response("<Error><Code>SignatureDoesNotMatch</Code></Error>", 403, content_type="application/xml")
        body, content = ticket["body"], request.get_data()
        with self.store.locked():
            fid = self.store.next_id("files")
            record = data.file_record(
                fid,
                body["EntityType"],
                body.get("EntityId") or 0,
                body["Title"],
                ticket["physical"],
                len(content),
                self.guess_type(body["FileName"]),
                body["CategoryId"],
                self.now(),
            )
            record.update(Description=body.get("Description"), _content=content)
            self.save("files", fid, record, created=True)
        return Response(b"", 200)


def _address(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        k: raw.get(k)
        for k in ("AddressLine1", "AddressLine2", "AddressLine3", "City", "State", "PostalCode", "Country")
    }
