"""Document pages: list with filters, upload, authorized download, delete with confirmation.

Downloads are found through ``scoped`` (another organization's document is a 404, not a 403: its existence is
none of the caller's business) and always served as attachments with the type the bytes were checked to be.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from portal.accounts.scoping import scoped
from portal.documents import services
from portal.documents.forms import TARGETS, DocumentFilterForm, UploadForm
from portal.documents.models import Document
from portal.web.forms import add_domain_error
from portal.web.paging import paginate
from portal.web.permissions import member_required, write_required


def _document(request: HttpRequest, pk: int) -> Document:
    documents = scoped(Document, request.tenant).select_related("home", "lease__home", "location")  # type: ignore[attr-defined]
    return get_object_or_404(documents, pk=pk)


def target_url(doc: Document) -> str:
    """Where the record a document is attached to lives in the portal."""
    if doc.lease_id:
        return reverse("leases:detail", args=[doc.lease_id])
    if doc.home_id:
        return reverse("homes:detail", args=[doc.home_id])
    return reverse("locations:tree") + f"#location-{doc.location_id}"


@member_required
def document_list(request: HttpRequest) -> HttpResponse:
    filters = DocumentFilterForm(request.GET or None)
    documents = filters.apply(scoped(Document, request.tenant))  # type: ignore[attr-defined]
    documents = documents.select_related("home", "lease__home", "location").order_by("-created_at", "-id")
    page_obj = paginate(request, documents)
    rows = list(page_obj.object_list)
    for doc in rows:
        doc.target_url = target_url(doc)  # type: ignore[attr-defined]
    filtered = any(request.GET.get(k) for k in ("q", "category", "attached"))
    context = {"filters": filters, "page_obj": page_obj, "documents": rows, "filtered": filtered}
    template = "documents/_results.html" if request.htmx and not request.htmx.boosted else "documents/list.html"
    return render(request, template, context)


@write_required
def document_upload(request: HttpRequest) -> HttpResponse:
    """GET ``?home=<id>`` (or ``lease``, ``location``) preselects the record the document is for."""
    tenant = request.tenant  # type: ignore[attr-defined]
    initial = {kind: request.GET.get(kind) for kind in TARGETS if request.GET.get(kind)}
    form = UploadForm(tenant, request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.create_document(tenant.organization, target=form.target, **form.service_fields())
        except ValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"“{doc.title}” was uploaded.")
            return redirect(target_url(doc))
    status = 400 if form.errors else 200
    return render(request, "documents/upload.html", {"form": form}, status=status)


@never_cache
@member_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document(request, pk)
    if doc.external_url:
        return HttpResponseRedirect(doc.external_url)
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file of this document is missing from storage.") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=doc.original_name or f"document-{doc.pk}",
        content_type=doc.content_type or "application/octet-stream",
    )
    # Never let a browser guess a type and render the file inline (an upload could be crafted to look like HTML).
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@write_required
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation page. POST: delete the document (and its stored file once committed)."""
    doc = _document(request, pk)
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    if request.method == "POST":
        title = doc.title
        services.delete_document(doc)
        messages.success(request, f"“{title}” was deleted.")
        return redirect(back or "documents:list")
    return render(request, "documents/delete.html", {"doc": doc, "next": back, "target_url": target_url(doc)})
