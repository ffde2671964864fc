"""Document admin: uploads are checked by content (validate_upload) and stored through create_document."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat

from portal.core.admin import DerivedOrgForm, ScopedAdmin, ScopedInline, add_domain_error, changed_values
from portal.documents import services
from portal.documents.models import Document

TARGETS = ("home", "lease", "location")


def check_new_document(form: forms.ModelForm, target: Model | None) -> None:
    """The rules create_document applies, run while the form can still show them."""
    cleaned = form.cleaned_data
    upload, url = cleaned.get("file"), cleaned.get("external_url")
    try:
        if target is None:
            raise ValidationError("Attach the document to a home, a lease or a location (one of them).")
        if bool(upload) == bool(url):
            raise ValidationError("Attach either a file or an external URL (one of them).")
        if upload:
            services.validate_upload(upload)
    except ValidationError as exc:
        add_domain_error(form, exc)


class DocumentForm(DerivedOrgForm):
    class Meta:
        model = Document
        fields = ["home", "lease", "location", "category", "title", "file", "external_url", "external_id",
                  "display_start", "display_end", "shareable"]

    def target(self) -> Model | None:
        chosen = [self.cleaned_data.get(name) for name in TARGETS if self.cleaned_data.get(name)]
        if len(chosen) > 1:
            raise ValidationError("Attach the document to one record only: a home, a lease or a location.")
        return chosen[0] if chosen else None

    def derived_organization_id(self) -> int | None:
        target = self.instance.target if self.instance.pk else self._target
        return getattr(target, "organization_id", None)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._target = None
        if self.instance.pk is None:
            try:
                self._target = self.target()
            except ValidationError as exc:
                add_domain_error(self, exc)
                return cleaned
            check_new_document(self, self._target)
        return cleaned


class DocumentInlineForm(DerivedOrgForm):
    class Meta:
        model = Document
        fields = ["category", "title", "file", "external_url", "shareable"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk is None and self.has_changed():
            check_new_document(self, getattr(self, "parent_instance", None))
        elif "file" in self.changed_data:
            self.add_error("file", "A stored file cannot be replaced: add a new document instead.")
        return cleaned


class DocumentInline(ScopedInline):
    model = Document
    form = DocumentInlineForm
    fields = ["category", "title", "file", "external_url", "shareable", "size"]
    readonly_fields = ["size"]

    def create_through_service(self, request: HttpRequest, parent: Model, row: forms.ModelForm) -> None:
        data = row.cleaned_data
        services.create_document(
            parent.organization, target=parent, title=data["title"], file=data.get("file") or None,  # type: ignore[attr-defined]
            external_url=data.get("external_url") or "", category=data["category"], shareable=data["shareable"],
        )

    def update_through_service(self, request: HttpRequest, parent: Model, row: forms.ModelForm) -> None:
        services.update_document(Document.objects.get(pk=row.instance.pk),
                                 **changed_values(row, services.EDITABLE_FIELDS))

    def delete_through_service(self, request: HttpRequest, obj: Model) -> None:
        services.delete_document(obj)  # type: ignore[arg-type]


@admin.register(Document)
class DocumentAdmin(ScopedAdmin):
    form = DocumentForm
    list_display = ["title", "category", "attached_to", "organization", "content_type", "readable_size",
                    "shareable", "created_at"]
    list_filter = ["category", "shareable", ("organization", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["organization", "home", "lease__home", "location"]
    search_fields = ["title", "original_name", "external_id", "external_url"]
    autocomplete_fields = ["home", "lease", "location"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return list(DocumentForm.Meta.fields)
        return ["organization", "attached_to", "stored_file", "category", "title", "external_url", "external_id",
                "display_start", "display_end", "shareable", "content_type", "readable_size", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        readonly = ["organization", "attached_to", "stored_file", "content_type", "readable_size", "created_at"]
        return [*readonly, "external_url"] if obj.file else readonly

    @admin.display(description="Attached to")
    def attached_to(self, obj: Document) -> str:
        target = obj.target
        return f"{target._meta.verbose_name.capitalize()}: {target}" if target is not None else "—"

    @admin.display(description="File")
    def stored_file(self, obj: Document) -> str:
        # The storage URL is never linked: downloads go through the portal's authorized view.
        return obj.original_name or "—"

    @admin.display(description="Size", ordering="size")
    def readable_size(self, obj: Document) -> str:
        return filesizeformat(obj.size) if obj.file else "—"

    def save_through_service(self, request: HttpRequest, obj: Document, form: Any, change: bool) -> Document:
        data = form.cleaned_data
        if change:
            return services.update_document(Document.objects.get(pk=obj.pk),
                                            **changed_values(form, services.EDITABLE_FIELDS))
        extra = {k: data[k] for k in services.EDITABLE_FIELDS - {"external_url", "title"} if k in data}
        return services.create_document(
            form._target.organization, target=form._target, title=data["title"], file=data.get("file") or None,
            external_url=data.get("external_url") or "", **extra,
        )

    def delete_model(self, request: HttpRequest, obj: Document) -> None:
        services.delete_document(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for doc in queryset:
            services.delete_document(doc)
