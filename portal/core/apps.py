from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # portal.celery: make Lintel's Celery app the current one in every Django process (web, shell, commands),
        # not only in the worker; otherwise @shared_task binds to Celery's default app and .delay() publishes to
        # amqp://localhost, whatever CELERY_BROKER_URL says.
        import portal.celery  # noqa: F401
        from portal.core import history  # noqa: F401  (connects the history actor signal)
