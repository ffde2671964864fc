"""connect-demo's Builder Backed setup: the organization's own regions are linked to the sandbox's regions of the
same name, so the first pull adopts them (no duplicates) and the tree below them is pushed parents first."""

from __future__ import annotations

import pytest

from integrations.models import Connection
from integrations.pull import run_pull
from integrations.push import run_drain
from integrations.registry import get_plugin
from portal.locations import services as locations
from portal.locations.models import Kind, Location
from tests.integrations.builderbacked.helpers import connect

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection(org, bb_sandbox) -> Connection:
    return connect(org, bb_sandbox.url, name="Builder Backed (sandbox)")


def test_local_regions_are_adopted_by_the_pull_and_their_tree_arrives_parents_first(org, connection, bb_sandbox):
    texas = locations.create_location(org, kind=Kind.REGION, name="Texas")
    locations.create_location(org, kind=Kind.REGION, name="Springfield")
    division = locations.create_location(org, kind=Kind.DIVISION, name="Austin Division", parent=texas,
                                         external_id="DIV_AUS")
    master = locations.create_location(org, kind=Kind.MASTER_COMMUNITY, name="Hill Country", parent=division,
                                       external_id="MC_HILL")
    locations.create_location(org, kind=Kind.NEIGHBORHOOD, name="Oak Bend", parent=master, external_id="NB_OAK")

    note = get_plugin("builderbacked").demo_setup(connection)
    assert note == "regions linked: Texas; not listed by Builder Backed: Springfield"
    assert run_pull(connection.pk, full=True).status == "succeeded"
    assert Location.objects.filter(organization=org, kind=Kind.REGION, name="Texas").count() == 1
    assert Location.objects.filter(organization=org, kind=Kind.REGION).count() == 6  # 5 listed + Springfield

    run = run_drain(connection.pk)
    assert run.error_count == 0, run.errors
    posts = [r["path"].rsplit("/", 1)[-1] for r in bb_sandbox.received("POST")]
    assert posts == ["divisions", "master-communities", "neighborhoods"]
    assert bb_sandbox.app.store.get("divisions", "DIV_AUS")["regionName"] == "Texas"


def test_setting_up_twice_links_each_region_once(org, connection):
    locations.create_location(org, kind=Kind.REGION, name="Florida")
    plugin = get_plugin("builderbacked")
    plugin.demo_setup(connection)
    assert plugin.demo_setup(connection) == "regions linked: Florida"
    assert connection.refs.filter(stream="regions").count() == 1
