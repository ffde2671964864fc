"""The database itself refuses what the services refuse, for writes that bypass them (raw SQL, bulk updates, bugs)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal.documents.models import Document
from portal.homes import services as homes
from portal.homes.models import Home, Person
from portal.leases.models import Lease
from portal.locations import services as locations
from portal.locations.models import Kind, Location

pytestmark = pytest.mark.django_db


def refused_by_the_database(write) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_a_duplicate_external_id_is_refused_by_the_database_and_by_the_service_with_its_code(portfolio):
    refused_by_the_database(lambda: Location.objects.create(
        organization=portfolio.org, kind=Kind.REGION, name="Copy", external_id="R"))
    assert portfolio.home.external_id == "H1"
    refused_by_the_database(lambda: Home.objects.create(
        organization=portfolio.org, location=portfolio.neighborhood, address_line1="x", city="y", state="OH",
        postal_code="44000", external_id="H1"))
    with pytest.raises(ValidationError) as refused:
        homes.create_person(portfolio.org, first_name="A", last_name="B", external_id="P1")
        homes.create_person(portfolio.org, first_name="C", last_name="D", external_id="P1")
    assert refused.value.error_dict["__all__"][0].code == "duplicate_external_id"
    assert Person.objects.filter(external_id="P1").count() == 1


def test_an_unknown_kind_or_status_is_refused_by_the_database(portfolio):
    refused_by_the_database(lambda: Location.objects.filter(pk=portfolio.region.pk).update(kind="planet"))
    refused_by_the_database(lambda: Lease.objects.filter(pk=portfolio.lease.pk).update(status="archived"))
    refused_by_the_database(lambda: Home.objects.filter(pk=portfolio.home.pk).update(status="sold"))


def test_a_location_cannot_be_its_own_parent(portfolio):
    refused_by_the_database(lambda: Location.objects.filter(pk=portfolio.region.pk).update(parent=portfolio.region))


def test_lease_dates_and_amounts_are_checked_by_the_database(portfolio):
    lease = Lease.objects.filter(pk=portfolio.lease.pk)
    refused_by_the_database(lambda: lease.update(end_date=dt.date(2025, 1, 1)))
    refused_by_the_database(lambda: lease.update(rent=-1))
    refused_by_the_database(lambda: lease.update(due_day=32))


def test_a_document_is_attached_to_exactly_one_record_and_has_a_file_or_a_link(portfolio):
    base = {"organization": portfolio.org, "title": "T"}
    refused_by_the_database(lambda: Document.objects.create(**base, home=portfolio.home, lease=portfolio.lease,
                                                            external_url="https://example.com/a"))
    refused_by_the_database(lambda: Document.objects.create(**base, external_url="https://example.com/a"))
    refused_by_the_database(lambda: Document.objects.create(**base, home=portfolio.home))
    refused_by_the_database(lambda: Document.objects.create(**base, home=portfolio.home, file="documents/x",
                                                            external_url="https://example.com/a"))


def test_the_same_external_id_in_another_kind_or_organization_is_fine(portfolio, other_org):
    locations.create_location(portfolio.org, kind=Kind.PROPERTY, name="Tower", external_id="R")
    locations.create_location(other_org, kind=Kind.REGION, name="North", external_id="R")
    assert Location.objects.filter(external_id="R").count() == 3
