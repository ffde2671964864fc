"""Forms of the document pages: upload (attached to one home, lease or location) and the list filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from portal.accounts.scoping import Tenant
from portal.documents.models import Category
from portal.homes.pickers import fill_pickers, picker_field

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TARGETS = ("home", "lease", "location")


class UploadForm(forms.Form):
    """A new document: what it is, what it belongs to, and either a file or a link."""

    title = forms.CharField(max_length=200)
    category = forms.ChoiceField(choices=Category.choices, initial=Category.OTHER)
    home = forms.Field(required=False)  # the three pickers are built in __init__ from the tenant's records
    lease = forms.Field(required=False)
    location = forms.Field(required=False)
    file = forms.FileField(required=False, help_text="PDF, images, text, CSV, Word or Excel; up to the size limit.")
    external_url = forms.URLField(
        required=False, max_length=1000, label="External URL", assume_scheme="https",
        help_text="Instead of a file: a link to where the document lives.",
    )
    display_start = forms.DateTimeField(widget=DATETIME, required=False, label="Show from")
    display_end = forms.DateTimeField(widget=DATETIME, required=False, label="Show until")
    shareable = forms.BooleanField(required=False, label="Shareable with residents and owners")

    def __init__(self, tenant: Tenant, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        helps = {"home": "Attach to a home…", "lease": "…or to a lease…", "location": "…or to a location."}
        for kind in TARGETS:
            self.fields[kind] = picker_field(
                kind, tenant, required=False, label=f"Attach to {kind}", help_text=helps[kind], empty_label="—"
            )
        fill_pickers(self, tenant)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = [kind for kind in TARGETS if data.get(kind) is not None]
        if len(chosen) != 1:
            raise forms.ValidationError(
                "Choose exactly one record to attach the document to: a home, a lease or a location.",
                code="one_target",
            )
        if bool(data.get("file")) == bool(data.get("external_url")):
            raise forms.ValidationError(
                "Attach either a file or an external URL (one of them).", code="file_or_url"
            )
        start, end = data.get("display_start"), data.get("display_end")
        if start and end and end < start:
            self.add_error("display_end", "“Show until” is before “Show from”.")
        return data

    @property
    def target(self) -> Any:
        return next(self.cleaned_data[kind] for kind in TARGETS if self.cleaned_data.get(kind) is not None)

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"], "category": data["category"], "file": data.get("file") or None,
            "external_url": data.get("external_url") or "", "display_start": data.get("display_start"),
            "display_end": data.get("display_end"), "shareable": data["shareable"],
        }


class DocumentFilterForm(forms.Form):
    ATTACHED = [("", "Anything"), ("home", "Homes"), ("lease", "Leases"), ("location", "Locations")]

    q = forms.CharField(required=False, max_length=200, label="Search documents")
    category = forms.ChoiceField(choices=[("", "Any category"), *Category.choices], required=False)
    attached = forms.ChoiceField(choices=ATTACHED, required=False, label="Attached to")

    def apply(self, documents: QuerySet) -> QuerySet:
        if not self.is_valid():
            return documents
        data = self.cleaned_data
        if data["category"]:
            documents = documents.filter(category=data["category"])
        if data["attached"]:
            documents = documents.filter(**{f"{data['attached']}__isnull": False})
        for word in data["q"].split():
            documents = documents.filter(
                Q(title__icontains=word) | Q(original_name__icontains=word) | Q(external_id__iexact=word)
            )
        return documents
