"""What a test needs from the machine (Chromium, redis-server, a Redis to talk to)."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(what: str) -> NoReturn:
    """The machine lacks something the test needs: skipped on a developer's machine, a failure in CI (CI=true),
    where every test must really run."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI runs every test)")
    pytest.skip(what)
