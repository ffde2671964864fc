"""A lease's page: home, tenants, terms, documents, history, and only the lifecycle buttons that apply."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.documents import services as documents
from portal.leases import services as leases

pytestmark = pytest.mark.django_db


def detail(client, lease):
    return client.get(reverse("leases:detail", args=[lease.pk]))


def test_the_page_shows_home_tenants_terms_documents_and_history(member_client, portfolio):
    documents.create_document(portfolio.org, target=portfolio.lease, title="Signed lease",
                              external_url="https://files.example.com/lease.pdf")
    leases.update_lease(portfolio.lease, due_day=5)

    body = detail(member_client, portfolio.lease).content.decode()

    assert "1 Elm St, Dayton, OH 45402" in body
    assert "Ada Park" in body and "Primary tenant" in body
    assert "$1,500.00" in body and "day 5 of each month" in body
    assert "Signed lease" in body
    history = detail(member_client, portfolio.lease).context["history"]
    assert [entry.verb for entry in history] == ["Changed", "Created"]
    assert [(c.label, c.old, c.new) for c in history[0].changes] == [("Due day", 1, 5)]
    assert "Due day" in body


def test_a_draft_lease_offers_only_activation(member_client, portfolio):
    actions = detail(member_client, portfolio.lease).context["actions"]

    assert [target for target, _ in actions] == ["active"]


def test_an_active_lease_offers_renewal_end_and_termination(member_client, portfolio):
    leases.transition_lease(portfolio.lease, "active")

    body = detail(member_client, portfolio.lease).content.decode()

    assert "Activate lease" not in body
    assert "Mark as renewed" in body and "End lease" in body and "Terminate lease" in body


def test_an_ended_lease_offers_no_transition(member_client, portfolio):
    leases.transition_lease(portfolio.lease, "active")
    leases.transition_lease(portfolio.lease, "ended")

    assert detail(member_client, portfolio.lease).context["actions"] == []


def test_another_organizations_lease_is_not_found(member_client, portfolio, other_portfolio):
    assert detail(member_client, other_portfolio.lease).status_code == 404


def test_a_viewer_sees_the_lease_without_lifecycle_or_edit_buttons(viewer_client, portfolio):
    body = detail(viewer_client, portfolio.lease).content.decode()

    assert "Ada Park" in body
    assert "Activate lease" not in body and "Edit lease" not in body
