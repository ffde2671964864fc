"""Plain data for templates/partials/table.html: views build rows in Python, the partial renders them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    label: str
    sort: str = ""  # the ?sort= key that orders by this column ("" = not sortable)
    num: bool = False  # right-aligned, tabular figures


@dataclass(frozen=True)
class Cell:
    text: Any
    url: str = ""
    num: bool = False
    badge: str = ""
    badge_class: str = ""


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    sort: str = ""
    caption: str = ""
    empty_title: str = "Nothing here yet"
    empty_message: str = ""
    empty_action_url: str = ""
    empty_action_label: str = ""
