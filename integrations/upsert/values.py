"""Small value helpers of the upsert: stable hashes, canonical field values, readable validation messages."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from integrations.contract import Mapped


def stable_hash(data: Any) -> str:
    # default=str covers Decimal, dates and times (their str() is canonical); cheaper than DjangoJSONEncoder.
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def mapped_hash(mapped: Mapped) -> str:
    """What a pull would write for this record; equal hashes mean a rerun has nothing to do."""
    return stable_hash({
        "fields": mapped.fields,
        "parents": {k: [r.stream, r.vendor_id] for k, r in mapped.parents.items()},
        "links": {k: sorted([r.stream, r.vendor_id] for r in refs) for k, refs in mapped.links.items()},
    })


def canon(field: models.Field, value: Any) -> Any:
    """A JSON value that compares equal exactly when the field values are equal (Decimals at field precision)."""
    if value is None:
        return None
    if isinstance(value, decimal.Decimal):
        places = getattr(field, "decimal_places", None)
        if places is not None:
            value = value.quantize(decimal.Decimal(1).scaleb(-places))
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.fields.files.FieldFile):  # a document's file: its stored name (JSON-safe)
        return value.name or ""
    return value


def message_of(exc: Exception) -> str:
    """One line a person can read from a ValidationError (field: message; …) or any exception."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            parts = []
            for name, errors in exc.message_dict.items():
                text = " ".join(errors)
                parts.append(text if name == "__all__" else f"{name}: {text}")
            return "; ".join(parts)
        return " ".join(exc.messages)
    return str(exc) or type(exc).__name__


def to_python(field: models.Field, value: Any) -> Any:
    """Coerce a mapped value to the field's Python type (raises ValidationError with the field's message)."""
    if value is None and not field.null and isinstance(field, models.CharField | models.TextField):
        return ""
    return field.to_python(value)
