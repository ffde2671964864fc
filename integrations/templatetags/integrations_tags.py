"""Template helpers: a record's vendor links, the dashboard's sync overview, badge classes."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery

from integrations.models import Conflict, Connection, ExternalRef, SyncRun

register = template.Library()

BADGES = {"ok": "ok", "succeeded": "ok", "sent": "ok", "processed": "ok", "active": "ok",
          "degraded": "warn", "partial": "warn", "waiting": "warn", "queued": "off", "running": "off",
          "unknown": "off", "skipped": "off", "paused": "warn", "held": "warn", "pending": "off",
          "failing": "danger", "failed": "danger", "conflict": "warn", "received": "off"}


@register.filter
def badge(status: str) -> str:
    return BADGES.get(str(status), "off")


@register.simple_tag
def vendor_links(obj: Any) -> list[ExternalRef]:
    """The record's refs in every connection (one query), newest confirmation first."""
    if obj is None or getattr(obj, "pk", None) is None:
        return []
    ct = ContentType.objects.get_for_model(obj)
    return list(ExternalRef.objects.filter(content_type=ct, object_id=obj.pk).select_related("connection")
                .order_by("connection__name", "stream"))


@register.simple_tag
def sync_overview(organization: Any) -> dict[str, Any]:
    """Each connection of the organization with its last pull run, and the open conflicts (three queries)."""
    if organization is None:
        return {"rows": [], "conflicts": 0}
    latest = SyncRun.objects.filter(connection=OuterRef("pk")).exclude(kind="webhook").order_by("-created_at", "-id")
    connections = list(Connection.objects.filter(organization=organization).annotate(
        last_run_id=Subquery(latest.values("pk")[:1])))
    runs = {r.pk: r for r in SyncRun.objects.filter(pk__in=[c.last_run_id for c in connections if c.last_run_id])}
    conflicts = Conflict.objects.filter(connection__organization=organization, resolved_at__isnull=True).count()
    return {"rows": [(c, runs.get(c.last_run_id)) for c in connections], "conflicts": conflicts}


@register.filter
def count_of(counts: dict[str, int] | None, key: str) -> int:
    return (counts or {}).get(key, 0)
