from django.contrib import admin
from django.urls import include, path

from portal.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("organizations/", include("portal.accounts.urls")),
    path("api/", include("portal.api.urls")),
    path("integrations/", include("integrations.urls")),
    path("", include("portal.web.urls")),
]

# The portal's own 403/404/500 pages (portal/error_views.py; templates/403.html, 404.html, 500.html).
handler403 = "portal.error_views.permission_denied"
handler404 = "portal.error_views.page_not_found"
handler500 = "portal.error_views.server_error"
