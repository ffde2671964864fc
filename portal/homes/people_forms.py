"""Forms of the people pages. They only collect and check input; the homes services make the change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import model_to_dict

from portal.accounts.scoping import Tenant
from portal.homes.models import OwnershipType, Person
from portal.homes.pickers import fill_pickers, picker_field
from portal.homes.services import PERSON_FIELDS

PERSON_FORM_FIELDS = [
    "prefix", "first_name", "middle_name", "last_name", "suffix",
    "email", "phone", "alternate_email", "alternate_phone", "external_id",
]


class PersonForm(forms.Form):
    """A person's name and contact details (a plain form: the instance is only changed by the service)."""

    prefix = forms.CharField(max_length=20, required=False)
    first_name = forms.CharField(max_length=100, label="First name")
    middle_name = forms.CharField(max_length=100, required=False, label="Middle name")
    last_name = forms.CharField(max_length=100, label="Last name")
    suffix = forms.CharField(max_length=20, required=False)
    email = forms.EmailField(required=False, label="E-mail")
    phone = forms.CharField(max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    alternate_email = forms.EmailField(required=False, label="Alternate e-mail")
    alternate_phone = forms.CharField(
        max_length=30, required=False, label="Alternate phone", widget=forms.TextInput(attrs={"type": "tel"})
    )
    external_id = forms.CharField(
        max_length=100, required=False, label="External id", help_text="Your own id for this person, if any."
    )

    @classmethod
    def for_person(cls, person: Person, data: Any = None) -> PersonForm:
        return cls(data, initial=model_to_dict(person, fields=PERSON_FORM_FIELDS))

    def changes(self) -> dict[str, Any]:
        """The cleaned values, by the names the service accepts."""
        return {name: value for name, value in self.cleaned_data.items() if name in PERSON_FIELDS}


class LinkHomeForm(forms.Form):
    """Make a person an owner of a home, of a given type."""

    home = forms.ModelChoiceField(queryset=Person.objects.none())
    ownership_type = forms.ChoiceField(
        choices=OwnershipType.choices, initial=OwnershipType.PRIMARY, label="Ownership type"
    )

    def __init__(self, tenant: Tenant, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home"] = picker_field(
            "home", tenant, label="Home", help_text="Type part of the address to find the home.",
            empty_label="Choose a home",
        )
        fill_pickers(self, tenant)


class PersonSearchForm(forms.Form):
    q = forms.CharField(required=False, label="Search people", max_length=200)
