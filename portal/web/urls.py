from django.urls import include, path

urlpatterns = [
    path("locations/", include("portal.locations.urls")),
    path("homes/", include("portal.homes.urls")),
    path("people/", include("portal.homes.people_urls")),
    path("leases/", include("portal.leases.urls")),
    path("documents/", include("portal.documents.urls")),
]
