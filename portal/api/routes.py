"""The API proper (namespace ``api``): v1 resources, the schema and docs; anything else is the envelope 404."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from portal.api.views.docs import SchemaView, SwaggerView, UnknownEndpoint
from portal.api.views.documents import DocumentViewSet
from portal.api.views.homes import HomeownershipViewSet, HomeViewSet, PersonViewSet
from portal.api.views.leases import LeaseViewSet
from portal.api.views.locations import LocationViewSet

app_name = "api"

router = SimpleRouter()
router.register("locations", LocationViewSet, basename="location")
router.register("homes", HomeViewSet, basename="home")
router.register("people", PersonViewSet, basename="person")
router.register("homeownerships", HomeownershipViewSet, basename="homeownership")
router.register("leases", LeaseViewSet, basename="lease")
router.register("documents", DocumentViewSet, basename="document")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^[\s\S]*$", UnknownEndpoint.as_view(), name="unknown"),  # any path, newlines included
]
