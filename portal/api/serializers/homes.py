from __future__ import annotations

from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from portal.api.serializers.base import Output, ScopedPrimaryKeyRelatedField, StrictInput
from portal.homes.models import Home, Homeownership, Person
from portal.homes.services import HOME_FIELDS, PERSON_FIELDS
from portal.locations.models import Location

HOME_EDITABLE = ["external_id", "address_line1", "address_line2", "city", "state", "postal_code", "country",
                 "home_type", "unit_number", "bedrooms", "bathrooms", "size_sqft", "market_rent", "status"]
PERSON_EDITABLE = ["external_id", "prefix", "first_name", "middle_name", "last_name", "suffix", "email",
                   "alternate_email", "phone", "alternate_phone"]
assert set(HOME_EDITABLE) == HOME_FIELDS and set(PERSON_EDITABLE) == PERSON_FIELDS
TIMESTAMPS = ["created_at", "updated_at"]
_HOME_EXAMPLE = {"location": 42, "external_id": "BB-H-1001", "address_line1": "12 Elm St", "city": "Dayton",
                 "state": "OH", "postal_code": "45402", "home_type": "single_family", "bedrooms": 3,
                 "bathrooms": "2.5", "size_sqft": 1850, "market_rent": "1750.00", "status": "active"}


@extend_schema_serializer(examples=[OpenApiExample("A home", response_only=True, value={
    "id": 7, **_HOME_EXAMPLE, "address_line2": "", "country": "US", "unit_number": "",
    "created_at": "2026-01-05T14:03:11.204Z", "updated_at": "2026-01-05T14:03:11.204Z"})])
class HomeSerializer(Output):
    class Meta:
        model = Home
        fields = ["id", "location", *HOME_EDITABLE, *TIMESTAMPS]
        read_only_fields = fields


@extend_schema_serializer(examples=[OpenApiExample("A single-family home", request_only=True, value=_HOME_EXAMPLE)])
class HomeInputSerializer(StrictInput):
    location = ScopedPrimaryKeyRelatedField(Location, help_text="A neighborhood or property (active).")
    # Any case is fine: the service stores it upper-cased, as the portal's form does.
    state = serializers.CharField(max_length=2, trim_whitespace=False, validators=[
        RegexValidator(r"^[A-Za-z]{2}$", "Use the two-letter state code, e.g. OH.")])

    class Meta:
        model = Home
        fields = ["location", *HOME_EDITABLE]


_PERSON_EXAMPLE = {"first_name": "Ada", "last_name": "Park", "email": "ada.park@example.com",
                   "phone": "+1 937 555 0100"}


@extend_schema_serializer(examples=[OpenApiExample("A person", response_only=True, value={
    "id": 5, "external_id": "", "prefix": "", "middle_name": "", "suffix": "", "alternate_email": "",
    "alternate_phone": "", **_PERSON_EXAMPLE, "created_at": "2026-01-05T14:03:11.204Z",
    "updated_at": "2026-01-05T14:03:11.204Z"})])
class PersonSerializer(Output):
    class Meta:
        model = Person
        fields = ["id", *PERSON_EDITABLE, *TIMESTAMPS]
        read_only_fields = fields


@extend_schema_serializer(examples=[OpenApiExample("A person", request_only=True, value=_PERSON_EXAMPLE)])
class PersonInputSerializer(StrictInput):
    class Meta:
        model = Person
        fields = PERSON_EDITABLE


@extend_schema_serializer(examples=[OpenApiExample("Ada owns home 7", response_only=True, value={
    "id": 3, "home": 7, "person": 5, "ownership_type": "primary", "created_at": "2026-01-05T14:03:11.204Z",
    "updated_at": "2026-01-05T14:03:11.204Z"})])
class HomeownershipSerializer(Output):
    class Meta:
        model = Homeownership
        fields = ["id", "home", "person", "ownership_type", *TIMESTAMPS]
        read_only_fields = fields


@extend_schema_serializer(examples=[OpenApiExample("Ada owns home 7", request_only=True,
                                                   value={"home": 7, "person": 5, "ownership_type": "primary"})])
class HomeownershipCreateSerializer(StrictInput):
    home = ScopedPrimaryKeyRelatedField(Home)
    person = ScopedPrimaryKeyRelatedField(Person)

    class Meta:
        model = Homeownership
        fields = ["home", "person", "ownership_type"]


@extend_schema_serializer(examples=[OpenApiExample("Make it a secondary home", request_only=True,
                                                   value={"ownership_type": "secondary"})])
class HomeownershipUpdateSerializer(StrictInput):
    """Only the type changes; to link another person or home, create a new homeownership."""

    field_hints = {name: "To link another person or home, create a new homeownership." for name in ("home", "person")}

    class Meta:
        model = Homeownership
        fields = ["ownership_type"]
