from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view

from portal.api.errors import Conflict
from portal.api.filters import HomeFilter, HomeownershipFilter, PersonFilter
from portal.api.serializers.homes import (
    HomeInputSerializer,
    HomeownershipCreateSerializer,
    HomeownershipSerializer,
    HomeownershipUpdateSerializer,
    HomeSerializer,
    PersonInputSerializer,
    PersonSerializer,
)
from portal.api.views.base import Creating, Destroying, Listing, ServiceViewSet, Updating
from portal.homes import services
from portal.homes.models import Home, Homeownership, Person


@extend_schema_view(
    list=extend_schema(summary="List homes"),
    retrieve=extend_schema(summary="Get a home"),
    create=extend_schema(summary="Create a home", description="Under an active neighborhood or property."),
    update=extend_schema(summary="Replace a home"),
    partial_update=extend_schema(summary="Change some of a home's fields",
                                 description="Homes are not deleted: set status to inactive."),
)
class HomeViewSet(Listing, Creating, Updating, ServiceViewSet):
    model = Home
    serializer_class = HomeSerializer
    create_serializer_class = update_serializer_class = HomeInputSerializer
    filterset_class = HomeFilter
    search_fields = ["address_line1", "unit_number", "city", "postal_code", "external_id"]
    ordering_fields = ("address_line1", "city")

    def perform_create(self, data: dict[str, Any]) -> Home:
        return services.create_home(self.tenant.organization, **data)

    def perform_update(self, instance: Home, data: dict[str, Any]) -> Home:
        return services.update_home(instance, **data)


@extend_schema_view(
    list=extend_schema(summary="List people"),
    retrieve=extend_schema(summary="Get a person"),
    create=extend_schema(summary="Create a person"),
    update=extend_schema(summary="Replace a person"),
    partial_update=extend_schema(summary="Change some of a person's fields"),
)
class PersonViewSet(Listing, Creating, Updating, ServiceViewSet):
    model = Person
    serializer_class = PersonSerializer
    create_serializer_class = update_serializer_class = PersonInputSerializer
    filterset_class = PersonFilter
    search_fields = ["first_name", "last_name", "email", "phone", "external_id"]
    ordering_fields = ("last_name", "first_name")

    def perform_create(self, data: dict[str, Any]) -> Person:
        return services.create_person(self.tenant.organization, **data)

    def perform_update(self, instance: Person, data: dict[str, Any]) -> Person:
        return services.update_person(instance, **data)


@extend_schema_view(
    list=extend_schema(summary="List homeownerships"),
    retrieve=extend_schema(summary="Get a homeownership"),
    create=extend_schema(summary="Make a person an owner of a home",
                         description="409 if the person already owns the home (change its type instead)."),
    update=extend_schema(summary="Change the ownership type"),
    partial_update=extend_schema(summary="Change the ownership type"),
    destroy=extend_schema(summary="End a homeownership"),
)
class HomeownershipViewSet(Listing, Creating, Updating, Destroying, ServiceViewSet):
    model = Homeownership
    serializer_class = HomeownershipSerializer
    create_serializer_class = HomeownershipCreateSerializer
    update_serializer_class = HomeownershipUpdateSerializer
    select_related = ("home", "person")
    filterset_class = HomeownershipFilter
    search_fields = ["person__last_name", "person__first_name", "home__address_line1"]

    def perform_create(self, data: dict[str, Any]) -> Homeownership:
        home, person = data["home"], data["person"]
        existing = Homeownership.objects.filter(home=home, person=person).first()
        if existing is not None:
            raise Conflict(f"{person} already owns this home (homeownership {existing.pk}); change its type instead.")
        return services.set_homeowner(home, person, data.get("ownership_type", "primary"))

    def perform_update(self, instance: Homeownership, data: dict[str, Any]) -> Homeownership:
        if "ownership_type" not in data:
            return instance
        return services.set_homeowner(instance.home, instance.person, data["ownership_type"])

    def perform_destroy(self, instance: Homeownership) -> None:
        services.remove_homeowner(instance)
