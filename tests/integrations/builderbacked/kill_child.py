"""A separate process for the Builder Backed kill test: `python -m tests.integrations.builderbacked.kill_child
setup|drain|report <arg>`, on the database named by DATABASE_URL and the sandbox URL it is given, as a worker."""

from __future__ import annotations

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

ORG = "kill-builderbacked"
HOMES = 30


def setup(base_url: str) -> dict:
    from integrations.models import Connection
    from integrations.pull import run_pull
    from integrations.registry import get_plugin
    from portal.accounts.models import Organization
    from portal.homes import services as homes
    from portal.locations import services as locations
    from portal.locations.models import Kind, Location

    org, _ = Organization.objects.get_or_create(slug=ORG, defaults={"name": "Kill test"})
    connection = Connection(organization=org, vendor="builderbacked", name="Killed", base_url=base_url,
                            config={"rate_limit": {"enabled": False}})
    connection.set_credentials(get_plugin("builderbacked").demo_credentials)
    connection.save()
    assert run_pull(connection.pk, full=True).status == "succeeded"
    region = Location.objects.get(organization=org, kind=Kind.REGION, name="Columbus")
    division = locations.create_location(org, kind=Kind.DIVISION, name="Columbus Division", parent=region)
    master = locations.create_location(org, kind=Kind.MASTER_COMMUNITY, name="Elm Run", parent=division)
    hood = locations.create_location(org, kind=Kind.NEIGHBORHOOD, name="Riverside", parent=master)
    for i in range(HOMES):
        home = homes.create_home(org, location=hood, address_line1=f"{i} River Rd", city="Columbus", state="OH",
                                 postal_code="43215", external_id=f"K-{i}")
        owner = homes.create_person(org, first_name="Owner", last_name=str(i), email=f"k{i}@example.com")
        homes.set_homeowner(home, owner, "primary")
    return {"connection": connection.pk}


def drain(arg: str) -> dict:
    import datetime as dt

    from django.utils import timezone

    from integrations.push import run_drain

    connection_id, hours = arg.split(":")
    run = run_drain(int(connection_id), now=timezone.now() + dt.timedelta(hours=int(hours)))
    return {"status": run.status if run else None, "errors": run.errors if run else []}


def report(connection_id: str) -> dict:
    from integrations.models import ExternalRef, OutboxEntry
    from portal.homes.models import Home

    refs = ExternalRef.objects.filter(connection_id=int(connection_id))
    return {
        "pending": OutboxEntry.objects.filter(connection_id=int(connection_id), status="pending").count(),
        "statuses": sorted(set(OutboxEntry.objects.filter(connection_id=int(connection_id))
                               .values_list("status", flat=True))),
        "refs": {s: sorted(refs.filter(stream=s).values_list("vendor_id", flat=True))
                 for s in ("divisions", "master_communities", "neighborhoods", "homes", "homeowners")},
        "ref_objects": refs.exclude(stream="regions").values("stream", "object_id").distinct().count(),
        "homes": sorted(Home.objects.filter(organization__slug=ORG).values_list("external_id", flat=True)),
    }


if __name__ == "__main__":
    mode, arg = sys.argv[1], sys.argv[2]
    print(json.dumps({"setup": setup, "drain": drain, "report": report}[mode](arg)), flush=True)
