"""Load the plug-in's JSON fixtures (integrations/buildium/fixtures/) by scenario name."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[3] / "integrations" / "buildium" / "fixtures"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def by_id(name: str) -> dict[int, dict[str, Any]]:
    return {record["Id"]: record for record in load(name)}


def unmappable(name: str) -> list[Any]:
    """pytest params (expected reason, record), named by their case, from a ``<name>_unmappable`` fixture."""
    import pytest

    return [
        pytest.param(re.escape(case["error"]), case["record"], id=case["case"]) for case in load(f"{name}_unmappable")
    ]
