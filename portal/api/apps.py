from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "portal.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from portal.api import schema  # noqa: F401  (registers the Bearer security scheme with drf-spectacular)
