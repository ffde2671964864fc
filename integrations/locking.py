"""One sync (pull or drain) per connection at a time: a lease on the Connection row that expires.

The holder is "host:pid:nonce"; the lease is renewed after each page. A worker killed with SIGKILL leaves a lease
behind: it expires after ``INTEGRATIONS_LOCK_TTL`` seconds, or at once when the holder was a process on this same
host that no longer exists (so a restarted worker resumes without waiting).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import uuid
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from integrations.models import Connection


class Busy(Exception):
    """Another sync of this connection is running."""


def ttl() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "INTEGRATIONS_LOCK_TTL", 300))


def _holder() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _holder_is_dead(holder: str) -> bool:
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname()[:60] or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire(connection_id: int) -> str:
    holder = _holder()
    now = timezone.now()
    free = Q(lock_holder="") | Q(lock_expires_at__lt=now) | Q(lock_expires_at__isnull=True)
    taken = Connection.objects.filter(free, pk=connection_id).update(lock_holder=holder, lock_expires_at=now + ttl())
    if taken:
        return holder
    current = Connection.objects.filter(pk=connection_id).values_list("lock_holder", flat=True).first()
    if current and _holder_is_dead(current):
        stolen = Connection.objects.filter(pk=connection_id, lock_holder=current).update(
            lock_holder=holder, lock_expires_at=now + ttl()
        )
        if stolen:
            return holder
    raise Busy(f"Another sync of connection {connection_id} is running.")


def renew(connection_id: int, holder: str) -> None:
    Connection.objects.filter(pk=connection_id, lock_holder=holder).update(lock_expires_at=timezone.now() + ttl())


def release(connection_id: int, holder: str) -> None:
    Connection.objects.filter(pk=connection_id, lock_holder=holder).update(lock_holder="", lock_expires_at=None)


@contextlib.contextmanager
def held(connection_id: int) -> Iterator[str]:
    holder = acquire(connection_id)
    try:
        yield holder
    finally:
        release(connection_id, holder)
