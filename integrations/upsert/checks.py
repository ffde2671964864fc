"""Field validation of pulled records, compiled once per model: the answer of ``full_clean`` without its cost.

``full_clean`` walks every field of the model for every record, converts each value again and calls every
validator through Django's generic machinery; for a page of 1,000 homes that was a third of the prepare step
(bench/README.md, ingest). Here each field gets one small function, made once, that says whether a value is
certainly valid: the value already has the field's Python type (the prepare step converted it), it is not an empty
value of a field that may not be blank, it is one of the field's choices, and it passes the field's validators
(the common ones — maximum length, minimum and maximum value — compared directly; any other called as it is).

It never decides that a value is invalid: when any check is not passed, or a field is of a kind it does not know,
the record goes through ``full_clean`` itself, so a refused record is refused with the domain's own messages, and
exactly the records ``full_clean`` refuses are refused.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from typing import Any

from django.core import validators as v
from django.core.exceptions import ValidationError
from django.db import models

from integrations.upsert.insert import IDENTITY

Check = Callable[[Any], bool]
# Field classes (exact) whose to_python returns a value of these types unchanged.
_TYPES: dict[type[models.Field], tuple[type, ...]] = {
    **IDENTITY, models.DecimalField: (decimal.Decimal,), models.DateTimeField: (dt.datetime,),
    models.DateField: (dt.date,),
}
_SIMPLE = (v.MaxLengthValidator, v.MinLengthValidator, v.MaxValueValidator, v.MinValueValidator,
           v.ProhibitNullCharactersValidator)
MEMO = 10_000  # valid values remembered per field
_compiled: dict[type[models.Model], dict[str, tuple[str, Check | None]]] = {}


def field_checks(model: type[models.Model]) -> dict[str, tuple[str, Check | None]]:
    """Field name -> (attname, check); check None: the field is always left to ``full_clean``."""
    if model not in _compiled:
        _compiled[model] = {f.name: (f.attname, _compile(f)) for f in model._meta.concrete_fields
                            if not f.is_relation and not f.primary_key}
    return _compiled[model]


def surely_valid(model: type[models.Model], instance: Any, names: list[str]) -> bool:
    """True only when ``full_clean`` of these fields (and the model's ``clean``) would pass; False: ask it."""
    if type(instance).clean is not models.Model.clean:
        return False
    checks = field_checks(model)
    for name in names:
        attname, check = checks.get(name, ("", None))
        if check is None:
            return False
        try:
            if not check(getattr(instance, attname)):
                return False
        except (ValidationError, TypeError, ValueError, ArithmeticError):
            return False
    return True


def _compile(field: models.Field) -> Check | None:
    types = _TYPES.get(type(field))
    if types is None or field.generated or not field.editable:
        return None
    empty = field.empty_values
    blank, choices = field.blank, None
    if field.choices is not None:
        choices = frozenset(key for key, _label in field.flatchoices)
    tests = [_validator(one) for one in field.validators]
    # Values that passed validators which are Django's own (pure: a regex, digit counts) are remembered, so a value
    # many records share (a state, a postal code, a number of bathrooms) is checked once per process.
    pure = all(type(one).__module__ == "django.core.validators" and not callable(getattr(one, "limit_value", None))
               for one in field.validators)  # a callable limit (a date not in the past) may change its answer
    slow = [one for one in field.validators if type(one) not in _SIMPLE]
    memo: set[tuple[type, Any]] | None = set() if slow and pure else None
    is_decimal = isinstance(field, models.DecimalField)
    exact_date = type(field) is models.DateField
    text = types == (str,)  # CharField's to_python keeps any str, a TextChoices member too

    def check(value: Any) -> bool:
        if value in empty:  # full_clean skips an empty value of a field that may be blank, refuses it otherwise
            return blank
        if (type(value) not in types and not (text and isinstance(value, str))) or (
                exact_date and type(value) is not dt.date):
            return False  # to_python would convert it: let full_clean say what it makes of it
        if is_decimal and not value.is_finite():
            return False
        if memo is not None:
            key = (type(value), str(value) if is_decimal else value)  # Decimal("2.5") and ("2.50") differ in digits
            if key in memo:
                return True
        if choices is not None and value not in choices:
            return False
        for test in tests:  # a loop, not a generator: this runs 100,000 times a pull
            if not test(value):
                return False
        if memo is not None and len(memo) < MEMO:
            memo.add(key)
        return True

    return check


def _validator(validator: Any) -> Callable[[Any], bool]:
    limit = getattr(validator, "limit_value", None)
    if not callable(limit):
        if type(validator) is v.MaxLengthValidator:
            return lambda value: len(value) <= limit
        if type(validator) is v.MinLengthValidator:
            return lambda value: len(value) >= limit
        if type(validator) is v.MaxValueValidator:
            return lambda value: value <= limit
        if type(validator) is v.MinValueValidator:
            return lambda value: value >= limit
    if type(validator) is v.ProhibitNullCharactersValidator:
        return lambda value: "\x00" not in str(value)

    def call(value: Any) -> bool:
        validator(value)  # raises ValidationError: full_clean will say it
        return True

    return call
