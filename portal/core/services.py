"""Helpers every domain service uses: apply changes, validate, save, record the change event."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from portal.core.events import emit_change


def apply_fields(instance: models.Model, data: Mapping[str, Any], allowed: Iterable[str]) -> set[str]:
    """Set the allowed fields of ``data`` on ``instance``; return the names whose value changed."""
    allowed = set(allowed)
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"Fields not accepted here: {', '.join(sorted(unknown))}")
    changed: set[str] = set()
    for name, value in data.items():
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        current = getattr(instance, name if isinstance(field, models.ForeignKey) else attname)
        if current != value:
            setattr(instance, name, value)
            changed.add(name)
    return changed


def save_validated(instance: models.Model, action: str, changed: set[str] | None = None) -> models.Model:
    """Validate every field and constraint, save, and send the change event (call inside a transaction)."""
    instance.full_clean()
    instance.save()
    emit_change(instance, action, changed)
    return instance
