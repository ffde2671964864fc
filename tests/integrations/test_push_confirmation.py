"""Pushes a vendor accepts at once but confirms later (contract.Accepted): the verdict lands on the record and in a
"confirm" run; per-connection stream choices; a record pushed as two vendor resources keeps one ref per stream.

The plug-in here is the fake vendor with its property push answering Accepted; the fake sandbox's "review" field
(set "at the vendor" through the control API) is the verdict its ``confirm`` reads over HTTP.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import httpx
import pytest
from django.utils import timezone

from integrations.base import Accepted, BaseClient, Confirmation, NotFound, PushStream
from integrations.confirm import _settle, due_connections, run_confirm
from integrations.models import Connection, ExternalRef, OutboxEntry, SyncRun
from integrations.push import run_drain
from integrations.tasks import dispatch_due
from portal.locations import services as locations
from portal.locations.models import Kind
from tests.integrations.conftest import FAKE
from tests.integrations.fakevendor import plugin as fake

CONFIRMING = {**FAKE, "confirming": "tests.integrations.test_push_confirmation.ConfirmingPlugin"}
_updates = itertools.count(1)


def create_property(client: BaseClient, payload: dict[str, Any]) -> Accepted:
    vendor_id = fake._create("properties")(client, payload)
    return Accepted(token=f"{vendor_id}@0", vendor_id=vendor_id)


def update_property(client: BaseClient, vendor_id: str, payload: dict[str, Any]) -> Accepted:
    fake._update("properties")(client, vendor_id, {**payload, "review": None})
    return Accepted(token=f"{vendor_id}@{next(_updates)}")


def confirm_property(client: BaseClient, token: str) -> Confirmation:
    try:
        record = client.get_json(f"/v1/properties/{token.partition('@')[0]}")
    except NotFound:
        return Confirmation("failed", "Unknown", "the vendor has no such record")
    review = record.get("review")
    if not review:
        return Confirmation("pending", "InReview")
    if review == "ok":
        return Confirmation("confirmed", "Approved")
    return Confirmation("failed", "Refused", review)


def mirror_payload(location: Any, refs: Any) -> dict[str, Any]:
    """The same location as a second vendor resource (a unit of itself), keyed to its property's ref."""
    return {"property_id": int(refs.require(location, stream="properties")), "unit_number": "0",
            "address_line1": location.address_line1, "external_ref": f"mirror-{location.pk}"}


class ConfirmingPlugin(fake.FakePlugin):
    key = "confirming"
    display_name = "Confirming Vendor"
    config_fields = (*fake.FakePlugin.config_fields,)

    def streams(self) -> list:
        base = [s for s in super().streams() if not isinstance(s, PushStream)]
        return [*base,
                PushStream("properties", "locations.Location", 10, fake.property_payload, create_property,
                           update_property, applies_to=lambda loc: loc.kind == "property",
                           confirm=confirm_property, actions=("create", "update")),
                PushStream("mirrors", "locations.Location", 20, mirror_payload, fake._create("units"),
                           fake._update("units"), find=fake._find("units"), actions=("create", "update"),
                           applies_to_options=lambda loc, options: bool(options.get("mirror"))
                           and loc.kind == "property")]


@pytest.fixture
def connection(org, settings, serve_sandbox) -> Connection:
    settings.INTEGRATIONS_EXTRA_PLUGINS = CONFIRMING
    from integrations.registry import get_plugin

    plugin = get_plugin("confirming")
    app = plugin.sandbox_app(rate_limit=False)
    server = serve_sandbox({"/fake": app})
    conn = Connection(organization=org, vendor="confirming", name="Confirming", base_url=server.url_for("/fake"),
                      config={"rate_limit": {"enabled": False}})
    conn.set_credentials(plugin.demo_credentials)
    conn.save()
    return conn


def review(connection: Connection, vendor_id: str, verdict: str) -> None:
    httpx.post(f"{connection.base_url}/__sandbox__/records/properties/{vendor_id}", json={"review": verdict})


def add_tower(org: Any, name: str = "Tower") -> Any:
    return locations.create_location(org, kind=Kind.PROPERTY, name=name, address_line1="1 Main St", city="Dayton",
                                     state="OH", postal_code="45402")


def test_an_accepted_push_waits_for_the_vendor_and_is_confirmed_by_a_later_poll(connection, org):
    tower = add_tower(org)
    assert run_drain(connection.pk).counts["properties"]["pushed"] == 1
    ref = ExternalRef.objects.get(stream="properties", object_id=tower.pk)
    assert (ref.pending_token, ref.vendor_status, ref.last_confirmed_at) == (f"{ref.vendor_id}@0", "Accepted", None)

    assert run_confirm(connection.pk) is None  # still under review: nothing settled, no run recorded
    assert ExternalRef.objects.get(pk=ref.pk).vendor_status == "InReview"

    review(connection, ref.vendor_id, "ok")
    run = run_confirm(connection.pk)
    assert (run.kind, run.status, run.counts["properties"]["confirmed"]) == ("confirm", "succeeded", 1)
    ref.refresh_from_db()
    assert (ref.pending_token, ref.vendor_status, ref.vendor_message) == ("", "Approved", "")
    assert ref.last_confirmed_at is not None
    assert run_confirm(connection.pk) is None  # nothing pending any more


