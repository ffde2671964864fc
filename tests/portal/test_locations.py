import pytest
from django.core.exceptions import ValidationError

from portal.homes import services as homes
from portal.locations import services as locations
from portal.locations.models import ALLOWED_CHILDREN, Kind, Location

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("parent_kind", [None, *Kind.values])
@pytest.mark.parametrize("child_kind", Kind.values)
def test_a_child_kind_is_accepted_only_where_the_tree_allows_it(org, parent_kind, child_kind):
    parent = None
    if parent_kind is not None:
        chain = {Kind.REGION: [], Kind.DIVISION: [Kind.REGION], Kind.MASTER_COMMUNITY: [Kind.REGION, Kind.DIVISION],
                 Kind.NEIGHBORHOOD: [Kind.REGION, Kind.DIVISION, Kind.MASTER_COMMUNITY], Kind.PROPERTY: []}
        for kind in [*chain[parent_kind], parent_kind]:
            parent = locations.create_location(org, kind=kind, name=f"{kind} node", parent=parent)
    before = Location.objects.count()
    if child_kind in ALLOWED_CHILDREN[parent_kind]:
        child = locations.create_location(org, kind=child_kind, name="child", parent=parent)
        assert child.parent == parent
        assert child.path.endswith(f"/{child.pk}/")
    else:
        with pytest.raises(ValidationError, match="cannot stand"):
            locations.create_location(org, kind=child_kind, name="child", parent=parent)
        assert Location.objects.count() == before


def test_no_child_or_home_under_an_inactive_chain(portfolio):
    locations.deactivate_location  # noqa: B018
    empty = locations.create_location(portfolio.org, kind=Kind.NEIGHBORHOOD, name="Empty", parent=portfolio.master)
    locations.deactivate_location(empty)
    with pytest.raises(ValidationError, match="is inactive"):
        homes.create_home(portfolio.org, location=empty, address_line1="2 Oak", city="X", state="OH",
                          postal_code="45000")
    with pytest.raises(ValidationError, match="is inactive"):
        locations.create_location(portfolio.org, kind=Kind.PROPERTY, name="Tower", parent=empty)


def test_an_inactive_grandparent_blocks_children_further_down(portfolio):
    other_division = locations.create_location(portfolio.org, kind=Kind.DIVISION, name="Hills",
                                               parent=portfolio.region)
    mc = locations.create_location(portfolio.org, kind=Kind.MASTER_COMMUNITY, name="Peak", parent=other_division)
    locations.deactivate_location(mc)
    locations.deactivate_location(other_division)
    mc.refresh_from_db()
    with pytest.raises(ValidationError, match="“Hills” is inactive"):
        locations.activate_location(mc)


def test_deactivating_a_location_with_active_children_or_homes_says_what_blocks_it(portfolio):
    with pytest.raises(ValidationError, match="1 active child location"):
        locations.deactivate_location(portfolio.master)
    with pytest.raises(ValidationError, match="1 active home"):
        locations.deactivate_location(portfolio.neighborhood)
    portfolio.neighborhood.refresh_from_db()
    assert portfolio.neighborhood.is_active


def test_external_id_is_unique_per_organization_and_kind(portfolio, other_org):
    with pytest.raises(ValidationError, match="already exists"):
        locations.create_location(portfolio.org, kind=Kind.REGION, name="Dup", external_id="R")
    # Same id, other kind: fine. Same id, other organization: fine.
    locations.create_location(portfolio.org, kind=Kind.PROPERTY, name="Tower", external_id="R")
    locations.create_location(other_org, kind=Kind.REGION, name="Theirs", external_id="R")
