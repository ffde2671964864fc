"""The dashboard and the global search."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from portal.web import charts
from portal.web import dashboard as figures
from portal.web.history import recent_changes
from portal.web.htmx import is_partial_request
from portal.web.permissions import member_required
from portal.web.search import LIMIT, MIN_LENGTH
from portal.web.search import search as run_search


@member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    today = timezone.localdate()
    regions = figures.occupancy_by_region(tenant)
    occupancy = charts.stacked_bars(
        "Occupancy by region",
        [name for name, _, _ in regions],
        [
            ("occupied", "bar-occupied", [o for _, o, _ in regions]),
            ("vacant", "bar-vacant", [v for _, _, v in regions]),
        ],
        description="; ".join(f"{name}: {o} occupied, {v} vacant" for name, o, v in regions),
    )
    ending = figures.leases_ending_by_month(tenant, today)
    ending_chart = charts.stacked_bars(
        "Leases ending per month",
        # The year shows under the first month and under each January.
        [f"{m:%b}\n{m:%Y}" if i == 0 or m.month == 1 else f"{m:%b}" for i, (m, _) in enumerate(ending)],
        [("leases ending", "bar-ending", [n for _, n in ending])],
        description="; ".join(f"{month:%B %Y}: {n}" for month, n in ending),
    )
    context = {
        "counts": figures.counts(tenant, today),
        "ending_soon_days": figures.ENDING_SOON_DAYS,
        "occupancy_chart": occupancy,
        "regions": regions,
        "ending_chart": ending_chart,
        "ending": ending,
        "changes": recent_changes(tenant),
    }
    return render(request, "web/dashboard.html", context)


@member_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    results = run_search(request.tenant, query)  # type: ignore[attr-defined]
    context = {"search_query": results.query, "results": results, "min_length": MIN_LENGTH, "limit": LIMIT}
    template = "web/_search_results.html" if is_partial_request(request) else "web/search.html"
    return render(request, template, context)
