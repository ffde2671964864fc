from django.apps import AppConfig


class LocationsConfig(AppConfig):
    name = "portal.locations"
    label = "locations"
