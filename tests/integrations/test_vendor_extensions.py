"""Engine features added for vendor plug-ins (first needed by RentEngine), tested on the engine's own terms:
portal records as parents, webhook checks that read the connection's options, credentials kept out of stored
webhook headers, deletes that late events cannot undo, and demo options set by connect-demo."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from integrations.contract import Mapped, PullStream, Ref, WebhookEvent
from integrations.models import Connection, ExternalRef, WebhookDelivery
from integrations.pull import run_pull
from integrations.upsert.page import upsert_records
from integrations.webhooks import process, receive
from portal.core.actor import Actor, acting_as
from portal.homes.models import Home
from portal.locations import services as locations
from tests.integrations.fakevendor.plugin import FakePlugin

ADDRESS = {"address_line1": "9 Pine St", "city": "Dayton", "state": "OH", "postal_code": "45402"}


def homes_stream() -> PullStream:
    """Units filed under a portal location chosen by the record itself (as a connection option would be)."""
    def map_record(raw: dict) -> Mapped:
        return Mapped({**ADDRESS, "unit_number": raw["unit"]},
                      parents={"location": Ref.portal("locations.Location", raw["location"])})

    return PullStream("units", "homes.Home", lambda *a: None, map_record, lambda raw: str(raw["id"]))


def test_a_portal_parent_lands_the_record_under_that_location_of_the_organization(fake_connection, org,
                                                                                     other_portfolio):
    mine = locations.create_location(org, kind="property", name="Default", **ADDRESS)
    theirs = other_portfolio.neighborhood
    records = [{"id": 1, "unit": "1", "location": mine.pk}, {"id": 2, "unit": "2", "location": theirs.pk},
               {"id": 3, "unit": "3", "location": 999_999}]
    with acting_as(Actor(kind="sync", label="test", connection_id=fake_connection.pk)):
        result = upsert_records(fake_connection, homes_stream(), records, timezone.now())
    assert result.created == 1 and result.failed == 2
    assert Home.objects.get(unit_number="1").location == mine
    reasons = dict(result.errors)
    assert "is not a locations.Location of this organization" in reasons["2"]  # never another tenant's record
    assert "check the connection's options" in reasons["3"]
    assert not Home.objects.filter(location=theirs, unit_number="2").exists()


def test_webhook_checks_receive_the_connection_options_with_defaults(fake_connection, monkeypatch):
    seen = {}

    def check(self, headers, raw_body, credentials, options):
        seen.update(options)
        return False

    monkeypatch.setattr(FakePlugin, "verify_webhook_with_options", check)
    status, _ = receive(fake_connection, {"X-Anything": "1"}, b"{}")
    assert status == 401 and seen == {"region": "us"}  # the config field's default, the connection set none


def test_a_header_carrying_a_credential_is_not_stored_whatever_its_name(fake_connection, monkeypatch):
    monkeypatch.setattr(FakePlugin, "verify_webhook_with_options", lambda *a: True)
    key = fake_connection.credentials.reveal()["api_key"]
    status, answer = receive(fake_connection, {"X-Auth": f" {key} ", "X-Trace": "t-1"}, b"{}")
    assert status == 202
    assert WebhookDelivery.objects.get(pk=answer["delivery"]).headers == {"x-trace": "t-1"}


def test_a_late_fat_event_of_the_deleted_version_does_not_bring_the_record_back(fake_connection, fake_sandbox,
                                                                                 monkeypatch):
    fake_sandbox.seed(2)
    run_pull(fake_connection.pk, full=True)
    unit = fake_sandbox.store.get("units", 1)
    deleted_at = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    late = {**unit, "rent": "999.00", "updated_at": "2031-01-01T00:00:00Z"}  # the version the delete was made from
    events = {
        b"delete": WebhookEvent("units", "1", "delete", deleted_at, "d"),
        b"late": WebhookEvent("units", "1", "upsert", deleted_at, "l", record=late),
        b"recreated": WebhookEvent("units", "1", "upsert", None, "r",
                                   record={**late, "rent": "1111.00", "updated_at": "2031-01-02T00:00:00Z"}),
    }
    monkeypatch.setattr(FakePlugin, "verify_webhook_with_options", lambda *a: True)
    monkeypatch.setattr(FakePlugin, "parse_webhook", lambda self, body: [events[body]])
    ref = ExternalRef.objects.get(connection=fake_connection, stream="units", vendor_id="1")
    for body in (b"delete", b"late"):
        process(receive(fake_connection, {}, body)[1]["delivery"])
    ref.refresh_from_db()
    assert ref.missing_at_vendor_since is not None and ref.vendor_updated_at == deleted_at
    assert Home.objects.get(pk=ref.object_id).market_rent != Decimal("999.00")
    process(receive(fake_connection, {}, b"recreated")[1]["delivery"])  # a newer version: the vendor has it again
    ref.refresh_from_db()
    assert ref.missing_at_vendor_since is None
    assert Home.objects.get(pk=ref.object_id).market_rent == Decimal("1111.00")


def test_connect_demo_sets_each_plugins_demo_options(org, fake_sandbox, monkeypatch):
    monkeypatch.setattr(FakePlugin, "demo_options", {"region": "eu"})
    server_url = fake_sandbox.base_url.rsplit("/", 1)[0]
    call_command("integrations", "connect-demo", "--org", org.slug, "--sandbox-url", server_url, "--no-sync",
                 stdout=io.StringIO())
    connection = Connection.objects.get(vendor="fakevendor")
    assert connection.options == {"region": "eu"}
    assert json.dumps(connection.config["schedule_minutes"]) == "5"
