"""Domain change events.

Services send ``record_changed`` inside their transaction after each write. The integrations app
listens and writes outbox entries in the same transaction, so ``portal`` never imports a vendor.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

from portal.core.actor import current_actor

# Sent with: instance, action ("create" | "update" | "delete" | "activate" | "deactivate"),
# changed (a set of field names, empty when unknown), actor.
record_changed = Signal()


def emit_change(instance: Any, action: str, changed: set[str] | None = None) -> None:
    record_changed.send(
        sender=type(instance), instance=instance, action=action, changed=set(changed or ()), actor=current_actor()
    )
