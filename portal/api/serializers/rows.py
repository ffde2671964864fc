"""List pages from ``.values()`` rows: an output serializer's fields compiled once into plain converters.

A page of 100 homes spent most of its time building 101 model instances and calling DRF's generic field
machinery 1,900 times (bench/README.md, api). A list page is instead read with one ``.values()`` query and each
row is turned into the same dict the serializer would make, by converters compiled once per serializer class:

- a plain model field: its value as stored, through a converter chosen by the DRF field's own class (ISO 8601
  date-times in the request's time zone with DRF's ``Z``, decimals quantized and formatted as DRF does, strings
  through ``str``, choices through the field's own mapping); ``None`` stays ``None``, as in ``Output``;
- a foreign key (``PrimaryKeyRelatedField``): its ``<name>_id`` column;
- a ``SerializerMethodField``: the serializer's ``row_<name>(row)`` (the row holds ``row_columns``); a serializer
  may batch-load what its rows need in ``prepare_rows(rows)`` (one query per page, like a prefetch).

Anything else (a field the compiler does not know, a method field with no row version) means "no plan": the view
keeps the regular serializer. The JSON is the same byte for byte (tests/portal/api/test_rows.py compares both).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

Converter = Callable[[Any], Any]
# A converter made for one page (date-times need the request's time zone); None: the value as it is.
Maker = Callable[[dt.tzinfo | None], Converter | None]


@dataclass(frozen=True)
class RowPlan:
    columns: tuple[str, ...]  # what the .values() query selects
    fields: tuple[tuple[str, str | None, Maker | None], ...]  # (output name, column, maker); column None: method

    def render(self, rows: list[dict[str, Any]], serializer: serializers.BaseSerializer) -> list[dict[str, Any]]:
        """The serializer's output for each row (``serializer`` gives method fields their context)."""
        tz = timezone.get_current_timezone() if settings.USE_TZ else None
        prepare = getattr(serializer, "prepare_rows", None)
        if prepare is not None and rows:
            prepare(rows)
        steps = []
        for name, column, maker in self.fields:
            if column is None:
                steps.append((name, None, getattr(serializer, f"row_{name}")))
            else:
                steps.append((name, column, maker(tz) if maker is not None else None))
        out = []
        for row in rows:
            item: dict[str, Any] = {}
            for name, column, convert in steps:
                if column is None:
                    item[name] = convert(row)
                    continue
                value = row[column]
                item[name] = value if value is None or convert is None else convert(value)
            out.append(item)
        return out


_PLANS: dict[type, RowPlan | None] = {}


def plan_for(serializer_class: type[serializers.BaseSerializer]) -> RowPlan | None:
    """The compiled plan of an output serializer, or None when some field cannot be read from a row."""
    if serializer_class not in _PLANS:
        _PLANS[serializer_class] = _compile(serializer_class)
    return _PLANS[serializer_class]


def _compile(serializer_class: type[serializers.BaseSerializer]) -> RowPlan | None:
    meta = getattr(serializer_class, "Meta", None)
    model = getattr(meta, "model", None)
    if model is None or not issubclass(serializer_class, serializers.ModelSerializer):
        return None
    serializer = serializer_class()
    concrete = {f.name: f for f in model._meta.concrete_fields}
    columns: dict[str, None] = {}
    fields = []
    for field in serializer._readable_fields:
        name = field.field_name
        if isinstance(field, serializers.SerializerMethodField):
            if not callable(getattr(serializer_class, f"row_{name}", None)):
                return None
            columns.update(dict.fromkeys(getattr(serializer_class, "row_columns", {}).get(name, ())))
            fields.append((name, None, None))
            continue
        if len(field.source_attrs) != 1 or field.source_attrs[0] not in concrete:
            return None
        model_field = concrete[field.source_attrs[0]]
        if type(field) is serializers.PrimaryKeyRelatedField and model_field.is_relation:
            if field.pk_field is not None or not model_field.target_field.primary_key:
                return None
            maker: Maker | None = None  # the <name>_id column is the related row's pk
        elif model_field.is_relation or isinstance(model_field, models.FileField):
            return None  # a row holds the id / the file's name, not what the field reads from an instance
        else:
            found = _maker(field)
            if found is False:
                return None
            maker = found  # type: ignore[assignment]
        columns[model_field.attname] = None
        fields.append((name, model_field.attname, maker))
    return RowPlan(columns=tuple(columns), fields=tuple(fields))


def _constant(convert: Converter | None) -> Maker:
    return lambda tz: convert


def _maker(field: serializers.Field) -> Maker | bool:
    """How a plain field's stored value becomes DRF's output; False: not compiled (the field's class overrides
    what the converter would copy)."""
    method = type(field).to_representation
    if method in (serializers.BooleanField.to_representation, serializers.ChoiceField.to_representation):
        return _constant(field.to_representation)  # cheap, and exactly DRF's
    if method is serializers.IntegerField.to_representation:
        return _constant(int)
    if method is serializers.BigIntegerField.to_representation:  # ids
        return _constant(str if getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING) else int)
    if method is serializers.CharField.to_representation:
        return _constant(str)
    if method is serializers.DateTimeField.to_representation:
        if getattr(field, "format", api_settings.DATETIME_FORMAT) != ISO_8601 or hasattr(field, "timezone") \
                or type(field).enforce_timezone is not serializers.DateTimeField.enforce_timezone:
            return _constant(field.to_representation)
        return _iso_datetime
    if method is serializers.DateField.to_representation:
        if getattr(field, "format", api_settings.DATE_FORMAT) != ISO_8601:
            return _constant(field.to_representation)
        return _constant(_iso_date)
    if method is serializers.DecimalField.to_representation:
        return _decimal(field)  # type: ignore[arg-type]
    return False


def _iso_date(value: Any) -> Any:
    """DRF's DateField in ISO 8601 (a str passes through)."""
    return value if isinstance(value, str) else value.isoformat()


def _iso_datetime(tz: dt.tzinfo | None) -> Converter:
    """DRF's DateTimeField.to_representation in ISO 8601, for the page's time zone."""

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            return value
        if tz is not None:
            value = value.astimezone(tz) if timezone.is_aware(value) else timezone.make_aware(value, tz)
        elif timezone.is_aware(value):
            value = timezone.make_naive(value, dt.UTC)
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


def _decimal(field: serializers.DecimalField) -> Maker:
    """DRF's DecimalField.to_representation (quantized in a copy of the decimal context, then ``f'{x:f}'``), its
    constants computed once (the context once per page)."""
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if not coerce or field.localize or field.normalize_output or field.decimal_places is None \
            or type(field).quantize is not serializers.DecimalField.quantize:
        return _constant(field.to_representation)
    exponent = decimal.Decimal(".1") ** field.decimal_places
    rounding, max_digits = field.rounding, field.max_digits

    def maker(tz: dt.tzinfo | None) -> Converter:
        context = decimal.getcontext().copy()
        if max_digits is not None:
            context.prec = max_digits

        def convert(value: Any) -> str:
            if not isinstance(value, decimal.Decimal):
                value = decimal.Decimal(str(value).strip())
            return f"{value.quantize(exponent, rounding=rounding, context=context):f}"

        return convert

    return maker
