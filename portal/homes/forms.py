"""Forms of the homes pages: edit a home, and filter/sort the homes list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import F, QuerySet

from portal.accounts.scoping import Tenant, scoped
from portal.homes.models import Home, HomeStatus, HomeType
from portal.leases.models import LeaseStatus
from portal.locations.models import HOME_PARENT_KINDS, Location
from portal.web.dashboard import lease_exists, occupied_filter
from portal.web.forms import ServiceModelForm

HOME_FORM_FIELDS = [
    "location", "external_id", "address_line1", "address_line2", "unit_number", "city", "state", "postal_code",
    "country", "home_type", "bedrooms", "bathrooms", "size_sqft", "market_rent", "status",
]


class LocationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Location) -> str:
        inactive = "" if obj.is_active else " (inactive)"
        return f"{obj.name} — {obj.get_kind_display().lower()}{inactive}"


class HomeForm(ServiceModelForm):
    """Parses a home; the services validate it (state, postal code, an active neighborhood or property)."""

    location = LocationChoiceField(queryset=Location.objects.none(), help_text="A neighborhood or a property.")

    class Meta:
        model = Home
        fields = HOME_FORM_FIELDS
        labels = {
            "address_line1": "Address line 1", "address_line2": "Address line 2", "external_id": "External id",
            "size_sqft": "Size (sq ft)", "market_rent": "Market rent", "home_type": "Type",
            "postal_code": "Postal code", "unit_number": "Unit number",
        }
        help_texts = {"state": "Two letters, e.g. OH.", "external_id": "Your own id for it (used by CSV import)."}

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Inactive locations stay listed: choosing one is refused with the service's reason, not hidden.
        self.fields["location"].queryset = scoped(Location, tenant).filter(kind__in=HOME_PARENT_KINDS).order_by(
            "name", "pk"
        )
        self.fields["state"].widget.attrs.update({"maxlength": 2, "autocapitalize": "characters", "size": 3})

    def clean_state(self) -> str:
        return (self.cleaned_data.get("state") or "").strip().upper()


class HomeRowForm(ServiceModelForm):
    """One CSV row of the homes import: the same fields and parsing as the home form, without the location
    (the import finds it by external id or name)."""

    class Meta:
        model = Home
        fields = [name for name in HOME_FORM_FIELDS if name != "location"]

    def clean_state(self) -> str:
        return (self.cleaned_data.get("state") or "").strip().upper()


SORTS = {
    "address": ("address_line1", "unit_number", "id"),
    "city": ("city", "address_line1", "id"),
    "rent": ("market_rent", "id"),
    "updated": ("updated_at", "id"),
}
YES_NO = [("", "Any"), ("yes", "Yes"), ("no", "No")]


class HomeFilterForm(forms.Form):
    """The homes list's filters and sort, read from the query string (bad values are ignored, not errors)."""

    location = LocationChoiceField(queryset=Location.objects.none(), required=False, empty_label="All locations",
                                   label="Location (and below)")
    home_type = forms.ChoiceField(choices=[("", "Any type"), *HomeType.choices], required=False, label="Type")
    status = forms.ChoiceField(choices=[("", "Any status"), *HomeStatus.choices], required=False)
    occupied = forms.ChoiceField(choices=YES_NO, required=False, help_text="A lease that is active or renewed.")
    active_lease = forms.ChoiceField(choices=YES_NO, required=False, label="Has an active lease")
    sort = forms.ChoiceField(
        choices=[(k, k) for key in SORTS for k in (key, f"-{key}")], required=False, widget=forms.HiddenInput
    )

    def __init__(self, data: Any, *, tenant: Tenant) -> None:
        super().__init__(data)
        self.tenant = tenant
        self.fields["location"].queryset = scoped(Location, tenant).order_by("path")

    @property
    def current_sort(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("sort") or "address"

    def filter(self, homes: QuerySet[Home]) -> QuerySet[Home]:
        """The filtered, sorted homes; an invalid filter (e.g. a location not visible here) matches nothing."""
        if not self.is_valid() and any(name != "sort" for name in self.errors):
            return homes.none()
        data = self.cleaned_data
        if data.get("location"):
            homes = homes.filter(location__path__startswith=data["location"].path)
        if data.get("home_type"):
            homes = homes.filter(home_type=data["home_type"])
        if data.get("status"):
            homes = homes.filter(status=data["status"])
        if data.get("occupied"):
            occupied = occupied_filter(self.tenant)
            homes = homes.filter(occupied if data["occupied"] == "yes" else ~occupied)
        if data.get("active_lease"):
            active = lease_exists(status=LeaseStatus.ACTIVE)
            homes = homes.filter(active if data["active_lease"] == "yes" else ~active)
        sort = self.current_sort
        descending = sort.startswith("-")
        # Homes without a value (e.g. no market rent) come last either way, on every database.
        return homes.order_by(*(
            F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
            for name in SORTS[sort.lstrip("-")]
        ))
