from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.web.permissions import member_required


@member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "web/dashboard.html", {})


@member_required
def search(request: HttpRequest) -> HttpResponse:
    return render(request, "web/search.html", {"search_query": request.GET.get("q", "")})
