from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.filters import LocationFilter
from portal.api.serializers.locations import LocationCreateSerializer, LocationSerializer, LocationUpdateSerializer
from portal.api.views.base import Creating, Listing, ServiceViewSet, Updating
from portal.locations import services
from portal.locations.models import Location


@extend_schema_view(
    list=extend_schema(summary="List locations", description="The organization's location tree, flat."),
    retrieve=extend_schema(summary="Get a location"),
    create=extend_schema(summary="Create a location", description=(
        "A child's kind must be below its parent's (region → division → master community → neighborhood; a property "
        "may stand under any of them or at the top), and the parent chain must be active.")),
    update=extend_schema(summary="Replace a location's editable fields"),
    partial_update=extend_schema(summary="Change some of a location's fields"),
)
class LocationViewSet(Listing, Creating, Updating, ServiceViewSet):
    """Locations are never deleted: deactivate them."""

    model = Location
    serializer_class = LocationSerializer
    create_serializer_class = LocationCreateSerializer
    update_serializer_class = LocationUpdateSerializer
    filterset_class = LocationFilter
    search_fields = ["name", "display_name", "abbreviation", "external_id"]
    ordering_fields = ("name", "path")

    def perform_create(self, data: dict[str, Any]) -> Location:
        return services.create_location(self.tenant.organization, **data)

    def perform_update(self, instance: Location, data: dict[str, Any]) -> Location:
        return services.update_location(instance, **data)

    @extend_schema(request=None, responses=LocationSerializer, summary="Activate a location",
                   description="Refused (409) while a location above it is inactive.")
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        return self.respond(services.activate_location(self.get_object()))

    @extend_schema(request=None, responses=LocationSerializer, summary="Deactivate a location",
                   description="Refused (409) while it has active children or homes.")
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        return self.respond(services.deactivate_location(self.get_object()))
