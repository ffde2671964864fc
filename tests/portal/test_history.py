"""Every change is kept in history with who made it: a signed-in user, an API key, an import or a vendor sync."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import HttpRequest, JsonResponse
from django.urls import path

from portal.accounts.scoping import scoped
from portal.core.actor import Actor, acting_as, current_actor
from portal.homes import services as homes
from portal.homes.models import Home
from portal.leases import services as leases
from portal.locations import services as locations
from portal.locations.models import Kind

pytestmark = pytest.mark.django_db


def raise_rent(request: HttpRequest, pk: int) -> JsonResponse:
    """A view as the portal's views are written: read through scoped(), write through the service."""
    home = scoped(Home, request.tenant).get(pk=pk)
    homes.update_home(home, market_rent=Decimal(request.POST["rent"]))
    return JsonResponse({"ok": True})


# This module doubles as the URLconf of the request test, so the change goes through the whole middleware stack.
urlpatterns = [path("homes/<int:pk>/rent", raise_rent)]


@pytest.mark.urls(__name__)
def test_a_change_made_in_a_request_names_the_signed_in_user(member_client, member, portfolio):
    response = member_client.post(f"/homes/{portfolio.home.pk}/rent", {"rent": "1750.00"})
    assert response.status_code == 200

    latest = portfolio.home.history.first()
    assert latest.market_rent == Decimal("1750.00")
    assert latest.history_type == "~"
    assert latest.history_user == member.user
    assert (latest.actor_kind, latest.actor_label) == ("user", "manager@example.com")
    # The actor does not leak out of the request into whatever runs next in this thread.
    assert current_actor().kind == "system"


@pytest.mark.parametrize(
    ("kind", "label"),
    [("api_key", "API key Reporting (lk_3f9a…)"), ("import", "CSV import homes.csv"), ("sync", "Buildium (#7)")],
)
def test_a_change_made_by_an_api_key_an_import_or_a_sync_names_it(portfolio, kind, label):
    with acting_as(Actor(kind=kind, label=label, connection_id=7 if kind == "sync" else None)):
        homes.update_home(portfolio.home, bedrooms=4)
        leases.transition_lease(portfolio.lease, "active")

    for record in (portfolio.home.history.first(), portfolio.lease.history.first()):
        assert (record.actor_kind, record.actor_label) == (kind, label)
        assert record.history_user is None  # no person stood behind it
    assert portfolio.home.history.first().bedrooms == 4
    assert portfolio.lease.history.first().status == "active"


def test_an_api_key_acting_for_the_user_who_made_it_also_names_that_user(portfolio, member):
    with acting_as(Actor(kind="api_key", label="API key Nightly (lk_aa…)", user=member.user)):
        homes.update_home(portfolio.home, bedrooms=2)
    record = portfolio.home.history.first()
    assert record.history_user == member.user
    assert record.actor_kind == "api_key"


def test_a_change_outside_any_request_is_recorded_as_the_system(portfolio):
    record = portfolio.home.history.first()
    assert (record.history_type, record.actor_kind, record.actor_label) == ("+", "system", "system")
    assert record.history_user is None


def test_the_actor_is_restored_after_a_nested_acting_as(portfolio):
    with acting_as(Actor(kind="import", label="outer")):
        with acting_as(Actor(kind="sync", label="inner")):
            homes.update_home(portfolio.home, bedrooms=1)
        homes.update_home(portfolio.home, bedrooms=2)
    kinds = [(h.bedrooms, h.actor_kind, h.actor_label) for h in portfolio.home.history.all()[:2]]
    assert kinds == [(2, "import", "outer"), (1, "sync", "inner")]
    assert current_actor().kind == "system"


def test_every_domain_model_keeps_history_of_creation_edits_and_deactivation(portfolio):
    with acting_as(Actor(kind="import", label="seed")):
        prop = locations.create_location(portfolio.org, kind=Kind.PROPERTY, name="Tower", parent=portfolio.neighborhood)
        locations.update_location(prop, name="Tower One")
        locations.deactivate_location(prop)
        person = homes.create_person(portfolio.org, first_name="Bo", last_name="Lee")
        link = homes.set_homeowner(portfolio.home, person)
        lease = leases.create_lease(portfolio.org, home=portfolio.home, tenants=[person],
                                    start_date=dt.date(2027, 1, 1), end_date=dt.date(2027, 12, 31), rent=Decimal(1))
    assert [h.history_type for h in prop.history.order_by("history_id")] == ["+", "~", "~"]
    assert [h.name for h in prop.history.order_by("history_id")] == ["Tower", "Tower One", "Tower One"]
    assert prop.history.first().is_active is False
    for record in (prop, person, link, lease, lease.lease_tenants.get()):
        assert record.history.filter(actor_kind="import", actor_label="seed").exists(), record


def test_a_new_locations_history_record_knows_its_place_in_the_tree(portfolio):
    created = portfolio.neighborhood.history.get(history_type="+")
    assert (created.path, created.depth) == (portfolio.neighborhood.path, 3)
