"""Fixture loading for the Builder Backed tests: JSON scenarios shipped with the plug-in."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from integrations.builderbacked.mapping import Node

FIXTURES = Path(__file__).resolve().parents[3] / "integrations" / "builderbacked" / "fixtures"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def node(data: dict[str, Any], **changes: Any) -> Node:
    return Node(**{**data, **changes})


def record(data: dict[str, Any]) -> SimpleNamespace:
    """A stand-in with a model's attributes (ISO datetimes parsed), for the pure mapping functions."""
    values = dict(data)
    for key in ("display_start", "display_end"):
        if isinstance(values.get(key), str):
            values[key] = dt.datetime.fromisoformat(values[key])
    return SimpleNamespace(**values)


def connect(org: Any, base_url: str, name: str = "Builder Backed", **config: Any) -> Any:
    """A Builder Backed connection to a running sandbox with its demo credentials, rate limit off."""
    from integrations.models import Connection
    from integrations.registry import get_plugin

    conn = Connection(organization=org, vendor="builderbacked", name=name, base_url=base_url,
                      config={"rate_limit": {"enabled": False}, **config})
    conn.set_credentials(get_plugin("builderbacked").demo_credentials)
    conn.save()
    return conn
