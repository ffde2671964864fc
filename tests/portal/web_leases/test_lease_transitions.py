"""Lifecycle buttons: an allowed transition changes the status; a refused one shows why and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.leases import services as leases
from portal.leases.models import LeaseStatus

pytestmark = pytest.mark.django_db


def transition(client, lease, status: str):
    return client.post(reverse("leases:transition", args=[lease.pk]), {"status": status}, follow=True)


def test_activating_a_draft_makes_it_active_and_says_so(member_client, portfolio):
    response = transition(member_client, portfolio.lease, "active")

    portfolio.lease.refresh_from_db()
    assert portfolio.lease.status == LeaseStatus.ACTIVE
    assert "The lease is now active." in response.content.decode()


@pytest.mark.parametrize(
    ("setup", "target"),
    [([], "ended"), ([], "renewed"), (["active"], "draft"), (["active", "ended"], "active"), ([], "draft")],
)
def test_a_crafted_post_for_a_refused_transition_shows_the_reason_and_changes_nothing(
    member_client, portfolio, setup, target
):
    for status in setup:
        leases.transition_lease(portfolio.lease, status)
    before = portfolio.lease.history.count()
    current = setup[-1] if setup else "draft"

    response = transition(member_client, portfolio.lease, target)

    portfolio.lease.refresh_from_db()
    assert f"Invalid status transition: {current} -&gt; {target}" in response.content.decode()
    assert portfolio.lease.status == current
    assert portfolio.lease.history.count() == before


def test_an_unknown_status_is_refused_the_same_way(member_client, portfolio):
    response = transition(member_client, portfolio.lease, "archived")

    portfolio.lease.refresh_from_db()
    assert "Invalid status transition: draft -&gt; archived" in response.content.decode()
    assert portfolio.lease.status == LeaseStatus.DRAFT


def test_a_transition_needs_a_post(member_client, portfolio):
    response = member_client.get(reverse("leases:transition", args=[portfolio.lease.pk]))

    assert response.status_code == 405


def test_another_organizations_lease_cannot_be_moved(member_client, portfolio, other_portfolio):
    response = member_client.post(reverse("leases:transition", args=[other_portfolio.lease.pk]), {"status": "active"})

    other_portfolio.lease.refresh_from_db()
    assert response.status_code == 404
    assert other_portfolio.lease.status == LeaseStatus.DRAFT


def test_a_viewer_cannot_move_a_lease(viewer_client, portfolio):
    response = viewer_client.post(reverse("leases:transition", args=[portfolio.lease.pk]), {"status": "active"})

    portfolio.lease.refresh_from_db()
    assert response.status_code == 403
    assert portfolio.lease.status == LeaseStatus.DRAFT
