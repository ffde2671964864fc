"""CSV import pages: upload, preview ("would create N, update M, K rows with errors"), apply or cancel."""

from __future__ import annotations

import os

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.accounts.scoping import scoped
from portal.homes import exports, imports
from portal.homes.models import HomeImport
from portal.web.permissions import member_required, write_required


class UploadForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8, with the template's header row; at most 2 MB.")


def _pending(request: HttpRequest, pk: int) -> HomeImport:
    """The user's own pending import (someone else's, or another organization's, is a 404)."""
    batches = scoped(HomeImport, request.tenant).filter(  # type: ignore[attr-defined]
        created_by=request.user, status=HomeImport.Status.PENDING
    )
    return get_object_or_404(batches, pk=pk)


@member_required
def template(request: HttpRequest) -> StreamingHttpResponse:
    return exports.template_response()


@write_required
def upload(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = os.path.basename(upload.name or "homes.csv")[:255]
        try:
            if upload.size > imports.MAX_BYTES:
                raise imports.FileRefused(
                    f"The file is larger than {imports.MAX_BYTES // (1024 * 1024)} MB: split it into smaller files."
                )
            text = imports.decode(upload.read())
            result = imports.preview(tenant, text)
        except imports.FileRefused as exc:
            form.add_error("file", str(exc))
        else:
            imports.drop_stale_previews(scoped(HomeImport, tenant))
            batch = HomeImport.objects.create(
                organization=tenant.organization, created_by=request.user, file_name=name, content=text,
                creates=result.creates, updates=result.updates, error_rows=len(result.refused),
            )
            return redirect("homes:import_preview", pk=batch.pk)
    return render(request, "homes/import_upload.html", {"form": form, "max_rows": imports.MAX_ROWS,
                                                        "columns": exports.COLUMNS,
                                                        "required": imports.REQUIRED_COLUMNS},
                  status=400 if form.errors else 200)


@write_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _pending(request, pk)
    result = imports.preview(request.tenant, batch.content)  # type: ignore[attr-defined]
    return render(request, "homes/import_preview.html", {"batch": batch, "result": result})


@require_POST
@write_required
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    batch = _pending(request, pk)
    result = imports.preview(tenant, batch.content)
    if (result.creates, result.updates, len(result.refused)) != (batch.creates, batch.updates, batch.error_rows):
        # The homes changed since the preview: apply only what the user has seen.
        batch.creates, batch.updates, batch.error_rows = result.creates, result.updates, len(result.refused)
        batch.save(update_fields=["creates", "updates", "error_rows", "updated_at"])
        messages.warning(request, "Homes changed since this preview. Review the new preview, then apply again.")
        return redirect("homes:import_preview", pk=batch.pk)
    try:
        created, updated = imports.apply(tenant, result, file_name=batch.file_name, user=request.user)
    except imports.ApplyFailed as exc:
        messages.error(request, f"Nothing was imported. {exc}")
        return redirect("homes:import_preview", pk=batch.pk)
    batch.status, batch.applied_at, batch.content = HomeImport.Status.APPLIED, timezone.now(), ""
    batch.save(update_fields=["status", "applied_at", "content", "updated_at"])
    skipped = len(result.refused)
    note = f" {skipped} row{'s' if skipped != 1 else ''} with errors skipped." if skipped else ""
    messages.success(request, f"Imported {batch.file_name}: {created} created, {updated} updated.{note}")
    return redirect("homes:list")


@require_POST
@write_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _pending(request, pk)
    batch.delete()
    messages.info(request, "Import cancelled: nothing was changed.")
    return redirect("homes:list")
