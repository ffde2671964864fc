"""A stateful Buildium Open API v1 (the parts the portal uses), on the shared sandbox kit.

Same paths, key headers (401 ApiErrorResponse without them), limit/offset paging with X-Total-Count, orderby,
lastupdatedfrom/to, 400/404/409/422 ApiErrorResponse bodies, 10 requests/second with 429, the 2026 two-step file
upload and pre-signed downloads, and signed webhooks for every change (through the API or the control API, which
stands in for someone editing in Buildium's own UI). Internal fields start with "_" and never leave the sandbox.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import secrets
import threading
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from integrations.base import RateSpec
from integrations.buildium import sandbox_data as data
from integrations.buildium import sandbox_query as q
from integrations.buildium import types as t
from integrations.buildium import validation, webhooks
from integrations.buildium.sandbox_writes import WritesMixin
from integrations.sandbox.app import SandboxApp

DEMO_CLIENT_ID = "sandbox-client-id"
DEMO_CLIENT_SECRET = "sandbox-client-secret"  # noqa: S105 (the sandbox's published demo key, not a secret)
ACCOUNT_ID = 123456
# Collection -> (message fields that orderby accepts, webhook entity, id field of its events)
COLLECTIONS: dict[str, tuple[tuple[str, ...], str | None, str | None]] = {
    "rentals": (tuple(t.RentalMessage.__annotations__), "Rental", "PropertyId"),
    "units": (tuple(t.RentalUnitMessage.__annotations__), "RentalUnit", "UnitId"),
    "leases": (tuple(t.LeaseMessage.__annotations__), "Lease", "LeaseId"),
    "tenants": (tuple(t.TenantMessage.__annotations__), "LeaseTenant", "TenantId"),
    "owners": (tuple(t.RentalOwnerMessage.__annotations__), None, None),
    "files": (tuple(t.FileMessage.__annotations__), None, None),
}
QUERY_STRING_LIMIT = 4096


class BuildiumSandbox(WritesMixin, SandboxApp):
    name = "buildium"
    rate_limit = RateSpec(10, 1.0)

    def __init__(self, *, client_id: str = DEMO_CLIENT_ID, client_secret: str = DEMO_CLIENT_SECRET, **kw: Any) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self._versions: dict[str, int] = {}
        self._sorted: dict[str, tuple[Any, list[str]]] = {}
        self._tickets: dict[str, dict[str, Any]] = {}
        self._lock = threading.RLock()
        super().__init__(**kw)

    def routes(self) -> list[Rule]:
        return [
            Rule("/v1/rentals", methods=["GET"], endpoint="list_rentals"),
            Rule("/v1/rentals", methods=["POST"], endpoint="create_rental"),
            Rule("/v1/rentals/<int:rid>", methods=["GET"], endpoint="get_rentals"),
            Rule("/v1/rentals/<int:rid>", methods=["PUT"], endpoint="update_rental"),
            Rule("/v1/rentals/units", methods=["GET"], endpoint="list_units"),
            Rule("/v1/rentals/units", methods=["POST"], endpoint="create_unit"),
            Rule("/v1/rentals/units/<int:rid>", methods=["GET"], endpoint="get_units"),
            Rule("/v1/rentals/units/<int:rid>", methods=["PUT"], endpoint="update_unit"),
            Rule("/v1/rentals/owners", methods=["GET"], endpoint="list_owners"),
            Rule("/v1/rentals/owners/<int:rid>", methods=["GET"], endpoint="get_owners"),
            Rule("/v1/leases", methods=["GET"], endpoint="list_leases"),
            Rule("/v1/leases", methods=["POST"], endpoint="create_lease"),
            Rule("/v1/leases/<int:rid>", methods=["GET"], endpoint="get_leases"),
            Rule("/v1/leases/<int:rid>", methods=["PUT"], endpoint="update_lease"),
            Rule("/v1/leases/tenants", methods=["GET"], endpoint="list_tenants"),
            Rule("/v1/leases/tenants/<int:rid>", methods=["GET"], endpoint="get_tenants"),
            Rule("/v1/files", methods=["GET"], endpoint="list_files"),
            Rule("/v1/files/<int:rid>", methods=["GET"], endpoint="get_files"),
            Rule("/v1/files/<int:rid>/downloadrequest", methods=["POST"], endpoint="download_request"),
            Rule("/v1/files/uploads", methods=["POST"], endpoint="upload_request"),
            Rule("/v1/files/categories", methods=["GET"], endpoint="list_categories"),
            Rule("/__files__/upload/<token>", methods=["PUT"], endpoint="file_put"),
            Rule("/__files__/download/<token>", methods=["GET"], endpoint="file_get"),
        ]

    # --- kit hooks ----------------------------------------------------------------------------------------------
    def authenticate(self, request: Request) -> Response | None:
        if request.path.startswith("/__files__/"):
            return None  # the pre-signed file store: the URL itself is the credential
        if len(request.query_string) > QUERY_STRING_LIMIT:
            return self.error_response(500, "The query string is too long.", "InternalServerError")
        given = (request.headers.get("x-buildium-client-id"), request.headers.get("x-buildium-client-secret"))
        if given != (self.client_id, self.client_secret):
            return self.error_response(401, "The API client ID and secret are missing or not valid.", "Unauthorized")
        return None

    def error_response(self, status: int, message: str, code: str | None = None, **extra: Any) -> Response:
        errors = extra.pop("errors", None) or []
        return self.json({"UserMessage": message, "ErrorCode": code or str(status), "Errors": errors}, status)

    def rate_limited_response(self, retry_after: float) -> Response:
        # Buildium documents no Retry-After or rate headers on 429: just the status and an error body.
        return self.error_response(429, "Too many requests. Retry after a short interval.", "TooManyRequests")

    def sign_webhook(self, body: bytes) -> dict[str, str]:
        return webhooks.sign(self.webhook_secret, body, now=self.clock().timestamp())

    def on_reset(self) -> None:
        with self._lock:
            self._versions.clear()
            self._sorted.clear()
            self._tickets.clear()

    def seed(self, n: int) -> None:
        generator = data.Generator(n, self.clock().date())
        offsets = {c: self.store.count(c) and max(int(r["Id"]) for r in self.store.all(c)) for c in COLLECTIONS}
        with self.store.locked():
            for collection, record in generator.records():
                record = self._shift_ids(collection, record, offsets)
                # Fresh generated dicts: stored as they are (Store.insert's deep copy costs ~20 s per 100,000).
                self._table(collection)[str(record["Id"])] = record
                self.store._next_id[collection] = max(self.store._next_id.get(collection, 1), record["Id"] + 1)
        for category in data.CATEGORIES:
            self.store.insert("categories", dict(category), key=category["Id"])
        for collection in COLLECTIONS:
            self.touched(collection)

    @staticmethod
    def _shift_ids(collection: str, record: dict[str, Any], offsets: dict[str, int]) -> dict[str, Any]:
        """A second seed adds records after the first instead of overwriting them."""
        if not any(offsets.values()):
            return record
        shift = {"rentals": offsets["rentals"], "units": offsets["units"], "leases": offsets["leases"]}
        record = dict(record, Id=record["Id"] + offsets[collection])
        for field, source in (("PropertyId", "rentals"), ("UnitId", "units")):
            if field in record:
                record[field] += shift[source]
        if collection == "tenants":
            record["_lease_ids"] = [i + shift["leases"] for i in record["_lease_ids"]]
        if collection == "leases":
            record["Tenants"] = [dict(x, Id=x["Id"] + offsets["tenants"]) for x in record["Tenants"]]
            record["CurrentTenants"] = [dict(x, Id=x["Id"] + offsets["tenants"]) for x in record["CurrentTenants"]]
        if collection == "owners":
            record["PropertyIds"] = [i + shift["rentals"] for i in record["PropertyIds"]]
        if collection == "files":
            entity = record["FileEntity"]
            source = {"Rental": "rentals", "RentalUnit": "units", "Lease": "leases"}.get(entity["EntityType"])
            record["FileEntity"] = dict(entity, Id=entity["Id"] + (shift[source] if source else 0))
        return record

    def mutate(self, collection: str, key: str, changes: dict[str, Any]) -> dict[str, Any] | None:
        """A change made in Buildium's UI: new LastUpdated time and a webhook, like any API write."""
        return self.save(collection, key, changes, created=False)

    def remove(self, collection: str, key: str) -> bool:
        gone = self.store.delete(collection, key)
        if gone:
            self.touched(collection)
            self.notify(collection, int(key), "Deleted")
        return gone

    # --- shared helpers (used by the write handlers too) --------------------------------------------------------
    def _table(self, collection: str) -> dict[str, dict[str, Any]]:
        """The live rows of a collection, for reads under ``store.locked()`` that must not deep-copy every record
        (a 100,000-record sync pages through them ~100 times). Rows are never mutated in place: Store.update
        replaces top-level values, so a shallow copy taken under the lock is a consistent snapshot.
        The kit's Store has no public no-copy view yet; this reaches into it (see the report)."""
        return self.store._data.setdefault(collection, {})

    def now(self) -> dt.datetime:
        return self.clock().astimezone(dt.UTC)

    def touched(self, collection: str) -> None:
        with self._lock:
            self._versions[collection] = self._versions.get(collection, 0) + 1

    def save(self, collection: str, key: str | int, changes: dict[str, Any], *, created: bool) -> dict[str, Any] | None:
        when = self.now()
        changes = dict(changes, _updated=when)
        if collection == "leases":
            changes["LastUpdatedDateTime"] = data.stamp(when)
        if created:
            record = self.store.insert(collection, changes, key=int(key))
        else:
            record = self.store.update(collection, key, changes)
        if record is not None:
            self.touched(collection)
            self.notify(collection, int(record["Id"]), "Created" if created else "Updated")
        return record

    def notify(self, collection: str, record_id: int, operation: str) -> None:
        _, entity, id_field = COLLECTIONS.get(collection, ((), None, None))
        if entity and id_field:
            self.emit_webhook(
                {
                    "EventName": f"{entity}.{operation}",
                    "EventDateTime": data.stamp(self.now()),
                    "AccountId": ACCOUNT_ID,
                    id_field: record_id,
                }
            )

    def public(self, collection: str, record: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in record.items() if not k.startswith("_")}
        if collection == "tenants":
            table = self._table("leases")
            leases = [table.get(str(i)) for i in record.get("_lease_ids", [])]
            out["Leases"] = [
                {
                    k: lease[k]
                    for k in (
                        "Id",
                        "PropertyId",
                        "UnitId",
                        "UnitNumber",
                        "LeaseFromDate",
                        "LeaseToDate",
                        "LeaseType",
                        "LeaseStatus",
                    )
                }
                for lease in leases
                if lease
            ]
        return out

    def problems(self, problems: list[validation.Problem]) -> Response:
        status, body = validation.error_body(problems)
        return self.json(body, status)

    def query_error(self, exc: q.QueryError) -> Response:
        return self.error_response(
            exc.status,
            exc.message,
            "BadRequest" if exc.status == 400 else "NotFound",
            errors=[{"Key": exc.key, "Value": exc.message}],
        )

    # --- reads --------------------------------------------------------------------------------------------------
    def _listing(self, request: Request, collection: str, keep: Any) -> Response:
        fields = COLLECTIONS[collection][0]
        try:
            offset, limit = q.paging(request.args)
            keys = q.order_keys(request.args.get("orderby"), fields)
            low, high = q.utc_bound(request.args, "lastupdatedfrom"), q.utc_bound(request.args, "lastupdatedto")
            keep = keep(request.args)
        except q.QueryError as exc:
            return self.query_error(exc)
        ids = self._matching_ids(request, collection, keys, lambda r: keep(r) and q.in_window(r["_updated"], low, high))
        with self.store.locked():
            table = self._table(collection)
            page = [self.public(collection, table[i]) for i in ids[offset : offset + limit] if i in table]
        return self.json(page, headers={"X-Total-Count": str(len(ids))})

    def _matching_ids(self, request: Request, collection: str, keys: list[tuple[str, bool]], match: Any) -> list[str]:
        """The sorted ids of a query, computed once per change of the collection (a sync pages through the same
        query many times; filtering and sorting 100,000 records on every page would dominate its time)."""
        params = tuple(sorted((k, v) for k, v in request.args.items(multi=True) if k not in ("offset", "limit")))
        with self._lock:
            cache_key = (self._versions.get(collection, 0), params)
            cached = self._sorted.get(collection)
            if cached and cached[0] == cache_key:
                return cached[1]
        with self.store.locked():
            rows = [r for r in self._table(collection).values() if match(r)]
        rows = q.sort(rows, keys, lambda r, f: r.get(f))
        ids = [str(r["Id"]) for r in rows]
        with self._lock:
            self._sorted[collection] = (cache_key, ids)
        return ids

    def _one(self, collection: str, rid: int) -> Response:
        record = self.store.get(collection, rid)
        if record is None:
            return self.error_response(404, f"The {collection[:-1]} {rid} does not exist.", "NotFound")
        return self.json(self.public(collection, record))

    def on_list_rentals(self, request: Request) -> Response:
        def keep(args: Any) -> Any:
            ids, status = q.int_list(args, "propertyids"), args.get("status")
            subtypes = q.str_list(args, "subtypes", t.RENTAL_SUB_TYPES)
            owners = q.int_list(args, "rentalownerids")
            owned = (
                {pid for o in self.store.all("owners") if o["Id"] in owners for pid in o["PropertyIds"]}
                if owners
                else None
            )
            return lambda r: (
                (ids is None or r["Id"] in ids)
                and (owned is None or r["Id"] in owned)
                and (subtypes is None or r["RentalSubType"] in subtypes)
                and (status is None or r["IsActive"] == (status == "Active"))
            )

        return self._listing(request, "rentals", keep)

    def on_list_units(self, request: Request) -> Response:
        def keep(args: Any) -> Any:
            ids = q.int_list(args, "propertyids")
            return lambda r: ids is None or r["PropertyId"] in ids

        return self._listing(request, "units", keep)

    def on_list_leases(self, request: Request) -> Response:
        def keep(args: Any) -> Any:
            ids, unit = q.int_list(args, "propertyids"), args.get("unitnumber")
            statuses = q.str_list(args, "leasestatuses", t.LEASE_STATUSES)
            types = q.str_list(args, "leasetypes", ("None", *t.LEASE_TYPES_WRITABLE))
            return lambda r: (
                (ids is None or r["PropertyId"] in ids)
                and (unit is None or r["UnitNumber"] == unit)
                and (statuses is None or r["LeaseStatus"] in statuses)
                and (types is None or r["LeaseType"] in types)
            )

        return self._listing(request, "leases", keep)

    def on_list_tenants(self, request: Request) -> Response:
        def keep(args: Any) -> Any:
            units, props = q.int_list(args, "unitids"), q.int_list(args, "propertyids")
            if units is None and props is None:
                return lambda r: True
            leases = {
                x["Id"]
                for x in self.store.all("leases")
                if (units is None or x["UnitId"] in units) and (props is None or x["PropertyId"] in props)
            }
            return lambda r: bool(leases.intersection(r.get("_lease_ids", [])))

        return self._listing(request, "tenants", keep)

    def on_list_owners(self, request: Request) -> Response:
        def keep(args: Any) -> Any:
            ids, status = q.int_list(args, "propertyids"), args.get("status")
            return lambda r: (
                (ids is None or ids.intersection(r["PropertyIds"] or []))
                and (status is None or r["IsActive"] == (status == "Active"))
            )

        return self._listing(request, "owners", keep)

    def on_list_files(self, request: Request) -> Response:
        def keep(args: Any) -> Any:
            etype = args.get("entitytype")
            if etype is not None and etype not in t.FILE_ENTITY_TYPES[1:]:
                raise q.QueryError(400, "entitytype", f"The value '{etype}' is not valid for entitytype.")
            eid, cat = args.get("entityid", type=int), args.get("categoryid", type=int)
            names = set(args.getlist("physicalfilenames")) or None
            low, high = q.date_bound(args, "uploadedfrom"), q.date_bound(args, "uploadedto")
            return lambda r: (
                (etype is None or r["FileEntity"]["EntityType"] == etype)
                and (eid is None or r["FileEntity"]["Id"] == eid)
                and (cat is None or r["CategoryId"] == cat)
                and (names is None or r["PhysicalFileName"] in names)
                and (low is None or r["_updated"].date() >= low)
                and (high is None or r["_updated"].date() <= high)
            )

        return self._listing(request, "files", keep)

    def on_list_categories(self, request: Request) -> Response:
        rows = sorted(self.store.all("categories"), key=lambda r: r["Id"])
        return self.json(rows, headers={"X-Total-Count": str(len(rows))})

    def on_get_rentals(self, request: Request, rid: int) -> Response:
        return self._one("rentals", rid)

    def on_get_units(self, request: Request, rid: int) -> Response:
        return self._one("units", rid)

    def on_get_leases(self, request: Request, rid: int) -> Response:
        return self._one("leases", rid)

    def on_get_tenants(self, request: Request, rid: int) -> Response:
        return self._one("tenants", rid)

    def on_get_owners(self, request: Request, rid: int) -> Response:
        return self._one("owners", rid)

    def on_get_files(self, request: Request, rid: int) -> Response:
        return self._one("files", rid)

    # --- files: pre-signed download and the 2026 upload ---------------------------------------------------------
    def ticket(self, kind: str, **values: Any) -> str:
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._tickets[token] = {"kind": kind, "expires": self.now() + dt.timedelta(minutes=5), **values}
        return token

    def take_ticket(self, token: str, kind: str) -> dict[str, Any] | None:
        with self._lock:
            ticket = self._tickets.get(token)
            if ticket is None or ticket["kind"] != kind or ticket["expires"] < self.now():
                return None
            if kind == "upload":
                del self._tickets[token]
            return ticket

    def on_download_request(self, request: Request, rid: int) -> Response:
        if self.store.get("files", rid) is None:
            return self.error_response(404, f"The file {rid} does not exist.", "NotFound")
        url = f"{request.url_root}__files__/download/{self.ticket('download', file_id=rid)}"
        return self.json({"DownloadUrl": url}, 201)

    def on_file_get(self, request: Request, token: str) -> Response:
        ticket = self.take_ticket(token, "download")
        record = self.store.get("files", ticket["file_id"]) if ticket else None
        if record is None:
            return Response("<Error><Code>AccessDenied</Code></Error>", 403, content_type="application/xml")
        return Response(
            record.get("_content", b""), 200, content_type=record.get("ContentType") or "application/octet-stream"
        )

    @staticmethod
    def guess_type(name: str) -> str:
        return mimetypes.guess_type(name)[0] or "application/octet-stream"
