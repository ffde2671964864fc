"""Looking up a local record's vendor id in one connection (for push payloads and the drain)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType

from integrations.errors import DependencyPending
from integrations.models import Connection, ExternalRef


def ref_for(
    connection: Connection, obj_or_ct: Any, object_id: int | None = None, stream: str = ""
) -> ExternalRef | None:
    """The ref of a record in this connection: the one of ``stream`` if there is one, else any (a record pulled by
    one stream and pushed by another of the same vendor resource is the same record at the vendor)."""
    if object_id is None:
        ct = ContentType.objects.get_for_model(obj_or_ct)
        object_id = obj_or_ct.pk
    else:
        ct = obj_or_ct
    refs = list(ExternalRef.objects.filter(connection=connection, content_type=ct, object_id=object_id))
    for ref in refs:
        if ref.stream == stream:
            return ref
    return refs[0] if refs else None


class Resolver:
    """``refs`` given to PushStream.to_payload."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._cache: dict[tuple[int, int], ExternalRef | None] = {}

    def _ref(self, obj: Any) -> ExternalRef | None:
        ct = ContentType.objects.get_for_model(obj)
        key = (ct.pk, obj.pk)
        if key not in self._cache:
            self._cache[key] = ref_for(self.connection, ct, obj.pk)
        return self._cache[key]

    def vendor_id(self, obj: Any) -> str | None:
        if obj is None or obj.pk is None:
            return None
        ref = self._ref(obj)
        return ref.vendor_id if ref is not None else None

    def require(self, obj: Any) -> str:
        ref = self._ref(obj) if obj is not None and obj.pk is not None else None
        # A ref with neither hash was reserved for a create that has not been answered yet (planned id).
        if ref is None or not (ref.last_pushed_hash or ref.last_seen_hash):
            raise DependencyPending(f"{obj._meta.verbose_name} “{obj}” has not reached the vendor yet")
        return ref.vendor_id
