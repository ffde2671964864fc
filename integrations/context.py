"""What one engine run works with: the connection, its plug-in, a client with the shared limiter, the actor."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from integrations.http import BaseClient
from integrations.models import Connection
from integrations.ratelimit import limiter_for
from portal.core.actor import Actor


def sync_actor(connection: Connection) -> Actor:
    return Actor(kind="sync", label=f"{connection.vendor}: {connection.name}"[:200], connection_id=connection.pk)


def vendor_options(connection: Connection) -> dict[str, Any]:
    """The connection's vendor options, each config field's default filled in where the connection has none."""
    return {**{f.name: f.default for f in connection.plugin.config_fields}, **connection.options}


def make_client(connection: Connection, **kw: Any) -> BaseClient:
    kw.setdefault("limiter", limiter_for(connection))
    credentials = connection.credentials.reveal()
    return connection.plugin.make_client(connection.base_url, credentials, vendor_options(connection), **kw)


def lookback(connection: Connection) -> dt.timedelta:
    seconds = (connection.config or {}).get("lookback_seconds")
    if seconds is None:
        seconds = getattr(settings, "INTEGRATIONS_LOOKBACK_SECONDS", 300)
    return dt.timedelta(seconds=float(seconds))


@dataclass
class SyncContext:
    connection: Connection
    plugin: Any
    client: BaseClient
    actor: Actor
    started: dt.datetime = field(default_factory=timezone.now)


@contextlib.contextmanager
def opened(connection: Connection, **client_kw: Any) -> Iterator[SyncContext]:
    client = make_client(connection, **client_kw)
    try:
        yield SyncContext(connection, connection.plugin, client, sync_actor(connection))
    finally:
        client.close()
