from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from portal.api.serializers.base import Output, ScopedPrimaryKeyRelatedField, StrictInput, StrictMixin
from portal.homes.models import Home, Person
from portal.leases.models import TRANSITIONS, Lease, LeaseStatus, LeaseTenant
from portal.leases.services import LEASE_FIELDS

EDITABLE = ["external_id", "lease_type", "start_date", "end_date", "rent", "deposit", "due_day"]
assert set(EDITABLE) == LEASE_FIELDS
TERMS = {"rent": {"min_value": 0}, "deposit": {"min_value": 0}, "due_day": {"min_value": 1, "max_value": 31}}
_EXAMPLE = {"home": 7, "tenants": [5], "external_id": "", "lease_type": "fixed", "start_date": "2026-03-01",
            "end_date": "2027-02-28", "rent": "1750.00", "deposit": "1750.00", "due_day": 1}


@extend_schema_serializer(examples=[OpenApiExample("A draft lease", response_only=True, value={
    "id": 31, **_EXAMPLE, "status": "draft", "allowed_transitions": ["active"],
    "created_at": "2026-02-10T10:00:00.000Z", "updated_at": "2026-02-10T10:00:00.000Z"})])
class LeaseSerializer(Output):
    tenants = serializers.SerializerMethodField(help_text="Ids of the people on the lease, primary tenant first.")
    allowed_transitions = serializers.SerializerMethodField(help_text="Statuses the lease may move to next.")

    class Meta:
        model = Lease
        fields = ["id", "home", "tenants", "status", "allowed_transitions", *EDITABLE, "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_tenants(self, lease: Lease) -> list[int]:
        links = sorted(lease.lease_tenants.all(), key=lambda link: (link.role != "primary", link.pk))  # prefetched
        return [link.person_id for link in links]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=LeaseStatus.choices)))
    def get_allowed_transitions(self, lease: Lease) -> list[str]:
        return list(lease.allowed_transitions())

    # A list page's rows (serializers/rows.py): tenants in one query per page (as the view's prefetch would).
    row_columns = {"tenants": ("id",), "allowed_transitions": ("status",)}

    def prepare_rows(self, rows: list[dict[str, Any]]) -> None:
        tenants: dict[int, list[tuple[bool, int, int]]] = {}
        links = LeaseTenant.objects.filter(lease_id__in=[row["id"] for row in rows])
        for lease_id, pk, person_id, role in links.values_list("lease_id", "pk", "person_id", "role"):
            tenants.setdefault(lease_id, []).append((role != "primary", pk, person_id))
        self._row_tenants = {lease: [person for *_, person in sorted(found)] for lease, found in tenants.items()}

    def row_tenants(self, row: dict[str, Any]) -> list[int]:
        return self._row_tenants.get(row["id"], [])

    def row_allowed_transitions(self, row: dict[str, Any]) -> list[str]:
        return list(TRANSITIONS.get(row["status"], ()))


class _Tenants(StrictInput):
    tenants = ScopedPrimaryKeyRelatedField(Person, many=True, required=False,
                                           help_text="Ids of the people on the lease; the first is the primary tenant.")


@extend_schema_serializer(examples=[OpenApiExample("A fixed-term lease", request_only=True,
                                                   value={k: v for k, v in _EXAMPLE.items() if v != ""})])
class LeaseCreateSerializer(_Tenants):
    home = ScopedPrimaryKeyRelatedField(Home)
    status = serializers.ChoiceField(choices=LeaseStatus.choices, required=False, default=LeaseStatus.DRAFT,
                                     help_text="Usually omitted (draft); set it to import a lease already running.")

    class Meta:
        model = Lease
        fields = ["home", "tenants", "status", *EDITABLE]
        extra_kwargs = TERMS


@extend_schema_serializer(examples=[OpenApiExample("Raise the rent", request_only=True, value={"rent": "1800.00"})])
class LeaseUpdateSerializer(_Tenants):
    """The home is fixed; the status changes only through the transition action."""

    field_hints = {"status": "Change the status with POST /api/v1/leases/{id}/transition/.",
                   "home": "A lease's home is fixed at creation."}

    class Meta:
        model = Lease
        fields = ["tenants", *EDITABLE]
        extra_kwargs = TERMS


@extend_schema_serializer(examples=[OpenApiExample("Activate", request_only=True, value={"status": "active"})])
class LeaseTransitionSerializer(StrictMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=LeaseStatus.choices, help_text="The status to move to.")
