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
