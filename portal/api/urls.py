"""/api/: the API (namespace ``api``, see routes.py), the integrations' API routes (the sync helper registers
/api/v1/connections etc. there) and the staff page for API keys (namespace ``apikeys``)."""

from django.urls import include, path

urlpatterns = [
    path("keys/", include("portal.api.urls_keys")),
    path("v1/", include("integrations.api_urls")),
    path("", include("portal.api.routes")),  # last: it ends with the catch-all envelope 404
]
