import re

import pytest

from portal.homes import services as homes
from portal.locations import services as locations
from portal.locations.models import Kind, Location

pytestmark = pytest.mark.django_db


def node_line(html: str, name: str) -> str:
    match = re.search(rf'<span class="node">\s*<a href="/locations/\d+/">{re.escape(name)}</a>(.*?)</span>\s*</div>',
                      html, re.S)
    assert match, name
    return match.group(1)


def test_the_tree_shows_every_level_with_kind_status_and_homes_below(member_client, portfolio):
    homes.create_home(portfolio.org, location=portfolio.neighborhood, address_line1="2 Oak", city="Dayton",
                      state="OH", postal_code="45402")
    empty = locations.create_location(portfolio.org, kind=Kind.NEIGHBORHOOD, name="Empty", parent=portfolio.master)
    locations.deactivate_location(empty)
    html = member_client.get("/locations/").content.decode()
    assert "2 homes" in node_line(html, "North") and "Region" in node_line(html, "North")
    assert "2 homes" in node_line(html, "Cove")
    assert "0 homes" in node_line(html, "Empty") and 'badge off">Inactive' in node_line(html, "Empty")
    assert "<summary>2 locations under Bay</summary>" in html


def test_the_tree_never_shows_another_organizations_locations(member_client, portfolio, other_portfolio):
    assert "NorthX" not in member_client.get("/locations/").content.decode()


def test_an_empty_tree_invites_to_add_the_first_location(member_client, org):
    html = member_client.get("/locations/").content.decode()
    assert "No locations yet" in html and 'href="/locations/new/"' in html


def test_only_the_kinds_allowed_under_the_parent_are_offered(member_client, portfolio):
    html = member_client.get(f"/locations/{portfolio.master.pk}/new/").content.decode()
    options = re.findall(r'<option value="(\w+)"', html.split('name="kind"')[1].split("</select>")[0])
    assert options == ["neighborhood", "property"]
    top = member_client.get("/locations/new/").content.decode()
    assert re.findall(r'<option value="(\w+)"', top.split('name="kind"')[1].split("</select>")[0]) == [
        "region", "property"]


def test_a_neighborhood_is_created_under_a_master_community(member_client, portfolio):
    response = member_client.post(f"/locations/{portfolio.master.pk}/new/",
                                  {"kind": "neighborhood", "name": "Harbor", "country": "US"})
    assert response.status_code == 302
    created = Location.objects.get(name="Harbor")
    assert created.parent == portfolio.master and created.kind == Kind.NEIGHBORHOOD
    assert "Neighborhood “Harbor” created." in member_client.get(response["Location"]).content.decode()


def test_a_kind_not_allowed_there_is_refused_with_the_reason_and_nothing_saved(member_client, portfolio):
    response = member_client.post(f"/locations/{portfolio.master.pk}/new/",
                                  {"kind": "region", "name": "Nope", "country": "US"})
    assert response.status_code == 400
    assert "A region cannot stand under a master community" in response.content.decode()
    assert not Location.objects.filter(name="Nope").exists()


def test_a_child_of_an_inactive_location_is_refused_and_nothing_saved(member_client, portfolio):
    empty = locations.create_location(portfolio.org, kind=Kind.NEIGHBORHOOD, name="Empty", parent=portfolio.master)
    locations.deactivate_location(empty)
    response = member_client.post(f"/locations/{empty.pk}/new/", {"kind": "property", "name": "Tower",
                                                                   "country": "US"})
    assert response.status_code == 400
    assert "is inactive. Activate it first." in response.content.decode()
    assert not Location.objects.filter(name="Tower").exists()


def test_a_missing_name_is_shown_next_to_the_field(member_client, portfolio):
    response = member_client.post(f"/locations/{portfolio.master.pk}/new/", {"kind": "neighborhood", "name": ""})
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()


def test_a_location_is_edited_and_its_history_shows_the_change(member_client, portfolio):
    url = f"/locations/{portfolio.neighborhood.pk}/"
    response = member_client.post(url, {"name": "Cove Point", "abbreviation": "CP", "country": "US"})
    assert response.status_code == 302
    html = member_client.get(url).content.decode()
    assert "Name: <del>Cove</del> → <ins>Cove Point</ins>" in html
    assert "manager@example.com" in html


