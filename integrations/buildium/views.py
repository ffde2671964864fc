"""Serve a document pulled from Buildium: ask Buildium for a fresh download URL and redirect to it.

Pulled files are kept as references (Document.external_url points here), not copied: Buildium's download URLs
expire after 5 minutes, so each click asks for a new one through the connection that pulled the file.
Mount with: path("buildium/files/<int:file_id>/", buildium_views.download_file, name="buildium-file").
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET

from integrations.context import opened
from integrations.errors import NotFound, VendorError
from integrations.models import ExternalRef
from portal.accounts.scoping import scoped
from portal.documents.models import Document


@login_required
@require_GET
def download_file(request: HttpRequest, file_id: int) -> HttpResponse:
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        raise Http404("No organization selected.")
    ct = ContentType.objects.get_for_model(Document)
    refs = ExternalRef.objects.filter(
        connection__organization=tenant.organization,
        connection__vendor="buildium",
        stream="files",
        vendor_id=str(file_id),
        content_type=ct,
    ).select_related("connection")
    visible = set(scoped(Document, tenant).filter(pk__in=[r.object_id for r in refs]).values_list("pk", flat=True))
    ref = next((r for r in refs if r.object_id in visible), None)  # scoped: a member sees only their subtree
    if ref is None:
        raise Http404("No such document.")
    try:
        with opened(ref.connection) as ctx:
            url = ctx.client.download_url(file_id)  # type: ignore[attr-defined]
    except NotFound as exc:
        raise Http404("Buildium no longer has this file.") from exc
    except VendorError as exc:
        return HttpResponse(
            f"Buildium could not provide the file right now: {exc.message}", status=502, content_type="text/plain"
        )
    return HttpResponseRedirect(url)
