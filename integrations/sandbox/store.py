"""The sandbox's in-memory database: collections of JSON records with integer ids, safe across server threads."""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Record = dict[str, Any]


class Store:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._data: dict[str, dict[str, Record]] = {}
        self._next_id: dict[str, int] = {}

    @contextmanager
    def locked(self) -> Iterator[Store]:
        """Hold the store for a read-modify-write that must not interleave (e.g. check-then-insert for 409)."""
        with self._lock:
            yield self

    def reset(self) -> None:
        with self._lock:
            self._data.clear()
            self._next_id.clear()

    def next_id(self, collection: str) -> int:
        with self._lock:
            value = self._next_id.get(collection, 1)
            self._next_id[collection] = value + 1
            return value

    def insert(self, collection: str, record: Record, key: str | int | None = None) -> Record:
        """Store a copy; ``key`` defaults to a new integer id. Returns the stored copy."""
        with self._lock:
            if key is None:
                key = self.next_id(collection)
            else:
                if isinstance(key, int):
                    self._next_id[collection] = max(self._next_id.get(collection, 1), key + 1)
            stored = copy.deepcopy(record)
            self._data.setdefault(collection, {})[str(key)] = stored
            return copy.deepcopy(stored)

    def get(self, collection: str, key: str | int) -> Record | None:
        with self._lock:
            found = self._data.get(collection, {}).get(str(key))
            return copy.deepcopy(found) if found is not None else None

    def update(self, collection: str, key: str | int, changes: Record) -> Record | None:
        with self._lock:
            found = self._data.get(collection, {}).get(str(key))
            if found is None:
                return None
            found.update(copy.deepcopy(changes))
            return copy.deepcopy(found)

    def delete(self, collection: str, key: str | int) -> bool:
        with self._lock:
            return self._data.get(collection, {}).pop(str(key), None) is not None

    def all(self, collection: str) -> list[Record]:
        with self._lock:
            return [copy.deepcopy(r) for r in self._data.get(collection, {}).values()]

    def find(self, collection: str, where: Callable[[Record], bool]) -> list[Record]:
        with self._lock:
            return [copy.deepcopy(r) for r in self._data.get(collection, {}).values() if where(r)]

    def count(self, collection: str) -> int:
        with self._lock:
            return len(self._data.get(collection, {}))

    def collections(self) -> dict[str, int]:
        with self._lock:
            return {name: len(rows) for name, rows in self._data.items()}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
