"""The plug-in's JSON fixtures (integrations/rentengine/fixtures/), by scenario name, as pytest params."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parents[3] / "integrations" / "rentengine" / "fixtures"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def cases(name: str) -> list[Any]:
    """One param per ``{"case": ...}`` entry, named by its case."""
    return [pytest.param(case, id=case["case"]) for case in load(name)]


def unmappable(name: str) -> list[Any]:
    return [pytest.param(re.escape(c["error"]), c["record"], id=c["case"]) for c in load(f"{name}_unmappable")]
