"""A staff member of one organization never reaches another's records through the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.accounts.models import Membership, Role
from portal.homes import services as homes
from portal.homes.models import Home, Homeownership
from portal.leases.models import LeaseTenant
from portal.locations.models import Kind
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, portfolio, other_portfolio):
    user = UserFactory(email="staff@example.com", is_staff=True)
    MembershipFactory(user=user, organization=portfolio.org, role=Role.ADMIN)
    client.force_login(user)
    return client


def records_of(p) -> dict[str, object]:
    """One record of each admin-managed model in the portfolio's organization."""
    owner = homes.set_homeowner(p.home, p.person)
    member = MembershipFactory(organization=p.org, role=Role.VIEWER)
    return {
        "locations_location": p.neighborhood,
        "homes_home": p.home,
        "homes_person": p.person,
        "homes_homeownership": owner,
        "leases_lease": p.lease,
        "leases_leasetenant": LeaseTenant.objects.get(lease=p.lease),
        "accounts_organization": p.org,
        "accounts_membership": member,
        "accounts_user": member.user,
    }


def test_every_admin_page_of_another_organizations_record_is_a_404(staff_client, other_portfolio):
    for name, record in records_of(other_portfolio).items():
        for page in ("change", "delete", "history"):
            url = reverse(f"admin:{name}_{page}", args=[record.pk])
            assert staff_client.get(url).status_code == 404, f"{name} {page} page answered"


def test_the_history_of_one_version_of_another_organizations_record_is_a_404(staff_client, other_portfolio):
    version = other_portfolio.home.history.first()
    url = reverse("admin:homes_home_simple_history", args=[other_portfolio.home.pk, version.history_id])
    assert staff_client.get(url).status_code == 404


def test_the_members_own_records_open(staff_client, portfolio):
    for name, record in records_of(portfolio).items():
        url = reverse(f"admin:{name}_change", args=[record.pk])
        assert staff_client.get(url).status_code == 200, name
        assert staff_client.get(reverse(f"admin:{name}_history", args=[record.pk])).status_code == 200


def test_changelists_show_only_the_members_organization(staff_client, portfolio, other_portfolio):
    mine, theirs = records_of(portfolio), records_of(other_portfolio)
    for name in mine:
        response = staff_client.get(reverse(f"admin:{name}_changelist"))
        listed = {obj.pk for obj in response.context["cl"].result_list}
        assert mine[name].pk in listed, name
        assert theirs[name].pk not in listed, name


@pytest.mark.parametrize(
    ("app", "model", "field"),
    [
        ("homes", "home", "location"),
        ("leases", "lease", "home"),
        ("homes", "homeownership", "person"),
        ("leases", "leasetenant", "lease"),
        ("locations", "location", "organization"),
    ],
)
def test_autocomplete_offers_only_the_members_records(staff_client, portfolio, other_portfolio, app, model, field):
    response = staff_client.get(
        reverse("admin:autocomplete"), {"app_label": app, "model_name": model, "field_name": field, "term": ""}
    )
    assert response.status_code == 200
    texts = {row["text"] for row in response.json()["results"]}
    assert texts, "the member's own records are offered"
    assert not any("X" in text or "Rival" in text for text in texts), texts  # the other portfolio's names carry X


def test_a_forged_id_of_another_organizations_location_is_refused_on_save(staff_client, portfolio, other_portfolio):
    response = staff_client.post(reverse("admin:homes_home_add"), {
        "organization": portfolio.org.pk, "location": other_portfolio.neighborhood.pk, "address_line1": "9 Oak St",
        "city": "Dayton", "state": "OH", "postal_code": "45402", "country": "US", "home_type": "single_family",
        "status": "active", **management("homeownerships", "documents"),
    })
    assert response.status_code == 200
    assert "location" in response.context["adminform"].form.errors
    assert not Home.objects.filter(address_line1="9 Oak St").exists()


def test_a_member_scoped_to_one_region_sees_nothing_outside_it(client, portfolio):
    from portal.locations import services as locations

    other_region = locations.create_location(portfolio.org, kind=Kind.REGION, name="South")
    user = UserFactory(email="scoped@example.com", is_staff=True)
    membership = Membership.objects.create(user=user, organization=portfolio.org, role=Role.MANAGER)
    membership.scope.set([other_region])
    client.force_login(user)
    listed = {o.pk for o in client.get(reverse("admin:locations_location_changelist")).context["cl"].result_list}
    assert listed == {other_region.pk}
    assert client.get(reverse("admin:homes_home_change", args=[portfolio.home.pk])).status_code == 404
    assert client.get(reverse("admin:homes_person_change", args=[portfolio.person.pk])).status_code == 404


def test_members_limited_to_different_regions_see_only_their_own_imports(client, portfolio):
    """An import names homes anywhere in the organization: a scoped member sees their own uploads only, a member
    of the whole organization sees them all."""
    from portal.homes.models import HomeImport
    from portal.locations import services as locations

    south = locations.create_location(portfolio.org, kind=Kind.REGION, name="South")
    users = {}
    for name, scope in (("north", portfolio.region), ("south", south), ("all", None)):
        users[name] = UserFactory(email=f"{name}@example.com", is_staff=True)
        membership = Membership.objects.create(user=users[name], organization=portfolio.org, role=Role.MANAGER)
        if scope is not None:
            membership.scope.set([scope])
    imports = {name: HomeImport.objects.create(organization=portfolio.org, created_by=users[name],
                                               file_name=f"{name}.csv") for name in ("north", "south")}
    seen = {}
    for name, user in users.items():
        client.force_login(user)
        changelist = client.get(reverse("admin:homes_homeimport_changelist"))
        seen[name] = {batch.file_name for batch in changelist.context["cl"].result_list}
    assert seen == {"north": {"north.csv"}, "south": {"south.csv"}, "all": {"north.csv", "south.csv"}}
    client.force_login(users["north"])
    assert client.get(reverse("admin:homes_homeimport_change", args=[imports["south"].pk])).status_code == 404
    assert client.get(reverse("admin:homes_homeimport_change", args=[imports["north"].pk])).status_code == 200


def test_the_admin_login_page_opens_for_a_visitor_and_a_non_staff_member_gets_no_admin(client, portfolio):
    assert client.get(reverse("admin:login")).status_code == 200
    user = UserFactory(email="plain@example.com")
    MembershipFactory(user=user, organization=portfolio.org, role=Role.OWNER)
    client.force_login(user)
    response = client.get(reverse("admin:homes_home_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_only_a_superuser_adds_organizations(staff_client, superuser_client_factory):
    assert staff_client.get(reverse("admin:accounts_organization_add")).status_code == 403
    assert superuser_client_factory().get(reverse("admin:accounts_organization_add")).status_code == 200


@pytest.fixture
def superuser_client_factory():
    from django.test import Client

    from portal.accounts.models import User

    def make():
        client = Client()
        client.force_login(User.objects.create_superuser("root@example.com", "correct horse battery"))
        return client

    return make


def test_a_viewer_can_look_but_not_change(client, portfolio):
    user = UserFactory(email="viewer@example.com", is_staff=True)
    MembershipFactory(user=user, organization=portfolio.org, role=Role.VIEWER)
    client.force_login(user)
    url = reverse("admin:homes_home_change", args=[portfolio.home.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"address_line1": "changed"})
    assert response.status_code == 403
    assert client.get(reverse("admin:homes_home_add")).status_code == 403
    assert not Homeownership.objects.exists()


def management(*prefixes: str) -> dict[str, str]:
    """Empty inline formsets, as the admin's add page posts them."""
    data = {}
    for prefix in prefixes:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    return data
