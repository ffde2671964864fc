"""The schema, the Swagger UI (assets from drf-spectacular-sidecar, init script as a file: the CSP forbids inline
scripts) and the envelope 404 for unknown API paths."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from portal.api.views.base import ApiViewMixin


class SchemaView(ApiViewMixin, SpectacularAPIView):
    pass


class SwaggerView(ApiViewMixin, SpectacularSwaggerSplitView):
    # Same page as drf-spectacular's, minus its inline <style> (blocked by the CSP's style-src 'self').
    template_name = "api/swagger_ui.html"


@extend_schema(exclude=True)
class UnknownEndpoint(ApiViewMixin, APIView):
    """Any other path under /api/: the envelope 404 rather than the portal's HTML page."""

    permission_classes = [AllowAny]

    def _missing(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        raise NotFound(f"No API endpoint at {request.path}. See /api/docs/ for the list.")

    get = post = put = patch = delete = head = options = _missing
