"""The comparison for the API benchmark: a plain Django view, one query, the same rows and fields as JSON."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from portal.api.serializers.homes import HomeSerializer
from portal.homes.models import Home

FIELDS = [("location_id" if name == "location" else name) for name in HomeSerializer.Meta.fields]


def bare_homes(request: HttpRequest) -> JsonResponse:
    """?org=<id>&after=<home id>&page_size=100: the next rows by id, like the API's keyset page (no auth)."""
    org = int(request.GET["org"])
    after = int(request.GET.get("after", 0))
    size = min(100, int(request.GET.get("page_size", 100)))
    rows = list(Home.objects.filter(organization_id=org, id__gt=after).order_by("id").values(*FIELDS)[:size])
    return JsonResponse({"results": rows})
