from __future__ import annotations

from typing import Any

from django import forms

from portal.locations.models import ALLOWED_CHILDREN, Kind, Location
from portal.web.forms import ServiceModelForm

LOCATION_FIELDS = [
    "name", "display_name", "abbreviation", "external_id",
    "address_line1", "address_line2", "city", "state", "postal_code", "country",
]


class LocationForm(ServiceModelForm):
    """Edit a location's own fields (its kind and place in the tree never change here)."""

    class Meta:
        model = Location
        fields = LOCATION_FIELDS
        labels = {"address_line1": "Address line 1", "address_line2": "Address line 2", "external_id": "External id"}


class NewLocationForm(LocationForm):
    """Create a location: only the kinds allowed under ``parent`` are offered.

    The field accepts any known kind so that a forged one reaches the service, whose refusal names the kinds
    allowed here (the same words the API and the import show).
    """

    kind = forms.ChoiceField(choices=Kind.choices)

    class Meta(LocationForm.Meta):
        fields = ["kind", *LOCATION_FIELDS]

    def __init__(self, *args: Any, parent: Location | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_CHILDREN[parent.kind if parent else None]
        self.fields["kind"].widget.choices = [(k, Kind(k).label) for k in allowed]
        self.order_fields(["kind"])
