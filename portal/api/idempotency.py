"""Idempotency-Key for POST: a repeat within 24 hours gets the first response and changes nothing.

The first request claims the key by inserting a pending record (the unique constraint settles races: the
loser is told the original is still in progress), runs, and stores its status and body. A repeat with the
same body gets that response again, marked ``Idempotent-Replayed: true``; the same key with another body is
refused (422), since it is almost certainly a client bug. Server errors release the key so a retry can run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.errors import Conflict, IdempotencyKeyReused
from portal.api.models import IdempotencyRecord
from portal.api.throttling import identity

HEADER = "Idempotency-Key"
TTL = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255


class Replay(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _file_digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return f"{upload.name}:{upload.size}:{digest.hexdigest()}"


def fingerprint(request: Request) -> str:
    data: Any = request.data
    if hasattr(data, "lists"):  # a QueryDict (multipart): keep repeated keys
        data = {k: v for k, v in data.lists()}
    files = {name: [_file_digest(f) for f in request.FILES.getlist(name)] for name in request.FILES}
    canonical = json.dumps({"m": request.method, "p": request.path, "d": data, "f": files},
                           sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def begin(request: Request) -> IdempotencyRecord | None:
    """Claim the request's key; raise Replay with the first response if it was already answered."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise exceptions.ValidationError({HEADER: [f"Use 1 to {MAX_KEY_LENGTH} printable characters, e.g. a UUID."]})
    owner = identity(request)
    digest = fingerprint(request)
    IdempotencyRecord.objects.filter(owner=owner, key=key, created_at__lt=timezone.now() - TTL).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                owner=owner, key=key, method=request.method, path=request.path[:500], fingerprint=digest
            )
    except IntegrityError:
        pass
    first = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
    if first is None:  # released by a failed attempt in the meantime
        raise Conflict("A request with this Idempotency-Key just failed; retry it.")
    if first.fingerprint != digest:
        raise IdempotencyKeyReused(
            f"This Idempotency-Key was first used on {first.created_at:%Y-%m-%d %H:%M:%S} UTC for "
            f"{first.method} {first.path} with a different body; use a new key for a new request."
        )
    if first.status_code is None:
        raise Conflict("A request with this Idempotency-Key is still being processed; retry in a moment.")
    headers = {"Idempotent-Replayed": "true"}
    if first.location:
        headers["Location"] = first.location
    raise Replay(Response(first.response_body, status=first.status_code, headers=headers))


def finish(record: IdempotencyRecord, response: Response) -> None:
    """Store the answer (or release the key after a server error, so the client may retry)."""
    if response.status_code >= 500:
        record.delete()
        return
    record.status_code = response.status_code
    record.response_body = response.data
    record.location = (response.headers.get("Location") or "")[:500]
    record.save(update_fields=["status_code", "response_body", "location"])


def purge_expired(now: dt.datetime | None = None) -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=(now or timezone.now()) - TTL).delete()
    return deleted
