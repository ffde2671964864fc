from django.apps import AppConfig


class HomesConfig(AppConfig):
    name = "portal.homes"
    label = "homes"
