"""A separate process for the Buildium kill test: `python -m tests.integrations.buildium.kill_child setup|sync|report
<arg>`. It uses the database named by DATABASE_URL and the Buildium sandbox URL it is given, as a worker would."""

from __future__ import annotations

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

ORG = "kill-buildium"
STREAMS = {"properties": "locations.Location", "owners": "homes.Person", "units": "homes.Home",
           "tenants": "homes.Person", "leases": "leases.Lease", "files": "documents.Document"}


def setup(base_url: str) -> dict:
    from integrations.models import Connection
    from portal.accounts.models import Organization
    from tests.integrations.buildium.conftest import CREDENTIALS

    org, _ = Organization.objects.get_or_create(slug=ORG, defaults={"name": "Kill test"})
    connection = Connection(organization=org, vendor="buildium", name="Killed", base_url=base_url,
                            config={"rate_limit": {"enabled": False}})
    connection.set_credentials(CREDENTIALS)
    connection.save()
    return {"connection": connection.pk}


def sync(connection_id: str) -> dict:
    from integrations.pull import run_pull

    run = run_pull(int(connection_id), full=True)
    return {"status": run.status, "counts": run.counts, "message": run.message, "errors": run.errors}


def report(connection_id: str) -> dict:
    from django.apps import apps
    from django.db.models import Count

    from integrations.models import ExternalRef

    out: dict = {"streams": {}, "max_creates": 0}
    for stream, label in STREAMS.items():
        refs = ExternalRef.objects.filter(connection_id=int(connection_id), stream=stream)
        model = apps.get_model(label)
        ids = list(refs.values_list("object_id", flat=True))
        creates = (model.history.filter(id__in=ids, history_type="+").values("id").annotate(n=Count("history_id")))
        out["max_creates"] = max([out["max_creates"], *(row["n"] for row in creates)])
        out["streams"][stream] = {"refs": refs.count(), "vendor_ids": sorted(refs.values_list("vendor_id", flat=True)),
                                  "objects": len(set(ids))}
    home_model = apps.get_model("homes.Home")
    unit_refs = ExternalRef.objects.filter(connection_id=int(connection_id), stream="units")
    homes = {h.pk: h for h in home_model.objects.filter(pk__in=unit_refs.values("object_id"))}
    out["homes"] = {r.vendor_id: [homes[r.object_id].unit_number, str(homes[r.object_id].market_rent)]
                    for r in unit_refs}
    out["in_org"] = {label: apps.get_model(label).objects.filter(organization__slug=ORG).count()
                     for label in set(STREAMS.values())}
    return out


if __name__ == "__main__":
    mode, arg = sys.argv[1], sys.argv[2]
    print(json.dumps({"setup": setup, "sync": sync, "report": report}[mode](arg)), flush=True)
