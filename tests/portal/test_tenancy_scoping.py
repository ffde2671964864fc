"""scoped() is the one door to domain data: never another organization's rows, never outside a member's scope."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.accounts.middleware import SESSION_KEY
from portal.accounts.models import Membership, Role
from portal.accounts.scoping import Tenant, scoped
from portal.core.models import OrgOwned
from portal.documents import services as documents
from portal.documents.models import Document
from portal.homes import services as homes
from portal.homes.models import Home, Homeownership, Person
from portal.leases.models import Lease, LeaseTenant
from portal.locations import services as locations
from portal.locations.models import Kind, Location
from tests.conftest import Portfolio, build_portfolio
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# The records of DESIGN §3: each is built below, and each is checked row by row.
DOMAIN_MODELS = [Location, Home, Person, Homeownership, Lease, LeaseTenant, Document]
# Every other organization-owned model (imports, vendor connections, ...) must at least keep to its organization.
OTHER_ORG_MODELS = [m for m in apps.get_models() if issubclass(m, OrgOwned) and m not in DOMAIN_MODELS]
PDF = b"%PDF-1.4\n%%EOF\n"


@dataclass
class Subtree:
    """One region's records, each kind of domain record at least once."""

    portfolio: Portfolio
    owner: Person
    documents: list[Document]

    def rows(self) -> dict[type, set[int]]:
        p = self.portfolio
        return {
            Location: {p.region.pk, p.division.pk, p.master.pk, p.neighborhood.pk},
            Home: {p.home.pk},
            Person: {p.person.pk, self.owner.pk},
            Homeownership: set(Homeownership.objects.filter(home=p.home).values_list("pk", flat=True)),
            Lease: {p.lease.pk},
            LeaseTenant: set(LeaseTenant.objects.filter(lease=p.lease).values_list("pk", flat=True)),
            Document: {d.pk for d in self.documents},
        }


def grow(org, tag: str) -> Subtree:
    p = build_portfolio(org, tag=tag)
    owner = homes.create_person(org, first_name="Olu", last_name=f"Owner{tag}")
    homes.set_homeowner(p.home, owner)
    docs = [
        documents.create_document(org, target=target, title=f"Doc {tag}",
                                  file=SimpleUploadedFile("a.pdf", PDF))
        for target in (p.home, p.lease, p.neighborhood)
    ]
    return Subtree(p, owner, docs)


@pytest.fixture
def north(org) -> Subtree:
    return grow(org, "")


@pytest.fixture
def south(org) -> Subtree:
    return grow(org, "S")


@pytest.fixture
def rival(other_org) -> Subtree:
    return grow(other_org, "X")


def ids(model, tenant) -> set[int]:
    return set(scoped(model, tenant).values_list("pk", flat=True))


def test_every_domain_model_is_organization_owned():
    assert all(issubclass(model, OrgOwned) for model in DOMAIN_MODELS)


@pytest.mark.parametrize("model", OTHER_ORG_MODELS or [None], ids=lambda m: m._meta.label if m else "none")
def test_scoped_limits_every_other_organization_owned_model_to_the_organization(model, org, other_org):
    if model is None:
        pytest.skip("no other organization-owned model yet")
    sql = str(scoped(model, Tenant(org)).query)
    assert f'."organization_id" = {org.pk}' in sql.replace("`", '"'), sql
    assert not scoped(model, Tenant(org)).filter(organization=other_org).exists()


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=lambda m: m._meta.label)
def test_scoped_never_returns_another_organizations_rows(model, north, rival):
    mine, theirs = Tenant(north.portfolio.org), Tenant(rival.portfolio.org)
    assert ids(model, mine) == north.rows()[model]
    assert ids(model, theirs) == rival.rows()[model]
    assert not ids(model, mine) & ids(model, theirs)


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=lambda m: m._meta.label)
def test_a_member_scoped_to_one_region_sees_nothing_outside_it(model, org, north, south, rival):
    # A property at the top of the tree, outside both regions, with a home of its own.
    tower = locations.create_location(org, kind=Kind.PROPERTY, name="Tower")
    homes.create_home(org, location=tower, address_line1="9 High St", city="Akron", state="OH", postal_code="44301")
    member = MembershipFactory(organization=org, role=Role.VIEWER)
    member.scope.set([north.portfolio.region])
    tenant = Tenant.for_membership(member)

    assert ids(model, tenant) == north.rows()[model]
    assert scoped(model, tenant).count() == len(north.rows()[model])  # no row twice through several joins


