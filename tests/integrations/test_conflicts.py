"""Conflicts: a shared field changed on both sides is held for staff; resolving it goes one way or the other."""

from __future__ import annotations

import pytest

from integrations.conflicts import resolve
from integrations.models import Conflict, ExternalRef, OutboxEntry
from integrations.pull import run_pull
from integrations.push import run_drain
from portal.core.actor import Actor, acting_as
from portal.homes import services as homes
from portal.homes.models import Home


@pytest.fixture
def home(fake_connection, fake_sandbox):
    fake_sandbox.seed(1)
    run_pull(fake_connection.pk, full=True)
    return Home.objects.get()


def test_a_field_changed_on_both_sides_becomes_a_conflict_and_is_not_overwritten(fake_connection, fake_sandbox, home):
    homes.update_home(home, market_rent=1100)  # ours (queued for push)
    fake_sandbox.mutate("units", "1", {"rent": "1300.00"})  # theirs
    run = run_pull(fake_connection.pk)
    home.refresh_from_db()
    assert home.market_rent == 1100
    conflict = Conflict.objects.get()
    assert (conflict.field, conflict.ours, conflict.theirs) == ("market_rent", "1100.00", "1300.00")
    assert run.counts["units"]["conflicts"] == 1
    run_pull(fake_connection.pk)  # seen again: still one open conflict
    assert Conflict.objects.count() == 1


def test_the_push_of_a_conflicting_change_is_held(fake_connection, fake_sandbox, home):
    homes.update_home(home, market_rent=1100)
    fake_sandbox.mutate("units", "1", {"rent": "1300.00"})
    run_drain(fake_connection.pk)
    assert fake_sandbox.store.get("units", 1)["rent"] == "1300.00"
    assert OutboxEntry.objects.get(stream="units").status == "conflict"
    assert Conflict.objects.get().theirs == "1300.00"


def test_a_field_changed_on_one_side_only_flows_without_a_conflict(fake_connection, fake_sandbox, home):
    fake_sandbox.mutate("units", "1", {"rent": "1300.00", "unit_number": "9A"})
    run_pull(fake_connection.pk)
    home.refresh_from_db()
    assert (home.market_rent, home.unit_number) == (1300, "9A")
    assert not Conflict.objects.exists()


def test_keep_ours_pushes_our_value(fake_connection, fake_sandbox, home, member):
    homes.update_home(home, market_rent=1100)
    fake_sandbox.mutate("units", "1", {"rent": "1300.00"})
    run_pull(fake_connection.pk)
    resolve(Conflict.objects.get(), "keep_ours", member.user)
    run_drain(fake_connection.pk)
    assert fake_sandbox.store.get("units", 1)["rent"] == "1100.00"
    run_pull(fake_connection.pk)
    home.refresh_from_db()
    assert home.market_rent == 1100 and not Conflict.objects.filter(resolved_at__isnull=True).exists()


def test_take_theirs_applies_the_vendor_value_through_the_services(fake_connection, fake_sandbox, home, member):
    homes.update_home(home, market_rent=1100)
    fake_sandbox.mutate("units", "1", {"rent": "1300.00"})
    run_pull(fake_connection.pk)
    OutboxEntry.objects.all().delete()
    conflict = resolve(Conflict.objects.get(), "take_theirs", member.user)
    home.refresh_from_db()
    assert home.market_rent == 1300
    assert home.history.first().actor_kind == "sync"
    assert conflict.resolution == "take_theirs" and conflict.resolved_by == member.user
    assert not OutboxEntry.objects.filter(connection=fake_connection).exists()  # not echoed back
    assert ExternalRef.objects.get(stream="units").synced_values["market_rent"] == "1300.00"


def test_a_portal_owned_field_is_never_overwritten_by_a_pull(fake_connection, fake_sandbox, home):
    with acting_as(Actor(kind="user", label="staff")):
        homes.update_home(home, status="pending")
    fake_sandbox.mutate("units", "1", {"unit_number": "2B"})
    run_pull(fake_connection.pk)
    home.refresh_from_db()
    assert (home.status, home.unit_number) == ("pending", "2B")
