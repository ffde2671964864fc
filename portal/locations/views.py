from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.web.permissions import member_required


@member_required
def tree(request: HttpRequest) -> HttpResponse:
    return render(request, "locations/tree.html", {})
