"""Keyset ("cursor") pagination over (ordering field, id): stable while others write.

A cursor holds the ordering values of the last row seen, and the next page is "rows after these values"; so
a row inserted or deleted elsewhere never shifts a page, unlike offsets. Every ordering ends with ``id``,
which makes the order total. Orderings are limited to fields that are never null. No count query is made.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q, QuerySet
from drf_spectacular.plumbing import get_view_model
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
COMMON_ORDERINGS = ("id", "created_at", "updated_at")


@dataclass(frozen=True)
class Cursor:
    values: tuple[Any, ...]
    backwards: bool


def _sortable(model: type[Model] | None, name: str) -> bool:
    """A concrete, non-null field of the model: keyset comparisons cannot order NULLs."""
    if model is None:
        return name == "id"
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return bool(field.concrete and not field.null)


def _orderings(view: Any, model: type[Model] | None = None) -> tuple[str, ...]:
    """The ``ordering`` values a view's list accepts: id, created_at, updated_at and the view's ordering_fields,
    as far as its model has them (views of other apps share this pagination)."""
    model = model or get_view_model(view, emit_warnings=False)
    extra = getattr(view, "ordering_fields", ())
    names = dict.fromkeys((*COMMON_ORDERINGS, *(extra if isinstance(extra, list | tuple) else ())))
    return tuple(variant for field in names if _sortable(model, field) for variant in (field, f"-{field}"))


def sortable_fields(view: Any, model: type[Model]) -> tuple[str, ...]:
    """The fields a view's list may be ordered by (what a page of ``.values()`` rows needs for its cursors)."""
    return tuple(name for name in _orderings(view, model) if not name.startswith("-"))


class KeysetPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        self.model = queryset.model
        self.page_size = self._page_size(request)
        self.fields = self._ordering(request, view)
        cursor = self._cursor(request, queryset)
        order = [f"-{f}" if desc else f for f, desc in self.fields]
        if cursor is not None and cursor.backwards:
            order = [f"-{f}" if not desc else f for f, desc in self.fields]
        qs = queryset.order_by(*order)
        if cursor is not None:
            qs = qs.filter(self._beyond(cursor))
        rows = list(qs[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if cursor is not None and cursor.backwards:
            rows.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, cursor is not None
        self.rows = rows
        return rows

    # --- query parameters ------------------------------------------------------------------------
    def _page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return DEFAULT_PAGE_SIZE
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            raise ValidationError({self.page_size_query_param: [f"Use a whole number from 1 to {MAX_PAGE_SIZE}."]})
        return int(raw)

    def _ordering(self, request: Request, view: Any) -> tuple[tuple[str, bool], ...]:
        raw = request.query_params.get(self.ordering_query_param, getattr(view, "default_ordering", "id"))
        allowed = _orderings(view, self.model)
        if raw not in allowed:
            raise ValidationError({self.ordering_query_param: [f"Use one of: {', '.join(allowed)}."]})
        name, desc = raw.lstrip("-"), raw.startswith("-")
        return ((name, desc),) if name == "id" else ((name, desc), ("id", desc))

    def _cursor(self, request: Request, queryset: QuerySet) -> Cursor | None:
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None
        invalid = ValidationError({self.cursor_query_param: ["Invalid cursor: use the next or previous link as is."]})
        try:
            payload = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"==="))
            names, values, backwards = payload["o"], payload["v"], bool(payload.get("b"))
        except (ValueError, KeyError, TypeError, UnicodeEncodeError, binascii.Error):
            raise invalid from None
        if names != [("-" if desc else "") + f for f, desc in self.fields] or len(values) != len(self.fields):
            raise ValidationError({self.cursor_query_param: ["This cursor belongs to another ordering."]})
        meta = queryset.model._meta
        try:
            parsed = tuple(meta.get_field(f).to_python(v) for (f, _), v in zip(self.fields, values, strict=True))
        except (DjangoValidationError, TypeError, ValueError):
            raise invalid from None
        if any(v is None for v in parsed):
            raise invalid
        return Cursor(parsed, backwards)

    def _beyond(self, cursor: Cursor) -> Q:
        """Rows strictly after the cursor in the (possibly reversed) order: (a > x) or (a = x and id > y)."""
        q = Q()
        for index, (name, desc) in enumerate(self.fields):
            after = desc == cursor.backwards  # ascending and forwards, or descending and backwards
            step = Q(**{f"{name}__{'gt' if after else 'lt'}": cursor.values[index]})
            for prior, _ in self.fields[:index]:
                step &= Q(**{prior: cursor.values[self._index(prior)]})
            q |= step
        return q

    def _index(self, name: str) -> int:
        return [f for f, _ in self.fields].index(name)

    # --- links -----------------------------------------------------------------------------------
    def _encode(self, row: Any, backwards: bool) -> str:
        values = []
        for name, _ in self.fields:
            value = row[name] if isinstance(row, dict) else getattr(row, name)  # a .values() row, or an instance
            values.append(value.isoformat() if hasattr(value, "isoformat") else str(value))
        names = [("-" if desc else "") + f for f, desc in self.fields]
        payload = json.dumps({"o": names, "v": values, "b": backwards}, separators=(",", ":"))
        return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")

    def _link(self, row: Any, backwards: bool) -> str:
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self._encode(row, backwards))

    def get_next_link(self) -> str | None:
        return self._link(self.rows[-1], False) if self.has_next and self.rows else None

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if not self.rows:  # walked past the end: previous is the first page
            return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)
        return self._link(self.rows[0], True)

    def get_paginated_response(self, data: list[Any]) -> Response:
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page, or null on the last page.",
                         "example": "https://lintel.example/api/v1/homes/?cursor=eyJvIjpbImlkIl0sInYiOlsiNDIiXX0"},
                "previous": {**link, "description": "The previous page, or null on the first page.", "example": None},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {"name": self.cursor_query_param, "in": "query", "required": False,
             "description": "Opaque position from a previous response's next/previous link.",
             "schema": {"type": "string"}},
            {"name": self.page_size_query_param, "in": "query", "required": False,
             "description": f"Rows per page (default {DEFAULT_PAGE_SIZE}).",
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}},
            {"name": self.ordering_query_param, "in": "query", "required": False,
             "description": "Sort order; “-” for descending. Ties are broken by id.",
             "schema": {"type": "string", "enum": list(_orderings(view)),
                        "default": getattr(view, "default_ordering", "id")}},
        ]
