"""HTMX helpers shared by the portal's views."""

from __future__ import annotations

from django.http import HttpRequest


def is_partial_request(request: HttpRequest) -> bool:
    """An htmx request that wants only a fragment.

    When htmx restores a page missing from its history cache it asks for the whole page (with the
    HX-History-Restore-Request header): that one gets the full template.
    """
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request