def test_an_invalid_edit_is_refused_and_nothing_saved(member_client, portfolio):
    locations.create_location(portfolio.org, kind=Kind.NEIGHBORHOOD, name="Dup", parent=portfolio.master,
                              external_id="N-1")
    url = f"/locations/{portfolio.neighborhood.pk}/"
    response = member_client.post(url, {"name": "Cove", "external_id": "N-1", "country": "US"})
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    portfolio.neighborhood.refresh_from_db()
    assert portfolio.neighborhood.external_id == ""


def test_deactivating_a_location_with_active_children_is_refused_with_a_message(member_client, portfolio):
    response = member_client.post(f"/locations/{portfolio.master.pk}/deactivate/", follow=True)
    assert "Cannot deactivate “Bay”: it has 1 active child location" in response.content.decode()
    portfolio.master.refresh_from_db()
    assert portfolio.master.is_active


def test_an_empty_location_is_deactivated_then_activated(member_client, portfolio):
    empty = locations.create_location(portfolio.org, kind=Kind.NEIGHBORHOOD, name="Empty", parent=portfolio.master)
    member_client.post(f"/locations/{empty.pk}/deactivate/")
    empty.refresh_from_db()
    assert not empty.is_active
    member_client.post(f"/locations/{empty.pk}/activate/")
    empty.refresh_from_db()
    assert empty.is_active


def test_an_htmx_deactivation_returns_the_tree_and_the_message(member_client, portfolio):
    empty = locations.create_location(portfolio.org, kind=Kind.NEIGHBORHOOD, name="Empty", parent=portfolio.master)
    response = member_client.post(f"/locations/{empty.pk}/deactivate/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="tree"')
    assert 'hx-swap-oob="true"' in html and "“Empty” deactivated." in html
    assert 'badge off">Inactive' in node_line(html, "Empty")


def test_a_viewer_reads_the_tree_but_cannot_change_it(viewer_client, portfolio):
    html = viewer_client.get("/locations/").content.decode()
    assert "Cove" in html and ">Deactivate<" not in html and "Add child" not in html
    assert viewer_client.get(f"/locations/{portfolio.master.pk}/new/").status_code == 403
    assert viewer_client.post(f"/locations/{portfolio.master.pk}/new/", {"kind": "neighborhood",
                                                                         "name": "X"}).status_code == 403
    assert viewer_client.post(f"/locations/{portfolio.neighborhood.pk}/", {"name": "Renamed"}).status_code == 403
    assert viewer_client.post(f"/locations/{portfolio.neighborhood.pk}/deactivate/").status_code == 403
    portfolio.neighborhood.refresh_from_db()
    assert portfolio.neighborhood.name == "Cove" and portfolio.neighborhood.is_active


@pytest.mark.parametrize("suffix", ["", "new/", "deactivate/", "activate/"])
def test_another_organizations_location_is_not_found(member_client, portfolio, other_portfolio, suffix):
    url = f"/locations/{other_portfolio.neighborhood.pk}/{suffix}"
    response = member_client.post(url, {"kind": "property", "name": "X"}) if suffix else member_client.get(url)
    assert response.status_code == 404


def test_the_tree_runs_the_same_queries_for_10_and_500_locations(member_client, org, count_queries):
    region = locations.create_location(org, kind=Kind.REGION, name="R")
    parents = [region]
    for i in range(9):
        parents.append(locations.create_location(org, kind=Kind.PROPERTY, name=f"P{i}", parent=region))
    member_client.get("/locations/")
    small = count_queries(lambda: member_client.get("/locations/"))
    bulk = Location.objects.bulk_create([  # volume only (the rules are tested above through the services)
        Location(organization=org, kind=Kind.PROPERTY, name=f"Bulk {i}", parent=region, depth=1) for i in range(490)
    ])
    for location in bulk:
        location.path = f"{region.path}{location.pk}/"
    Location.objects.bulk_update(bulk, ["path"])
    assert Location.objects.filter(organization=org).count() == 500
    assert count_queries(lambda: member_client.get("/locations/")) == small


def test_after_creating_a_location_the_tree_opens_down_to_it(member_client, portfolio):
    response = member_client.post(f"/locations/{portfolio.neighborhood.pk}/new/",
                                  {"kind": "property", "name": "Deep Tower", "country": "US"})
    tower = Location.objects.get(name="Deep Tower")
    assert response["Location"] == f"/locations/?focus={tower.pk}#location-{tower.pk}"
    html = member_client.get(response["Location"]).content.decode()
    assert f'<li id="location-{tower.pk}" class="focused">' in html
    cove = html.split(f'<li id="location-{portfolio.neighborhood.pk}"')[1]
    assert cove.split("</summary>")[0].count('<details class="children" open>') == 1
