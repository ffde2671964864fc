from django.urls import include, path

from portal.web import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("search/", views.search, name="search"),
    path("locations/", include("portal.locations.urls")),
    path("homes/", include("portal.homes.urls")),
    path("people/", include("portal.homes.people_urls")),
    path("leases/", include("portal.leases.urls")),
    path("documents/", include("portal.documents.urls")),
]
