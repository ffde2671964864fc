"""The location tree's rules, as every channel meets them through portal.locations.services (and homes.services)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal.core.events import record_changed
from portal.homes import services as homes
from portal.homes.models import Home, HomeStatus
from portal.locations import services as locations
from portal.locations.models import Kind, Location

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    seen: list[tuple[str, str]] = []

    def receiver(sender, instance, action, **kwargs):
        seen.append((sender.__name__, action))

    record_changed.connect(receiver, weak=False)
    yield seen
    record_changed.disconnect(receiver)


def new_home(location, **extra):
    return homes.create_home(location.organization, location=location, address_line1="5 Birch Rd", city="Kent",
                             state="OH", postal_code="44240", **extra)


def test_a_refused_kind_says_what_is_allowed_there(org):
    with pytest.raises(ValidationError) as refused:
        locations.create_location(org, kind=Kind.DIVISION, name="Lakes")
    assert refused.value.message_dict["kind"] == [
        "A division cannot stand at the top of the tree. Allowed here: region, property."
    ]
    assert refused.value.code == "invalid_kind"


@pytest.mark.parametrize(("parent_name", "kind"), [("division", Kind.REGION), ("master", Kind.DIVISION),
                                                     ("neighborhood", Kind.MASTER_COMMUNITY),
                                                     ("neighborhood", Kind.NEIGHBORHOOD)])
def test_a_child_can_never_be_of_its_parents_kind_or_above(portfolio, parent_name, kind):
    before = Location.objects.count()
    with pytest.raises(ValidationError, match="cannot stand under a"):
        locations.create_location(portfolio.org, kind=kind, name="Wrong", parent=getattr(portfolio, parent_name))
    assert Location.objects.count() == before


def test_nothing_stands_under_a_property(org):
    tower = locations.create_location(org, kind=Kind.PROPERTY, name="Tower")
    with pytest.raises(ValidationError, match=r"cannot stand under a property\. Allowed here: nothing\."):
        locations.create_location(org, kind=Kind.PROPERTY, name="Annex", parent=tower)


def test_a_parent_from_another_organization_is_refused(org, other_portfolio):
    with pytest.raises(ValidationError, match="The parent belongs to another organization"):
        locations.create_location(org, kind=Kind.DIVISION, name="Lakes", parent=other_portfolio.region)


@pytest.mark.parametrize("level", ["region", "division", "master"])
def test_a_home_stands_only_under_a_neighborhood_or_a_property(portfolio, level):
    with pytest.raises(ValidationError, match="A home must stand under a neighborhood or property"):
        new_home(getattr(portfolio, level))


def test_an_inactive_chain_blocks_a_new_home_and_names_the_nearest_inactive_location(portfolio):
    dunes = locations.create_location(portfolio.org, kind=Kind.MASTER_COMMUNITY, name="Dunes",
                                      parent=portfolio.division)
    reef = locations.create_location(portfolio.org, kind=Kind.NEIGHBORHOOD, name="Reef", parent=dunes)
    locations.deactivate_location(reef)
    locations.deactivate_location(dunes)

    with pytest.raises(ValidationError) as refused:
        new_home(reef)
    assert refused.value.messages == [
        "Cannot add a home under “Reef”: neighborhood “Reef” is inactive. Activate it first."
    ]
    assert refused.value.code == "inactive_parent"
    with pytest.raises(ValidationError, match="Cannot add a neighborhood under “Dunes”: master community “Dunes”"):
        locations.create_location(portfolio.org, kind=Kind.NEIGHBORHOOD, name="Shoal", parent=dunes)
    assert not Home.objects.filter(location=reef).exists()


def test_a_home_cannot_be_moved_under_an_inactive_location(portfolio):
    closed = locations.create_location(portfolio.org, kind=Kind.NEIGHBORHOOD, name="Closed", parent=portfolio.master)
    locations.deactivate_location(closed)
    with pytest.raises(ValidationError, match="“Closed” is inactive"):
        homes.update_home(portfolio.home, location=closed)
    assert Home.objects.get(pk=portfolio.home.pk).location == portfolio.neighborhood


def test_deactivation_names_both_the_active_children_and_the_active_homes_and_changes_nothing(portfolio, events):
    locations.create_location(portfolio.org, kind=Kind.PROPERTY, name="Tower", parent=portfolio.neighborhood)
    new_home(portfolio.neighborhood)
    history_before = portfolio.neighborhood.history.count()
    events.clear()

    with pytest.raises(ValidationError) as refused:
        locations.deactivate_location(portfolio.neighborhood)

    assert refused.value.messages == [
        "Cannot deactivate “Cove”: it has 1 active child location and 2 active homes. Deactivate or move them first."
    ]
    assert refused.value.code == "has_active_children"
    assert Location.objects.get(pk=portfolio.neighborhood.pk).is_active
    assert portfolio.neighborhood.history.count() == history_before
    assert events == []


def test_inactive_homes_and_children_do_not_block_deactivation(portfolio, events):
    homes.update_home(portfolio.home, status=HomeStatus.INACTIVE)
    events.clear()
    locations.deactivate_location(portfolio.neighborhood)
    locations.deactivate_location(portfolio.master)

    assert not Location.objects.get(pk=portfolio.master.pk).is_active
    assert events == [("Location", "deactivate"), ("Location", "deactivate")]
    assert portfolio.master.history.first().is_active is False


def test_activating_under_an_active_chain_works_and_repeating_it_changes_nothing(portfolio, events):
    homes.update_home(portfolio.home, status=HomeStatus.INACTIVE)
    locations.deactivate_location(portfolio.neighborhood)
    events.clear()
    locations.activate_location(portfolio.neighborhood)
    locations.activate_location(portfolio.neighborhood)
    locations.deactivate_location(portfolio.region.children.get().children.get().children.get())
    assert events == [("Location", "activate"), ("Location", "deactivate")]


def test_an_edit_cannot_sneak_past_the_tree_rules(portfolio):
    with pytest.raises(TypeError, match="Fields not accepted here: is_active, kind, parent"):
        locations.update_location(portfolio.neighborhood, kind=Kind.REGION, parent=None, is_active=False)
