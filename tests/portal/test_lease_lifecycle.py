"""A lease moves draft → active → renewed / ended / terminated (and renewed → ended / terminated), nothing else."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portal.core.errors import InvalidTransition
from portal.core.events import record_changed
from portal.leases import services as leases
from portal.leases.models import TRANSITIONS, Lease, LeaseStatus

pytestmark = pytest.mark.django_db

S = LeaseStatus
ALLOWED = {
    (S.DRAFT, S.ACTIVE),
    (S.ACTIVE, S.RENEWED), (S.ACTIVE, S.ENDED), (S.ACTIVE, S.TERMINATED),
    (S.RENEWED, S.ENDED), (S.RENEWED, S.TERMINATED),
}
EVERY_PAIR = list(itertools.product(S.values, S.values))


@pytest.fixture
def events():
    """The change events services send (the sync engine's input), collected from the real signal."""
    seen: list[tuple[str, str]] = []

    def receiver(sender, instance, action, changed, **kwargs):
        seen.append((sender.__name__, action))

    record_changed.connect(receiver, weak=False)
    yield seen
    record_changed.disconnect(receiver)


def lease_in(portfolio, status: str) -> Lease:
    return leases.create_lease(
        portfolio.org, home=portfolio.home, status=status, start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2027, 1, 31), rent=Decimal("1200.00"),
    )


def test_the_matrix_covers_every_pair_of_statuses():
    assert len(EVERY_PAIR) == len(S.values) ** 2 == 25
    assert set(EVERY_PAIR) > ALLOWED


def test_the_model_allows_exactly_the_transitions_of_the_design():
    assert {(current, target) for current, targets in TRANSITIONS.items() for target in targets} == ALLOWED


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_an_allowed_transition_changes_the_status_and_records_it(portfolio, events, current, target):
    lease = lease_in(portfolio, current)
    history_before = lease.history.count()
    events.clear()

    result = leases.transition_lease(lease, target)

    assert result.status == target
    assert Lease.objects.get(pk=lease.pk).status == target
    assert lease.history.count() == history_before + 1
    assert lease.history.first().status == target
    assert events == [("Lease", "update")]


@pytest.mark.parametrize(("current", "target"), [pair for pair in EVERY_PAIR if pair not in ALLOWED])
def test_every_other_transition_is_refused_with_its_message_and_changes_nothing(portfolio, events, current, target):
    lease = lease_in(portfolio, current)
    before = Lease.objects.filter(pk=lease.pk).values().get()
    history_before = lease.history.count()
    events.clear()

    with pytest.raises(InvalidTransition) as refused:
        leases.transition_lease(lease, target)

    assert refused.value.messages == [f"Invalid status transition: {current} -> {target}"]
    assert refused.value.code == "invalid_transition"
    assert Lease.objects.filter(pk=lease.pk).values().get() == before
    assert lease.history.count() == history_before
    assert events == []


def test_an_unknown_target_status_is_refused_like_any_other(portfolio):
    lease = lease_in(portfolio, S.ACTIVE)
    with pytest.raises(InvalidTransition, match="Invalid status transition: active -> archived"):
        leases.transition_lease(lease, "archived")
    assert Lease.objects.get(pk=lease.pk).status == S.ACTIVE


def test_a_stale_instance_is_checked_against_the_status_in_the_database(portfolio):
    lease = lease_in(portfolio, S.ACTIVE)
    stale = Lease.objects.get(pk=lease.pk)
    leases.transition_lease(lease, S.ENDED)
    # The copy still says "active", but the database says "ended": renewing it now is refused.
    with pytest.raises(InvalidTransition, match="Invalid status transition: ended -> renewed"):
        leases.transition_lease(stale, S.RENEWED)
    assert Lease.objects.get(pk=lease.pk).status == S.ENDED


def test_an_edit_cannot_change_the_status_behind_the_lifecycle(portfolio):
    with pytest.raises(ValidationError, match="Change a lease's status with a transition"):
        leases.update_lease(portfolio.lease, status=S.ACTIVE)
    assert Lease.objects.get(pk=portfolio.lease.pk).status == S.DRAFT


def test_a_fixed_term_lease_needs_an_end_date_but_an_at_will_lease_does_not(portfolio):
    with pytest.raises(ValidationError, match="A fixed-term lease needs an end date"):
        leases.create_lease(portfolio.org, home=portfolio.home, start_date=dt.date(2026, 1, 1),
                            rent=Decimal("900"), lease_type="fixed")
    at_will = leases.create_lease(portfolio.org, home=portfolio.home, start_date=dt.date(2026, 1, 1),
                                  rent=Decimal("900"), lease_type="at_will")
    assert at_will.end_date is None


def test_a_lease_cannot_end_before_it_starts(portfolio):
    count = Lease.objects.count()
    with pytest.raises(ValidationError):
        leases.create_lease(portfolio.org, home=portfolio.home, start_date=dt.date(2026, 5, 1),
                            end_date=dt.date(2026, 4, 1), rent=Decimal("900"))
    assert Lease.objects.count() == count


def test_a_lease_cannot_be_created_with_an_unknown_status(portfolio):
    with pytest.raises(ValidationError, match="Unknown status"):
        lease_in(portfolio, "archived")


def test_tenants_from_another_organization_are_refused(portfolio, other_portfolio):
    with pytest.raises(ValidationError, match="A tenant belongs to another organization"):
        leases.set_tenants(portfolio.lease, [other_portfolio.person])
    assert list(portfolio.lease.tenants.all()) == [portfolio.person]
