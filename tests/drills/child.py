"""One-shot commands the drills run in a fresh process on the drill's database: `python -m tests.drills.child CMD ...`.

It extends tests/integrations/worker_child.py (same Django setup, fake vendor plug-in and `report`); each command
prints one JSON line. The drills' assertions read these, so the test process never needs to share the database
(on SQLite the test database is in memory; the children use a file of their own).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from tests.integrations import worker_child


def connect(org_slug: str, name: str, base_url: str, config: str = "{}") -> dict:
    from integrations.models import Connection
    from portal.accounts.models import Organization

    org, _ = Organization.objects.get_or_create(slug=org_slug, defaults={"name": org_slug})
    connection = Connection(organization=org, vendor="fakevendor", name=name, base_url=base_url,
                            config={"rate_limit": {"enabled": False}, "schedule_minutes": 0, **json.loads(config)})
    connection.set_credentials({"api_key": "fake-key", "webhook_secret": "fake-webhook-secret"})
    connection.save()
    return {"connection": connection.pk, "organization": org.pk}


def publish(task: str, *args: str) -> dict:
    """Send a task through the broker of the environment, as the web process or beat would."""
    from integrations import tasks

    sent = getattr(tasks, task).delay(*[json.loads(a) for a in args])
    return {"task": sent.id}


def checksum(connection_id: str) -> dict:
    """Every record this connection pulled, sorted: units as [vendor id, fields…, property's vendor id] ("rows"),
    properties as [vendor id, fields…] ("properties")."""
    from integrations.models import Connection, ExternalRef
    from portal.homes.models import Home
    from portal.locations.models import Location

    refs = dict(ExternalRef.objects.filter(connection_id=int(connection_id), stream="units")
                .values_list("object_id", "vendor_id"))
    places = dict(ExternalRef.objects.filter(connection_id=int(connection_id), stream="properties")
                  .values_list("object_id", "vendor_id"))
    rows = sorted(
        [refs[h.pk], h.unit_number, str(h.market_rent) if h.market_rent is not None else None, h.address_line1,
         h.city, h.state, h.postal_code, h.bedrooms, places.get(h.location_id)]
        for h in Home.objects.filter(pk__in=refs)
    )
    properties = sorted([places[loc.pk], loc.name, loc.address_line1, loc.city, loc.state, loc.postal_code]
                        for loc in Location.objects.filter(pk__in=places))
    org = Connection.objects.get(pk=int(connection_id)).organization_id
    created = Home.history.filter(organization_id=org, history_type="+").count() + \
        Location.history.filter(organization_id=org, history_type="+").count()
    return {"rows": rows, "properties": properties, "created": created,
            "in_org": Home.objects.filter(organization_id=org).count() +
            Location.objects.filter(organization_id=org).count()}


def wait_run(connection_id: str, kind: str, timeout: str = "60") -> dict:
    """Wait (bounded) for a finished, successful run of ``kind``; every run of the connection, oldest first."""
    from integrations.models import SyncRun

    deadline = time.monotonic() + float(timeout)
    while time.monotonic() < deadline:
        if SyncRun.objects.filter(connection_id=int(connection_id), kind=kind, status="succeeded").exists():
            break
        time.sleep(0.2)
    return runs(connection_id)


def settle(connection_id: str, kind: str, n: str, timeout: str = "60") -> dict:
    """Wait (bounded) until ``n`` runs of ``kind`` exist and every run of the connection has finished."""
    from integrations.models import SyncRun
    from integrations.models_runs import FINISHED

    mine = SyncRun.objects.filter(connection_id=int(connection_id))
    deadline = time.monotonic() + float(timeout)
    while time.monotonic() < deadline:
        if mine.filter(kind=kind).count() >= int(n) and not mine.exclude(status__in=FINISHED).exists():
            break
        time.sleep(0.2)
    return runs(connection_id)


def runs(connection_id: str) -> dict:
    from integrations.models import SyncRun

    return {"runs": [
        {"id": r.pk, "kind": r.kind, "status": r.status, "started": r.started_at.timestamp() if r.started_at else None,
         "finished": r.finished_at.timestamp() if r.finished_at else None, "counts": r.counts, "errors": r.errors,
         "message": r.message}
        for r in SyncRun.objects.filter(connection_id=int(connection_id)).order_by("pk")
    ]}


def make_homes(connection_id: str, n: str) -> dict:
    """A property and ``n`` homes under it, made through the services in one transaction (outbox entries with)."""
    from django.db import transaction

    from integrations.models import Connection
    from portal.homes import services as homes
    from portal.locations import services as locations

    org = Connection.objects.get(pk=int(connection_id)).organization
    with transaction.atomic():
        tower = locations.create_location(org, kind="property", name=f"Tower {time.time_ns()}",
                                          address_line1="1 Main St", city="Dayton", state="OH", postal_code="45402")
        made = [homes.create_home(org, location=tower, address_line1="1 Main St", city="Dayton", state="OH",
                                  postal_code="45402", unit_number=str(100 + i), market_rent=1000 + i).pk
                for i in range(int(n))]
    return {"homes": made, "property": tower.pk}


def update_pushed(connection_id: str, n: str, rent: str) -> dict:
    """Change the rent of ``n`` homes the vendor already has (one transaction each, as staff would)."""
    from integrations.models import ExternalRef
    from portal.homes import services as homes
    from portal.homes.models import Home

    pushed = ExternalRef.objects.filter(connection_id=int(connection_id), stream="units").exclude(last_pushed_hash="")
    ids = sorted(pushed.values_list("object_id", flat=True))[: int(n)]
    errors = []
    for home in Home.objects.filter(pk__in=ids):
        try:
            homes.update_home(home, market_rent=rent)
        except Exception as exc:  # the drill reports what a person would have seen
            errors.append(f"{type(exc).__name__}: {exc}")
    return {"updated": ids, "errors": errors}


def outbox(connection_id: str, timeout: str = "0") -> dict:
    """Outbox entries by status, after waiting (bounded) for none to be pending."""
    from django.db.models import Count

    from integrations.models import OutboxEntry

    entries = OutboxEntry.objects.filter(connection_id=int(connection_id))
    deadline = time.monotonic() + float(timeout)
    while time.monotonic() < deadline and entries.filter(status="pending").exists():
        time.sleep(0.2)
    return {"statuses": dict(entries.values_list("status").annotate(n=Count("id"))),
            "errors": list(entries.exclude(last_error="").values_list("last_error", flat=True)[:10])}


def homes_of(connection_id: str) -> dict:
    """{home id: [unit number, rent]} of the connection's organization."""
    from integrations.models import Connection
    from portal.homes.models import Home

    org = Connection.objects.get(pk=int(connection_id)).organization_id
    return {"homes": {str(h.pk): [h.unit_number, str(h.market_rent)] for h in Home.objects.filter(organization_id=org)}}


def deliver(connection_id: str, ids: str) -> dict:
    """Signed thin webhooks (unit.updated) received as the endpoint receives them: stored, task published."""
    from integrations import webhooks
    from integrations.models import Connection
    from tests.integrations.fakevendor.sandbox import WEBHOOK_SECRET, sign

    connection = Connection.objects.get(pk=int(connection_id))
    answers = []
    for vendor_id in json.loads(ids):
        body = json.dumps({"type": "unit.updated", "id": vendor_id, "at": f"2030-01-01T00:00:{vendor_id % 60:02d}Z"},
                          separators=(",", ":")).encode()
        ts = str(int(time.time()))
        answers.append(webhooks.receive(connection, {"X-Fake-Timestamp": ts,
                                                     "X-Fake-Signature": sign(WEBHOOK_SECRET, ts, body)}, body)[0])
    return {"statuses": answers}


def age_deliveries(connection_id: str, minutes: str) -> dict:
    """Time passing: the connection's webhook deliveries were received ``minutes`` earlier than recorded."""
    from django.db.models import F
    from django.utils import timezone

    from integrations.models import WebhookDelivery

    aged = WebhookDelivery.objects.filter(connection_id=int(connection_id)).update(
        received_at=F("received_at") - timezone.timedelta(minutes=float(minutes)))
    return {"aged": aged}


def deliveries(connection_id: str, timeout: str = "0") -> dict:
    """The connection's webhook deliveries by status, after waiting (bounded) for all to be processed."""
    from django.db.models import Count

    from integrations.models import WebhookDelivery

    mine = WebhookDelivery.objects.filter(connection_id=int(connection_id))
    deadline = time.monotonic() + float(timeout)
    while time.monotonic() < deadline and mine.exclude(status="processed").exists():
        time.sleep(0.2)
    return {"statuses": dict(mine.values_list("status").annotate(n=Count("id")))}


def batch(commands: str) -> dict:
    """Several commands in this one process (a list of [command, arg…]), e.g. tasks that must be published at once."""
    return {"results": [COMMANDS[name](*args) for name, *args in json.loads(commands)]}


COMMANDS: dict[str, Any] = {
    "connect": connect, "publish": publish, "checksum": checksum, "wait-run": wait_run, "settle": settle,
    "runs": runs,
    "make-homes": make_homes, "update-pushed": update_pushed, "outbox": outbox, "homes": homes_of,
    "deliver": deliver, "age-deliveries": age_deliveries, "deliveries": deliveries, "report": worker_child.report,
    "batch": batch,
}

if __name__ == "__main__":
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:]), default=str), flush=True)