def test_a_push_the_vendor_fails_later_shows_on_the_record_and_the_run_and_its_next_change_goes_again(
        connection, org):
    tower = add_tower(org)
    run_drain(connection.pk)
    ref = ExternalRef.objects.get(stream="properties", object_id=tower.pk)
    review(connection, ref.vendor_id, "the address cannot be found")

    run = run_confirm(connection.pk)
    assert run.status == "partial" and run.counts["properties"]["failed"] == 1
    assert run.errors == [{"stream": "properties", "record": f"location {tower.pk}",
                           "reason": "Refused: the address cannot be found"}]
    ref.refresh_from_db()
    assert (ref.vendor_status, ref.vendor_message, ref.pending_token) == ("Refused",
                                                                         "the address cannot be found", "")
    connection.refresh_from_db()
    assert connection.health == "degraded"

    locations.update_location(tower, address_line1="2 Main St")
    assert run_drain(connection.pk).counts["properties"]["pushed"] == 1
    ref.refresh_from_db()
    assert ref.pending_token.startswith(f"{ref.vendor_id}@") and ref.vendor_status == "Accepted"
    assert ref.vendor_message == ""


def test_a_push_never_confirmed_within_the_timeout_fails_with_that_reason(connection, org):
    connection.config["confirm_timeout_seconds"] = 120
    connection.save()
    add_tower(org)
    run_drain(connection.pk)
    assert run_confirm(connection.pk) is None
    run = run_confirm(connection.pk, now=timezone.now() + dt.timedelta(minutes=3))
    assert run.errors[0]["reason"] == "InReview: not confirmed within 2 min (last: InReview)"
    assert ExternalRef.objects.get(stream="properties").pending_token == ""


def test_a_verdict_on_an_older_push_never_overwrites_the_newer_one(connection, org):
    tower = add_tower(org)
    run_drain(connection.pk)
    older = ExternalRef.objects.get(stream="properties")
    locations.update_location(tower, name="Tower B")
    run_drain(connection.pk)
    run = SyncRun(connection=connection, kind="confirm")
    _settle(run, older, Confirmation("failed", "Refused", "too late"), timezone.now())
    newer = ExternalRef.objects.get(pk=older.pk)
    assert newer.pending_token != older.pending_token and newer.vendor_status == "Accepted"
    assert run.errors == []


def test_a_stream_can_cover_records_by_the_connections_options(connection, org):
    add_tower(org)
    assert list(OutboxEntry.objects.values_list("stream", flat=True)) == ["properties"]
    connection.config["options"] = {"mirror": True}
    connection.save()
    add_tower(org, "Annex")
    assert sorted(OutboxEntry.objects.values_list("stream", flat=True)) == ["mirrors", "properties", "properties"]


def test_a_record_pushed_as_two_vendor_resources_keeps_one_ref_per_stream(connection, org):
    connection.config["options"] = {"mirror": True}
    connection.save()
    tower = add_tower(org)
    run = run_drain(connection.pk)
    assert run.status == "succeeded", run.errors
    refs = {r.stream: r for r in ExternalRef.objects.filter(object_id=tower.pk)}
    assert set(refs) == {"properties", "mirrors"}
    unit = httpx.get(f"{connection.base_url}/__sandbox__/records/units").json()[0]
    assert (str(unit["id"]), unit["property_id"]) == (refs["mirrors"].vendor_id, int(refs["properties"].vendor_id))

    locations.update_location(tower, address_line1="9 Main St")
    run = run_drain(connection.pk)
    assert run.status == "succeeded", run.errors
    assert httpx.get(f"{connection.base_url}/__sandbox__/records/units").json()[0]["address_line1"] == "9 Main St"
    assert ExternalRef.objects.filter(object_id=tower.pk).count() == 2


def test_the_dispatcher_polls_connections_whose_confirmations_are_due(connection, org):
    connection.config["confirm_poll_seconds"] = 30
    connection.save()
    add_tower(org, "Annex")
    run_drain(connection.pk)
    annex = ExternalRef.objects.get(stream="properties")
    review(connection, annex.vendor_id, "ok")
    run_confirm(connection.pk)  # one record settled: the connection is due again for the next one only
    add_tower(org)
    run_drain(connection.pk)
    assert due_connections() == []
    later = timezone.now() + dt.timedelta(seconds=31)
    assert due_connections(later) == [connection.pk]
    ref = ExternalRef.objects.exclude(pk=annex.pk).get(stream="properties")
    review(connection, ref.vendor_id, "ok")
    ExternalRef.objects.filter(pk=ref.pk).update(pending_since=timezone.now() - dt.timedelta(minutes=1))
    assert dispatch_due()["confirms"] == [connection.pk]  # tasks run in process in tests
    assert ExternalRef.objects.get(pk=ref.pk).vendor_status == "Approved"
