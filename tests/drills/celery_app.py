"""The Celery app of the drills' worker processes: Lintel's own, with the fake vendor plug-in registered.

`celery -A tests.drills.celery_app worker` (the settings come from the environment the drill gives the worker).
"""

from portal.celery import app
from tests.integrations import worker_child  # noqa: F401  (django.setup() and the fake vendor plug-in)

__all__ = ["app"]
