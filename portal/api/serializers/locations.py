from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer

from portal.api.serializers.base import Output, ScopedPrimaryKeyRelatedField, StrictInput
from portal.locations.models import Location
from portal.locations.services import EDITABLE_FIELDS

EDITABLE = ["name", "display_name", "abbreviation", "external_id", "address_line1", "address_line2", "city", "state",
            "postal_code", "country"]
assert set(EDITABLE) == EDITABLE_FIELDS, "the API's editable location fields follow the service's"


@extend_schema_serializer(examples=[OpenApiExample("A neighborhood", response_only=True, value={
    "id": 42, "parent": 17, "kind": "neighborhood", "name": "Cove", "display_name": "Cove at Bay Lakes",
    "abbreviation": "COV", "external_id": "BB-N-88", "is_active": True, "address_line1": "", "address_line2": "",
    "city": "", "state": "", "postal_code": "", "country": "US", "path": "/3/17/42/", "depth": 2,
    "created_at": "2026-01-05T14:03:11.204Z", "updated_at": "2026-02-01T09:30:00.000Z",
})])
class LocationSerializer(Output):
    class Meta:
        model = Location
        fields = ["id", "parent", "kind", *EDITABLE[:4], "is_active", *EDITABLE[4:], "path", "depth",
                  "created_at", "updated_at"]
        read_only_fields = fields


@extend_schema_serializer(examples=[OpenApiExample("A neighborhood under a master community", request_only=True,
                                                   value={"parent": 17, "kind": "neighborhood", "name": "Cove",
                                                          "external_id": "BB-N-88"})])
class LocationCreateSerializer(StrictInput):
    parent = ScopedPrimaryKeyRelatedField(Location, required=False, allow_null=True,
                                          help_text="The parent location's id; omit or null for the top of the tree.")

    class Meta:
        model = Location
        fields = ["parent", "kind", *EDITABLE]


@extend_schema_serializer(examples=[OpenApiExample("Rename", request_only=True, value={"name": "Cove North"})])
class LocationUpdateSerializer(StrictInput):
    """Kind and parent are fixed at creation; activation has its own actions."""

    field_hints = {"kind": "A location's kind is fixed at creation.",
                   "parent": "A location's parent is fixed at creation.",
                   "is_active": "Use POST /api/v1/locations/{id}/activate/ or /deactivate/."}

    class Meta:
        model = Location
        fields = EDITABLE
