"""History rows of a bulk write, made by the database from the rows just written (one INSERT … SELECT).

It writes exactly what simple_history's ``bulk_history_create`` writes (same fields, date, user, change reason,
actor), without building one Python history object per row and sending every value back over the wire: for a
page of 1,000 homes that was a fifth of the engine's time (see bench/README.md, ingest). Anything this cannot
express the same way (a history_relation, per-object dates, users or reasons) goes through simple_history as before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection, models
from simple_history.utils import get_history_manager_for_model

CHUNK = 500  # ids per statement (SQLite's parameter limit; PostgreSQL would take more)
PER_OBJECT = ("_history_date", "_history_user", "_change_reason")


def bulk_history(model: type[models.Model], objs: list[Any], *, date: dt.datetime, attrs: dict[str, Any],
                 update: bool = False) -> None:
    """Record a "+" (or "~" with ``update``) history row for each saved object in ``objs``."""
    if not objs or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    manager = get_history_manager_for_model(model)
    history = manager.model
    user = history.get_default_history_user(objs[0])
    constants = {"history_date": date, "history_user": user.pk if user is not None else None,
                 "history_change_reason": "", "history_type": "~" if update else "+", **attrs}
    plan = _plan(model, history, constants)
    if plan is None or any(hasattr(obj, name) for obj in objs for name in PER_OBJECT):
        manager.bulk_history_create(objs, update=update, default_date=date, custom_historical_attrs=attrs)
        return
    columns, selects, params = plan
    table, source = connection.ops.quote_name(history._meta.db_table), connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    ids = [obj.pk for obj in objs]
    insert = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(selects)} FROM {source} "  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the page's ids as one array: one statement however many rows
            cursor.execute(f"{insert} WHERE {pk} = ANY(%s) ORDER BY {pk}", [*params, ids])
            return
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            cursor.execute(f"{insert} WHERE {pk} IN ({', '.join(['%s'] * len(chunk))})", [*params, *chunk])


def _plan(model: type[models.Model], history: Any, constants: dict[str, Any]) -> tuple[list, list, list] | None:
    """(history columns, select expressions, parameters), or None when a history field has no known source."""
    if hasattr(history, "history_relation"):
        return None
    quote = connection.ops.quote_name
    tracked = {f.attname: f for f in history.tracked_fields}
    columns, selects, params = [], [], []
    for field in history._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quote(field.column))
        if field.attname in tracked:
            selects.append(quote(tracked[field.attname].column))
            continue
        name = field.name if field.name in constants else field.attname
        if name in constants:
            value = constants[name]
        elif field.has_default():
            value = field.get_default()
        else:
            return None
        target = field.target_field if field.is_relation else field
        # PostgreSQL types a bare parameter in a SELECT list as text: say what it is.
        selects.append(f"CAST(%s AS {field.cast_db_type(connection)})" if connection.vendor == "postgresql" else "%s")
        params.append(target.get_db_prep_save(value, connection))
    return columns, selects, params
