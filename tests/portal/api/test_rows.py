"""List pages rendered from ``.values()`` rows (portal/api/serializers/rows.py) are the regular serializer's JSON,
byte for byte: nulls, decimals, date-times, dates, related ids, method fields (tenants, download links)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

import portal.api.views.base as views_base
from portal.api.serializers.base import Output
from portal.api.serializers.documents import DocumentSerializer
from portal.api.serializers.homes import HomeownershipSerializer, HomeSerializer, PersonSerializer
from portal.api.serializers.leases import LeaseSerializer
from portal.api.serializers.locations import LocationSerializer
from portal.api.serializers.rows import plan_for
from portal.documents import services as documents
from portal.documents.models import Document
from portal.homes import services as homes
from portal.homes.models import Home, Homeownership, Person
from portal.leases import services as leases
from portal.leases.models import Lease, LeaseTenant
from portal.locations.models import Location

pytestmark = pytest.mark.django_db
OUTPUTS = {"homes": (HomeSerializer, Home), "people": (PersonSerializer, Person),
           "homeownerships": (HomeownershipSerializer, Homeownership), "leases": (LeaseSerializer, Lease),
           "documents": (DocumentSerializer, Document), "locations": (LocationSerializer, Location)}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def varied(portfolio):
    """Rows with every kind of value: nulls and set values, odd decimals, dates, several tenants in an order that
    is not their ids', a lease of each status, files and links, documents of each target."""
    org, hood = portfolio.org, portfolio.neighborhood
    bare = homes.create_home(org, location=hood, address_line1="2 Elm St", city="Dayton", state="oh",
                             postal_code="45402")  # bedrooms, bathrooms, size, rent: null
    full = homes.create_home(org, location=hood, address_line1="3 Elm St", unit_number="4B", city="Kettering",
                             state="OH", postal_code="45429", bedrooms=3, bathrooms=Decimal("2.5"), size_sqft=1850,
                             market_rent=Decimal("1750.5"), home_type="multi_family", external_id="BB-H-3")
    Home.objects.filter(pk=full.pk).update(updated_at=dt.datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=dt.UTC))
    cosigner = homes.create_person(org, first_name="Cy", last_name="Sign", email="cy@example.com",
                                   alternate_phone="+1 937 555 0101")
    primary = homes.create_person(org, first_name="Bo", last_name="Prime", prefix="Dr.")
    homes.set_homeowner(full, primary, "secondary")
    # The cosigner is linked first (lower link id): the primary must still come first.
    lease = leases.create_lease(org, home=full, tenants=[], start_date=dt.date(2026, 2, 1), end_date=None,
                                lease_type="at_will", rent=Decimal("1800"), deposit=Decimal("0.5"), due_day=15)
    LeaseTenant.objects.create(organization=org, lease=lease, person=cosigner, role="cosigner")
    LeaseTenant.objects.create(organization=org, lease=lease, person=primary, role="primary")
    leases.transition_lease(lease, "active")
    leases.create_lease(org, home=bare, tenants=[primary, cosigner], start_date=dt.date(2025, 1, 1),
                        end_date=dt.date(2025, 12, 31), rent=Decimal("999.99"), deposit=Decimal("1000"))
    documents.create_document(org, target=full, title="Lease", category="lease",
                              file=SimpleUploadedFile("lease.pdf", PDF))
    documents.create_document(org, target=lease, title="Link", external_url="https://files.example.com/a.pdf",
                              display_start=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    documents.create_document(org, target=hood, title="Plat", external_url="https://files.example.com/p.pdf",
                              display_end=dt.datetime(2026, 12, 31, 23, 59, 59, tzinfo=dt.UTC), shareable=True)
    return portfolio


def regular_and_fast(api, monkeypatch, url: str) -> tuple[bytes, bytes]:
    fast = api.get(url)
    with monkeypatch.context() as patched:
        patched.setattr(views_base, "plan_for", lambda serializer_class: None)  # the serializer's own path
        regular = api.get(url)
    assert fast.status_code == regular.status_code == 200, (fast.content[:300], regular.content[:300])
    return regular.content, fast.content


@pytest.mark.parametrize("resource", OUTPUTS)
def test_every_list_page_is_the_serializers_json_byte_for_byte(api, varied, monkeypatch, resource):
    assert plan_for(OUTPUTS[resource][0]) is not None, "the list must take the row path for this to compare"
    for query in ("", "?page_size=2", "?ordering=-updated_at", "?ordering=-id&page_size=3"):
        regular, fast = regular_and_fast(api, monkeypatch, f"/api/v1/{resource}/{query}")
        assert fast == regular, query
    assert len(api.get(f"/api/v1/{resource}/").json()["results"]) == OUTPUTS[resource][1].objects.count()


@pytest.mark.parametrize("url", ["/api/v1/homes/?ordering=city", "/api/v1/leases/?ordering=rent&page_size=1",
                                 "/api/v1/leases/?status=active", "/api/v1/documents/?ordering=title",
                                 "/api/v1/locations/?ordering=path&page_size=2", "/api/v1/people/?search=Prime"])
def test_orderings_filters_and_next_links_are_the_same(api, varied, monkeypatch, url):
    regular, fast = regular_and_fast(api, monkeypatch, url)
    assert fast == regular
    next_url = api.get(url).json()["next"]
    if next_url:
        regular, fast = regular_and_fast(api, monkeypatch, next_url)
        assert fast == regular


def test_the_rows_make_no_more_queries_than_the_serializer(api, varied, monkeypatch):
    for resource in OUTPUTS:
        url = f"/api/v1/{resource}/"
        api.get(url)
        with CaptureQueriesContext(connection) as fast:
            api.get(url)
        with monkeypatch.context() as patched, CaptureQueriesContext(connection) as regular:
            patched.setattr(views_base, "plan_for", lambda serializer_class: None)
            api.get(url)
        assert len(fast) <= len(regular), resource


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata", "UTC"])
def test_date_times_follow_the_active_time_zone_as_drf_does(varied, zone):
    request = APIRequestFactory().get("/api/v1/documents/")
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        for serializer_class, model in OUTPUTS.values():
            instances = list(model.objects.order_by("id").prefetch_related(
                *(["lease_tenants"] if model is Lease else [])))
            expected = serializer_class(instances, many=True, context={"request": request}).data
            plan = plan_for(serializer_class)
            rows = list(model.objects.order_by("id").values(*plan.columns))
            got = plan.render(rows, serializer_class(context={"request": request}))
            assert got == [dict(item) for item in expected], serializer_class.__name__


def test_a_serializer_with_a_field_the_rows_cannot_give_keeps_the_regular_path():
    class WithMethod(Output):
        shout = serializers.SerializerMethodField()

        class Meta:
            model = Home
            fields = ["id", "shout"]

        def get_shout(self, home: Home) -> str:
            return home.city.upper()

    class WithDottedSource(Output):
        organization_name = serializers.CharField(source="organization.name")

        class Meta:
            model = Home
            fields = ["id", "organization_name"]

    assert plan_for(WithMethod) is None and plan_for(WithDottedSource) is None
    assert plan_for(HomeSerializer).columns[:2] == ("id", "location_id")
