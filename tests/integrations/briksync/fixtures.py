"""The plug-in's JSON fixtures (integrations/briksync/fixtures/), read by name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[3] / "integrations" / "briksync" / "fixtures"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def items(name: str) -> list[dict[str, Any]]:
    return load(name)["data"]["items"]
