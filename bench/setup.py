"""Django for a benchmark process, and the one JSON line each benchmark prints."""

from __future__ import annotations

import json
import os
import platform
import sys
from typing import Any


def django_setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()


def machine() -> dict[str, Any]:
    cores = os.cpu_count()
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = "?"
    return {"cores": cores, "memory": memory, "python": platform.python_version()}


def report(name: str, figures: dict[str, Any]) -> None:
    """The benchmark's one line on stdout (numbers rounded for reading)."""

    def tidy(value: Any) -> Any:
        if isinstance(value, float):
            return round(value, 4 if abs(value) < 1 else 2 if abs(value) < 100 else 1)
        if isinstance(value, dict):
            return {k: tidy(v) for k, v in value.items()}
        return value

    print(json.dumps({"bench": name, **tidy(figures)}, separators=(", ", ": ")), flush=True)
    sys.stdout.flush()