def test_a_scope_of_several_locations_sees_their_union_and_a_neighborhood_scope_only_its_subtree(org, north, south):
    member = MembershipFactory(organization=org, role=Role.VIEWER)
    member.scope.set([north.portfolio.region, south.portfolio.neighborhood])
    both = Tenant.for_membership(member)
    assert ids(Home, both) == {north.portfolio.home.pk, south.portfolio.home.pk}
    assert south.portfolio.region.pk not in ids(Location, both)  # the ancestors of a scoped location stay hidden

    member.scope.set([south.portfolio.neighborhood])
    assert ids(Location, Tenant.for_membership(member)) == {south.portfolio.neighborhood.pk}


def test_a_person_in_scope_through_one_home_is_visible_once_even_with_a_home_outside(org, north, south):
    homes.set_homeowner(south.portfolio.home, north.portfolio.person)
    member = MembershipFactory(organization=org)
    member.scope.set([north.portfolio.region])
    people = list(scoped(Person, Tenant.for_membership(member)).filter(pk=north.portfolio.person.pk))
    assert people == [north.portfolio.person]


def test_a_person_with_no_home_is_hidden_from_a_scoped_member_but_seen_by_the_organization(org, north):
    loner = homes.create_person(org, first_name="No", last_name="Home")
    member = MembershipFactory(organization=org)
    member.scope.set([north.portfolio.region])
    assert loner.pk not in ids(Person, Tenant.for_membership(member))
    assert loner.pk in ids(Person, Tenant(org))


def test_the_request_tenant_carries_the_members_organization_and_scope(client, org, north, south):
    member = MembershipFactory(organization=org, user=UserFactory(email="scoped@example.com"))
    member.scope.set([south.portfolio.region])
    client.force_login(member.user)
    tenant = client.get("/healthz").wsgi_request.tenant
    assert tenant.organization == org
    assert tenant.scope_paths == (south.portfolio.region.path,)
    assert ids(Home, tenant) == {south.portfolio.home.pk}


def test_a_signed_in_user_without_a_membership_has_no_tenant(client):
    client.force_login(UserFactory())
    assert client.get("/healthz").wsgi_request.tenant is None


# --- Switching organizations ------------------------------------------------------------------------------------

@pytest.fixture
def two_org_user(north, rival):
    user = UserFactory(email="both@example.com")
    MembershipFactory(user=user, organization=north.portfolio.org, role=Role.MANAGER)
    MembershipFactory(user=user, organization=rival.portfolio.org, role=Role.VIEWER)
    return user


def switch_url(slug: str) -> str:
    return reverse("accounts:switch_organization", args=[slug])


def test_a_user_in_two_organizations_switches_and_then_sees_the_other_ones_data(client, two_org_user, north, rival):
    client.force_login(two_org_user)
    first = client.get("/healthz").wsgi_request.tenant
    assert first.organization == north.portfolio.org  # "Acme Homes" sorts before "Rival Realty"
    assert ids(Home, first) == {north.portfolio.home.pk}

    response = client.post(switch_url("rival"), {"next": "/homes/"})

    assert response.status_code == 302
    assert response["Location"] == "/homes/"
    assert client.session[SESSION_KEY] == rival.portfolio.org.pk
    now = client.get("/healthz").wsgi_request.tenant
    assert now.organization == rival.portfolio.org
    assert now.membership.role == Role.VIEWER and not now.can_write
    for model in DOMAIN_MODELS:
        assert ids(model, now) == rival.rows()[model]


def test_switching_to_an_organization_the_user_is_not_in_is_a_404_and_changes_nothing(client, member, rival):
    client.force_login(member.user)
    assert client.post(switch_url("rival")).status_code == 404
    assert client.post(switch_url("no-such-org")).status_code == 404
    assert SESSION_KEY not in client.session
    assert client.get("/healthz").wsgi_request.tenant.organization == member.organization


def test_switching_needs_a_post_with_a_csrf_token(two_org_user, rival):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(two_org_user)
    assert strict.get(switch_url("rival")).status_code == 405
    assert strict.post(switch_url("rival")).status_code == 403
    assert SESSION_KEY not in strict.session

    strict.get(reverse("account_change_password"))  # any page with a form sets the CSRF cookie
    token = strict.cookies["csrftoken"].value
    assert strict.post(switch_url("rival"), HTTP_X_CSRFTOKEN=token).status_code == 302
    assert strict.session[SESSION_KEY] == rival.portfolio.org.pk


def test_switching_needs_a_signed_in_user(client, rival):
    response = client.post(switch_url("rival"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_switching_never_redirects_to_another_site(client, two_org_user):
    client.force_login(two_org_user)
    response = client.post(switch_url("rival"), {"next": "https://evil.example.com/"})
    assert response["Location"] == "/"


def test_a_membership_removed_after_switching_falls_back_to_a_remaining_organization(client, two_org_user, north,
                                                                                   rival):
    client.force_login(two_org_user)
    client.post(switch_url("rival"))
    Membership.objects.filter(user=two_org_user, organization=rival.portfolio.org).delete()
    assert client.get("/healthz").wsgi_request.tenant.organization == north.portfolio.org
