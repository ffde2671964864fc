"""Forms of the lease pages: create/edit (terms and tenants), the list filters, and a transition."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from portal.accounts.scoping import Tenant, scoped
from portal.homes.pickers import fill_pickers, picker_field
from portal.leases.models import Lease, LeaseStatus, LeaseType
from portal.locations.models import Location

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}


class LeaseForm(forms.Form):
    """Terms and tenants of a lease. On edit the home is fixed (a lease does not move to another home)."""

    home = forms.Field()  # replaced by a picker in __init__
    tenants = forms.Field()
    lease_type = forms.ChoiceField(choices=LeaseType.choices, initial=LeaseType.FIXED, label="Lease type")
    start_date = forms.DateField(widget=DATE, label="Start date")
    end_date = forms.DateField(
        widget=DATE, required=False, label="End date", help_text="Required unless the lease is at will."
    )
    rent = forms.DecimalField(label="Monthly rent", **MONEY)
    deposit = forms.DecimalField(label="Deposit", initial=Decimal("0"), required=False, **MONEY)
    due_day = forms.IntegerField(
        min_value=1, max_value=31, initial=1, label="Rent due day", help_text="Day of the month rent is due (1–31)."
    )
    external_id = forms.CharField(max_length=100, required=False, label="External id")

    def __init__(self, tenant: Tenant, *args: Any, lease: Lease | None = None, **kwargs: Any) -> None:
        if lease is not None:
            kwargs.setdefault("initial", {
                "tenants": [lt.person_id for lt in lease.lease_tenants.all()],
                **{name: getattr(lease, name) for name in
                   ("lease_type", "start_date", "end_date", "rent", "deposit", "due_day", "external_id")},
            })
        super().__init__(*args, **kwargs)
        self.lease = lease
        if lease is None:
            self.fields["home"] = picker_field("home", tenant, label="Home", empty_label="Choose a home",
                                               help_text="Type part of the address to find the home.")
        else:
            del self.fields["home"]
        self.fields["tenants"] = picker_field(
            "person", tenant, multiple=True, label="Tenants", required=False,
            help_text="Type a name or e-mail to find people; hold Ctrl (⌘ on a Mac) to choose several. "
                      "The first chosen is the primary tenant.",
        )
        self.order_fields(["home", "tenants"])
        fill_pickers(self, tenant)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date is before the start date.")
        if data.get("deposit") is None:
            data["deposit"] = Decimal("0")
        return data

    def terms(self) -> dict[str, Any]:
        """The fields the lease services accept, from the cleaned data."""
        names = ("lease_type", "start_date", "end_date", "rent", "deposit", "due_day", "external_id")
        return {name: self.cleaned_data[name] for name in names}


class LeaseFilterForm(forms.Form):
    """The lease list's filters; invalid values are ignored rather than failing the page."""

    status = forms.ChoiceField(choices=[("", "Any status"), *LeaseStatus.choices], required=False)
    ending_before = forms.DateField(widget=DATE, required=False, label="Ending before")
    location = forms.ModelChoiceField(queryset=Location.objects.none(), required=False, empty_label="Anywhere")

    def __init__(self, tenant: Tenant, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["location"]
        field.queryset = scoped(Location, tenant).only("id", "name", "kind", "depth", "path")  # type: ignore[attr-defined]
        # Indented by depth so the select reads like the tree.
        field.label_from_instance = lambda loc: f"{"\u00a0\u00a0" * loc.depth}{loc.name}"  # type: ignore[attr-defined]

    def apply(self, leases: QuerySet) -> QuerySet:
        if not self.is_valid():
            return leases
        data = self.cleaned_data
        if data["status"]:
            leases = leases.filter(status=data["status"])
        if data["ending_before"]:
            leases = leases.filter(end_date__lt=data["ending_before"])
        if data["location"] is not None:
            leases = leases.filter(home__location__path__startswith=data["location"].path)
        return leases


class TransitionForm(forms.Form):
    """The target status of a transition; any status is accepted here, the service decides what is allowed."""

    status = forms.ChoiceField(choices=LeaseStatus.choices)
