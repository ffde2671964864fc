"""Who is making the current change: a user, an API key, an import, a vendor connection or the system.

Set once at the edge (middleware, API authentication, import, sync engine) and read by the history
signal, so every historical record names its actor without each service having to pass it along.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    kind: str  # "user" | "api_key" | "import" | "sync" | "system"
    label: str
    user: Any = None  # the Django user, when a person stands behind the change
    connection_id: int | None = None  # the vendor connection, for kind "sync"

    @classmethod
    def for_user(cls, user: Any) -> Actor:
        return cls(kind="user", label=getattr(user, "email", str(user)), user=user)


SYSTEM = Actor(kind="system", label="system")
_current: ContextVar[Actor | None] = ContextVar("lintel_actor", default=None)


def current_actor() -> Actor:
    return _current.get() or SYSTEM


@contextlib.contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def set_actor(actor: Actor | None) -> Any:
    return _current.set(actor)


def reset_actor(token: Any) -> None:
    _current.reset(token)
