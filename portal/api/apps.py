from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "portal.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from portal.accounts.apikeys import forget_key
        from portal.accounts.models import APIKey
        from portal.api import schema  # noqa: F401  (registers the Bearer security scheme with drf-spectacular)

        # A key changed (scope, expiry) or deleted is not served from the API's short-lived cache of verified keys.
        for signal in (post_save, post_delete):
            signal.connect(lambda sender, instance, **kwargs: forget_key(instance), sender=APIKey, weak=False,
                           dispatch_uid=f"api-forget-key-{signal is post_save}")
