"""The portal's URLs plus /bench/bare-homes: the API's rows from one query, with nothing in between."""

from django.urls import include, path

from bench.bare import bare_homes

urlpatterns = [
    path("bench/bare-homes", bare_homes),
    path("", include("portal.urls")),
]
