"""A separate process for the kill test: `python -m tests.integrations.worker_child setup|sync|report ...`.

It talks to the database named by DATABASE_URL (the test database on PostgreSQL, a fresh file on SQLite) and to
the sandbox URL it is given, exactly as a Celery worker would.
"""

from __future__ import annotations

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.conf import settings  # noqa: E402

settings.INTEGRATIONS_EXTRA_PLUGINS = {"fakevendor": "tests.integrations.fakevendor.plugin.FakePlugin"}


def setup(base_url: str) -> dict:
    from integrations.models import Connection
    from portal.accounts.models import Organization

    org, _ = Organization.objects.get_or_create(slug="kill-test", defaults={"name": "Kill test"})
    connection = Connection(organization=org, vendor="fakevendor", name="Killed", base_url=base_url,
                            config={"rate_limit": {"enabled": False}})
    connection.set_credentials({"api_key": "fake-key"})
    connection.save()
    return {"connection": connection.pk}


def sync(connection_id: str) -> dict:
    from integrations.pull import run_pull

    run = run_pull(int(connection_id), full=True)
    return {"status": run.status, "counts": run.counts, "message": run.message}


def report(connection_id: str) -> dict:
    from django.db.models import Count

    from integrations.models import ExternalRef
    from portal.homes.models import Home

    refs = ExternalRef.objects.filter(connection_id=int(connection_id), stream="units")
    home_ids = list(refs.values_list("object_id", flat=True))
    homes = Home.objects.filter(pk__in=home_ids)
    return {
        "homes_in_org": Home.objects.filter(organization__slug="kill-test").count(),
        "refs": refs.count(),
        "distinct_vendor_ids": refs.values("vendor_id").distinct().count(),
        "homes": {r.vendor_id: [h.unit_number, str(h.market_rent)] for r in refs
                  for h in homes if h.pk == r.object_id},
        "max_creates_per_home": max((row["n"] for row in Home.history.filter(id__in=home_ids, history_type="+")
                                     .values("id").annotate(n=Count("history_id"))), default=0),
    }


if __name__ == "__main__":
    mode, arg = sys.argv[1], sys.argv[2]
    print(json.dumps({"setup": setup, "sync": sync, "report": report}[mode](arg)), flush=True)
