"""New rows of a page written in bulk: on PostgreSQL through ``COPY``, elsewhere through Django's ``bulk_create``.

Django's ``bulk_create`` compiles every field of every row in Python (``pre_save``, ``get_db_prep_save``) and
psycopg then quotes the whole page client-side: for a page of 1,000 homes and their 1,000 refs that was half of the
engine's time (bench/README.md, ingest). On PostgreSQL the page takes its primary keys from the table's sequence in
one query and is written with one ``COPY … FROM STDIN``, each value converted by a function chosen once per field
(the plain types go as they are, anything else through the field's own ``get_db_prep_save``). The rows, defaults,
constraints and triggers are the database's as for an INSERT, so a refused row fails the COPY (a ``DatabaseError``)
and the caller's savepoint rolls it back, as a refused ``bulk_create`` would. No signals are sent (neither does
``bulk_create``).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from django.db import connection, models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

Converter = Callable[[Any], Any]
_TEXT = (str,)  # a str subclass too (a TextChoices member): CharField's to_python keeps it, psycopg writes its text
# Field classes (exact) that keep a value of these types as it is: to_python, canon (prepare.py) and
# get_db_prep_save on PostgreSQL. checks.py and _PLAIN below extend it with the types only they keep.
IDENTITY: dict[type[models.Field], tuple[type, ...]] = {
    models.CharField: _TEXT, models.TextField: _TEXT, models.SlugField: _TEXT, models.EmailField: _TEXT,
    models.URLField: _TEXT, models.IntegerField: (int,), models.BigIntegerField: (int,),
    models.SmallIntegerField: (int,), models.PositiveIntegerField: (int,), models.PositiveSmallIntegerField: (int,),
    models.PositiveBigIntegerField: (int,), models.BooleanField: (bool,),
}
_PLAIN: dict[type[models.Field], tuple[type, ...]] = {
    **IDENTITY, models.AutoField: (int,), models.BigAutoField: (int,), models.SmallAutoField: (int,),
    models.DecimalField: (decimal.Decimal,),
}
_sequences: dict[tuple[str, str], str] = {}
Layout = tuple[dict[str, Any], list[tuple[str, Callable[[], Any]]], frozenset[str], bool]
_layouts: dict[type[models.Model], Layout] = {}


def build(model: type[models.Model], values: dict[str, Any]) -> Any:
    """An unsaved instance from attribute names (``content_type_id``, not ``content_type``); the other fields take
    their defaults. What ``model(**values)`` makes, at a fraction of the cost for the thousands of records, refs
    and links of a page: the attributes are filled in directly when nothing listens to the model's
    ``pre_init``/``post_init`` (Django's positional constructor otherwise)."""
    layout = _layouts.get(model)
    if layout is None:
        fields = model._meta.concrete_fields
        layout = _layouts[model] = (
            # a callable default (JSONField(default=dict)) is called for each instance, as Django does
            {f.attname: f.get_default() for f in fields if not (f.has_default() and callable(f.default))},
            [(f.attname, f.get_default) for f in fields if f.has_default() and callable(f.default)],
            frozenset(f.attname for f in fields),
            not (pre_init.has_listeners(model) or post_init.has_listeners(model)),
        )
    constants, factories, names, direct = layout
    if not values.keys() <= names:
        raise TypeError(f"{model.__name__} has no field(s) {', '.join(sorted(values.keys() - names))}")
    state = dict(constants)
    for attname, factory in factories:
        if attname not in values:
            state[attname] = factory()
    state.update(values)
    if not direct:
        return model(*[state[f.attname] for f in model._meta.concrete_fields])
    obj = model.__new__(model)
    obj._state = ModelState()
    obj.__dict__.update(state)
    return obj


def insert_new(model: type[models.Model], objs: list[Any],
               fix: Callable[[list[Any]], list[str]] | None = None) -> None:
    """Insert unsaved ``objs`` and give them their primary keys. ``fix(objs)`` may set fields that need the keys
    (a location's path); it returns the fields it set (written with the rows, or by one bulk update)."""
    if not objs:
        return
    if not _copyable(model):
        model._default_manager.bulk_create(objs)
        fixed = fix(objs) if fix is not None else []
        if fixed:
            model._default_manager.bulk_update(objs, fixed)
        return
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [_sequence(model), len(objs)])
        for obj, (key,) in zip(objs, cursor.fetchall(), strict=True):
            setattr(obj, pk.attname, key)
    if fix is not None:
        fix(objs)
    _copy(model, objs)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _copy(model: type[models.Model], objs: list[Any]) -> None:
    """One COPY of ``objs`` (primary keys set). A row whose plain fields all hold their plain types (or None) goes
    as it is; the kinds of rows already seen are remembered by the tuple of their value types, so most rows cost
    one C-level attribute read and one set look-up. Other fields (JSON, files, dates, auto_now stamps) are
    converted one by one, as an INSERT would."""
    fields = model._meta.concrete_fields
    now = timezone.now()
    for field in fields:  # auto_now / auto_now_add: one stamp for the page, set on the objects as pre_save would
        if _stamped(field):  # (so the rows read below carry it; no field of theirs is in _PLAIN: kept as it is)
            for obj in objs:
                setattr(obj, field.attname, now)
    plain = [_PLAIN.get(type(_target(field))) if _direct(field) else None for field in fields]
    special = [(index, _reader(field), _converter(field)) for index, field in enumerate(fields)
               if plain[index] is None and not _stamped(field)]
    generic = [_converter(field) for field in fields]
    read = attrgetter(*[field.attname for field in fields])
    none = type(None)
    seen: set[tuple[type, ...]] = set()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(
            f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            row = list(read(obj))
            kinds = tuple(map(type, row))
            if kinds not in seen:
                if all(kind is none or allowed is None or kind in allowed or (allowed is _TEXT and issubclass(
                        kind, str)) for kind, allowed in zip(kinds, plain, strict=True)):
                    seen.add(kinds)
                else:
                    row = [value if allowed is None else convert(value)
                           for value, allowed, convert in zip(row, plain, generic, strict=True)]
            for index, reader, convert in special:
                row[index] = convert(reader(obj))
            copy.write_row(row)


def _stamped(field: models.Field) -> bool:
    return type(field) is models.DateTimeField and (field.auto_now or field.auto_now_add)


def _direct(field: models.Field) -> bool:
    """Does ``get_db_prep_save`` hand a plain value to psycopg unchanged (no pre_save of its own either)?"""
    return (not field.is_relation or type(field) is models.ForeignKey) and type(field).pre_save is models.Field.pre_save


def _target(field: models.Field) -> models.Field:
    return field.target_field if field.is_relation else field


def _copyable(model: type[models.Model]) -> bool:
    """PostgreSQL, a serial key, and no column the database computes (generated, db_default): bulk_create otherwise."""
    pk = model._meta.pk
    return connection.vendor == "postgresql" and type(pk) in (
        models.AutoField, models.BigAutoField, models.SmallAutoField) and not any(
        f.generated or f.db_default is not models.NOT_PROVIDED for f in model._meta.concrete_fields)


def _sequence(model: type[models.Model]) -> str:
    key = (model._meta.db_table, model._meta.pk.column)
    if key not in _sequences:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [connection.ops.quote_name(key[0]), key[1]])
            _sequences[key] = cursor.fetchone()[0]
    return _sequences[key]


def _reader(field: models.Field) -> Callable[[Any], Any]:
    """The value an INSERT would write (``pre_save``: auto_now stamps, a file's storage)."""
    attname = field.attname
    if type(field).pre_save is models.Field.pre_save or (
            isinstance(field, models.DateField) and not (field.auto_now or field.auto_now_add)):
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.pre_save(obj, True)


def _converter(field: models.Field) -> Converter:
    """``get_db_prep_save`` with the plain types passed as they are (what it returns for them on PostgreSQL)."""
    plain = _PLAIN.get(type(_target(field))) if _direct(field) else None
    aware = type(field) is models.DateTimeField

    def generic(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    if plain is not None:
        def convert(value: Any) -> Any:
            return value if value is None or type(value) in plain else generic(value)
        return convert
    if aware:
        def convert_datetime(value: Any) -> Any:
            return value if value is None or (type(value) is dt.datetime and value.tzinfo is not None) else generic(
                value)
        return convert_datetime
    return generic
