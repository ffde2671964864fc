"""Pagination for list pages: one COUNT and one page query, whatever the data size."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 50


def paginate(request: HttpRequest, queryset: QuerySet | list, per_page: int = PER_PAGE) -> Page:
    """The requested page (bad or out-of-range numbers give the nearest valid page, never an error page)."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    # The pagination partial shows "1 2 … 7 8 9 … 40": None marks a gap.
    page.page_range_compact = [  # type: ignore[attr-defined]
        None if n == Paginator.ELLIPSIS else n
        for n in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return page
