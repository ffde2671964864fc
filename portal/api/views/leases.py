from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.filters import LeaseFilter
from portal.api.serializers.leases import (
    LeaseCreateSerializer,
    LeaseSerializer,
    LeaseTransitionSerializer,
    LeaseUpdateSerializer,
)
from portal.api.views.base import Creating, Listing, ServiceViewSet, Updating
from portal.leases import services
from portal.leases.models import Lease


@extend_schema_view(
    list=extend_schema(summary="List leases"),
    retrieve=extend_schema(summary="Get a lease"),
    create=extend_schema(summary="Create a lease"),
    update=extend_schema(summary="Replace a lease's terms and tenants"),
    partial_update=extend_schema(summary="Change some of a lease's terms or its tenants"),
)
class LeaseViewSet(Listing, Creating, Updating, ServiceViewSet):
    model = Lease
    serializer_class = LeaseSerializer
    create_serializer_class = LeaseCreateSerializer
    update_serializer_class = LeaseUpdateSerializer
    prefetch_related = ("lease_tenants",)
    filterset_class = LeaseFilter
    search_fields = ["external_id", "home__address_line1", "home__unit_number"]
    ordering_fields = ("start_date", "rent")

    def perform_create(self, data: dict[str, Any]) -> Lease:
        return services.create_lease(self.tenant.organization, **data)

    def perform_update(self, instance: Lease, data: dict[str, Any]) -> Lease:
        tenants = data.pop("tenants", None)
        lease = services.update_lease(instance, **data)
        if tenants is not None:
            services.set_tenants(lease, tenants)
        return lease

    def get_serializer_class(self) -> Any:
        return LeaseTransitionSerializer if self.action == "transition" else super().get_serializer_class()

    @extend_schema(request=LeaseTransitionSerializer, responses=LeaseSerializer, summary="Move a lease to a status",
                   description="draft → active → renewed/ended/terminated; renewed → ended/terminated. Any other "
                               "move is refused with 409 invalid_transition and changes nothing.")
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        lease = self.get_object()
        target = self.validated(request.data)["status"]
        return self.respond(services.transition_lease(lease, target))
