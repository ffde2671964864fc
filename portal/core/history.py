"""History records name their actor: every historical model carries actor_kind and actor_label.

django-simple-history records ``history_user`` itself; this fills the two extra fields from the
current actor (portal.core.actor) so a change by an API key, an import or a vendor sync is told
apart from a change by a person.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from portal.core.actor import current_actor


class ActorHistory(models.Model):
    """Abstract base for every historical model (passed as ``bases=`` to HistoricalRecords)."""

    actor_kind = models.CharField(max_length=16, default="system")
    actor_label = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        abstract = True


def history() -> HistoricalRecords:
    """The HistoricalRecords every domain model uses."""
    return HistoricalRecords(bases=[ActorHistory], user_db_constraint=False, cascade_delete_history=False)


def _history_user() -> Any:
    actor = current_actor()
    return actor.user if actor.user is not None and getattr(actor.user, "pk", None) else None


@receiver(pre_create_historical_record)
def _stamp_actor(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    actor = current_actor()
    history_instance.actor_kind = actor.kind
    history_instance.actor_label = actor.label[:200]
    if history_instance.history_user_id is None:
        user = _history_user()
        if user is not None:
            history_instance.history_user = user
