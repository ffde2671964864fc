"""The public webhook endpoint: /integrations/webhooks/<vendor>/<connection id>/ (no session, no CSRF)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from integrations import webhooks
from integrations.models import Connection
from integrations.registry import UnknownVendor, VendorUnavailable

MAX_BODY = 1024 * 1024  # vendors' notifications are small; anything bigger is not one


@csrf_exempt
@require_POST
def receive(request: HttpRequest, vendor: str, connection_id: int) -> JsonResponse:
    connection = Connection.objects.filter(pk=connection_id, vendor=vendor).first()
    if connection is None:
        return JsonResponse({"error": "No such webhook endpoint."}, status=404)
    if int(request.headers.get("Content-Length") or 0) > MAX_BODY:
        return JsonResponse({"error": "Body too large."}, status=413)
    try:
        status, body = webhooks.receive(connection, request.headers, request.body)
    except (UnknownVendor, VendorUnavailable):
        return JsonResponse({"error": "This vendor is not available."}, status=404)
    return JsonResponse(body, status=status)
