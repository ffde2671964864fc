"""Looking up a local record's vendor id in one connection (for push payloads and the drain)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType

from integrations.errors import DependencyPending
from integrations.models import Connection, ExternalRef


def ref_for(
    connection: Connection, obj_or_ct: Any, object_id: int | None = None, stream: str = "",
    exclude: Collection[str] = (),
) -> ExternalRef | None:
    """The ref of a record in this connection: the one of ``stream`` if there is one, else any other (a record
    pulled by one stream and pushed by another of the same vendor resource is the same record at the vendor) except
    those of the streams in ``exclude`` (other vendor resources the same record is pushed as)."""
    if object_id is None:
        ct = ContentType.objects.get_for_model(obj_or_ct)
        object_id = obj_or_ct.pk
    else:
        ct = obj_or_ct
    refs = list(ExternalRef.objects.filter(connection=connection, content_type=ct, object_id=object_id))
    for ref in refs:
        if ref.stream == stream:
            return ref
    others = [ref for ref in refs if ref.stream not in exclude]
    return others[0] if others else None


def reached_vendor(ref: ExternalRef | None) -> bool:
    """Pulled, pushed, or confirmed once: a ref with none of these was reserved for a create not answered yet."""
    return ref is not None and bool(ref.last_pushed_hash or ref.last_seen_hash or ref.last_confirmed_at)


class Resolver:
    """``refs`` given to PushStream.to_payload."""

    def __init__(self, connection: Connection, options: Mapping[str, Any] | None = None) -> None:
        from integrations.context import vendor_options

        self.connection = connection
        self.options: Mapping[str, Any] = vendor_options(connection) if options is None else options
        self._cache: dict[tuple[int, int, str | None], ExternalRef | None] = {}

    def _ref(self, obj: Any, stream: str | None) -> ExternalRef | None:
        ct = ContentType.objects.get_for_model(obj)
        key = (ct.pk, obj.pk, stream)
        if key not in self._cache:
            if stream is None:
                self._cache[key] = ref_for(self.connection, ct, obj.pk)
            else:
                self._cache[key] = ExternalRef.objects.filter(
                    connection=self.connection, content_type=ct, object_id=obj.pk, stream=stream).first()
        return self._cache[key]

    def vendor_id(self, obj: Any, stream: str | None = None) -> str | None:
        if obj is None or obj.pk is None:
            return None
        ref = self._ref(obj, stream)
        return ref.vendor_id if ref is not None else None

    def require(self, obj: Any, stream: str | None = None) -> str:
        ref = self._ref(obj, stream) if obj is not None and obj.pk is not None else None
        if not reached_vendor(ref):
            raise DependencyPending(f"{obj._meta.verbose_name} “{obj}” has not reached the vendor yet")
        return ref.vendor_id  # type: ignore[union-attr]
