"""The portal's 403, 404 and 500 pages (wired in portal/urls.py as handler403/404/500).

403 and 404 render with the layout (signed-in users keep their navigation). 500 renders without a request
context: the database may be what failed, so that page must not need it, and if even the template fails a
plain-text answer goes out rather than a second error.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"request_path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        body = loader.get_template("500.html").render()  # no request: no context processors, no DB
    except Exception:  # the page that reports an error must not raise one itself
        logger.exception("The 500 page could not be rendered")
        return HttpResponseServerError("Something went wrong on our side. Please try again.",
                                       content_type="text/plain; charset=utf-8")
    return HttpResponseServerError(body)
