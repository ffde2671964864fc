"""Members of the portfolio's organization with each kind of role, signed in."""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def viewer_client(client, org):
    """A member who may look but not change anything."""
    membership = MembershipFactory(organization=org, role=Role.VIEWER, user=UserFactory(email="viewer@example.com"))
    client.force_login(membership.user)
    return client
