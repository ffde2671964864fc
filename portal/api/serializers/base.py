"""Shared serializer pieces: strict input (no unknown fields, JSON types as documented) and scoped references."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from drf_spectacular.drainage import set_override
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from portal.accounts.scoping import scoped


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id of a record of the caller's organization; any other id reads as “no such record”."""

    def __init__(self, model: type[models.Model], **kwargs: Any) -> None:
        self.model = model
        name = model._meta.verbose_name
        kwargs.setdefault("error_messages", {
            "does_not_exist": f"No {name} with id {{pk_value}} in your organization.",
            "incorrect_type": f"Use the {name}'s id (a number), not {{data_type}}.",
        })
        kwargs["queryset"] = model._default_manager.none()  # for schema introspection; see get_queryset
        super().__init__(**kwargs)

    def get_queryset(self) -> models.QuerySet:
        from portal.api.tenancy import tenant_of

        request = self.context.get("request")
        return scoped(self.model, tenant_of(request)) if request is not None else self.model._default_manager.none()


class FlexibleDecimalField(serializers.DecimalField):
    """A decimal sent as a JSON number (1500.5) or a string ("1500.50"); answered as a string."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        whole = (self.max_digits or 20) - (self.decimal_places or 0)
        self.pattern = re.compile(rf"^-?\d{{1,{whole}}}(\.\d{{1,{self.decimal_places or 0}}})?$")
        number: dict[str, Any] = {"type": "number"}
        if self.min_value is not None:
            number["minimum"] = float(self.min_value)
        if self.max_value is not None:
            number["maximum"] = float(self.max_value)
        string = {"type": "string", "pattern": self.pattern.pattern}
        set_override(self, "field", {"anyOf": [number, string],
                                     "description": f"Up to {self.decimal_places} decimal places."})

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, str) and not self.pattern.match(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class _BlankOr:
    """A format-checked string that may also be empty (blank model fields): the schema says exactly that."""

    format_name = ""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # type: ignore[call-arg]
        if self.allow_blank:  # type: ignore[attr-defined]
            schema: dict[str, Any] = {"type": "string", "anyOf": [{"format": self.format_name}, {"const": ""}]}
            if self.max_length is not None:  # type: ignore[attr-defined]
                schema["maxLength"] = self.max_length  # type: ignore[attr-defined]
            set_override(self, "field", schema)


class BlankOrEmailField(_BlankOr, serializers.EmailField):
    format_name = "email"


class BlankOrURLField(_BlankOr, serializers.URLField):
    format_name = "uri"


class Output(serializers.ModelSerializer):
    """A response: e-mail addresses and links are plain strings, since a stored value may be empty (or came
    from a vendor that checks less than we do) and must not break the published schema."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.EmailField: serializers.CharField,
        models.URLField: serializers.CharField,
    }

    def to_representation(self, instance: Any) -> dict[str, Any]:
        """DRF's own result, without its generic lookups for every field of every row: a model field's value is
        read with one getattr (a page of 100 homes spent half its time here: bench/README.md, api)."""
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self._plan = [(f.field_name, f, _plain_attribute(f, instance)) for f in self._readable_fields]
        row: dict[str, Any] = {}
        for name, field, attribute in plan:
            if attribute is not None:
                value = getattr(instance, attribute)
            else:
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
            check = value.pk if isinstance(value, PKOnlyObject) else value
            row[name] = None if check is None else field.to_representation(value)
        return row


def _plain_attribute(field: serializers.Field, instance: Any) -> str | None:
    """The attribute a field reads when it is a plain (non-relation) model field, else None (DRF's lookup)."""
    if type(field).get_attribute is not serializers.Field.get_attribute or len(field.source_attrs) != 1:
        return None
    name = field.source_attrs[0]
    model_fields = {f.name: f for f in instance._meta.concrete_fields}
    target = model_fields.get(name)
    return name if target is not None and not target.is_relation else None


def json_types(field: serializers.Field) -> tuple[type, ...] | None:
    """The JSON types a field takes in a JSON body (None: not checked here)."""
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, serializers.DecimalField):
        return (str, int, float)
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        return (int,)
    if isinstance(field, serializers.ManyRelatedField | serializers.ListField):
        return (list,)
    if isinstance(field, serializers.CharField | serializers.ChoiceField | serializers.DateField
                  | serializers.DateTimeField):
        return (str,)
    return None


_JSON_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a string", list: "a list",
               dict: "an object", type(None): "null"}


def _type_error(value: Any, wanted: tuple[type, ...]) -> str | None:
    if value is None:
        return None  # null handling (allow_null) is the field's
    if isinstance(value, bool) and bool not in wanted:
        return f"Expected {' or '.join(_JSON_NAMES[t] for t in wanted)}, got {_JSON_NAMES[bool]}."
    if not isinstance(value, wanted):
        return f"Expected {' or '.join(_JSON_NAMES[t] for t in wanted)}, got {_JSON_NAMES.get(type(value), 'a value')}."
    return None


def _json_problem(field: serializers.Field, value: Any) -> str | None:
    wanted = json_types(field)
    problem = _type_error(value, wanted) if wanted else None
    if problem is None and isinstance(field, serializers.ManyRelatedField) and isinstance(value, list):
        problem = next(filter(None, (_type_error(item, (int,)) for item in value)), None)
    return problem


class StrictMixin:
    """Input of a write: refuses fields it does not know and values of the wrong JSON type.

    Read-only fields of the response (id, created_at…) are unknown here too: a write names only what it changes.
    Form and multipart bodies carry strings only, so their types are left to the fields.
    """

    fields: Any
    # Why a field the resource has is not accepted by this operation, said instead of “unknown field”.
    field_hints: dict[str, str] = {}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors: dict[str, list[str]] = {}
            writable = {name for name, f in self.fields.items() if not f.read_only}
            for name in sorted(set(data) - writable):
                errors[name] = [self.field_hints.get(name)
                                or f"Unknown field. This operation accepts: {', '.join(sorted(writable))}."]
            if not hasattr(data, "getlist"):  # a JSON object, not a QueryDict
                for name in set(data) & writable:
                    problem = _json_problem(self.fields[name], data[name])
                    if problem:
                        errors[name] = [problem]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictInput(StrictMixin, serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: FlexibleDecimalField,
        models.EmailField: BlankOrEmailField,
        models.URLField: BlankOrURLField,
    }

    def build_standard_field(self, field_name: str, model_field: models.Field) -> tuple[type, dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if any(isinstance(v, RegexValidator) for v in kwargs.get("validators", ())):
            # The schema publishes the pattern; a value the pattern refuses must be refused, spaces included.
            kwargs["trim_whitespace"] = False
        return field_class, kwargs

    def get_validators(self) -> list:
        return []  # uniqueness is the services' (scoped to the organization), not DRF's unscoped check
