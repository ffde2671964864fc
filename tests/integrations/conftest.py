"""Fixtures for integrations tests: sandboxes served over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from integrations.sandbox.app import SandboxApp
from integrations.sandbox.server import SandboxServer, serve


@pytest.fixture
def serve_sandbox() -> Iterator[Callable[..., SandboxServer]]:
    """Start sandboxes on a free port: ``serve_sandbox({"/buildium": app})`` or ``serve_sandbox(app)``
    (mounted at "/"). Every server started is stopped at the end of the test."""
    started: list[SandboxServer] = []

    def start(apps: dict[str, SandboxApp] | SandboxApp) -> SandboxServer:
        mounts = apps if isinstance(apps, dict) else {"/": apps}
        server = serve(mounts)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
