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


FAKE = {"fakevendor": "tests.integrations.fakevendor.plugin.FakePlugin"}


@pytest.fixture
def fake_plugin(settings):
    """Registers the small test plug-in (tests/integrations/fakevendor) for this test."""
    settings.INTEGRATIONS_EXTRA_PLUGINS = FAKE
    from integrations.registry import get_plugin

    return get_plugin("fakevendor")


@pytest.fixture
def fake_sandbox(serve_sandbox, fake_plugin):
    """The fake vendor's sandbox over HTTP, rate limit off (tests that need it turn it on)."""
    app = fake_plugin.sandbox_app(rate_limit=False)
    server = serve_sandbox({"/fake": app})
    app.base_url = server.url_for("/fake")
    return app


@pytest.fixture
def fake_connection(org, fake_sandbox, fake_plugin):
    from integrations.models import Connection

    connection = Connection(organization=org, vendor="fakevendor", name="Fake", base_url=fake_sandbox.base_url,
                            config={"rate_limit": {"enabled": False}, "lookback_seconds": 60})
    connection.set_credentials(fake_plugin.demo_credentials)
    connection.save()
    return connection


@pytest.fixture(autouse=True)
def _tasks_run_in_process():
    """Tasks published by the code under test run at once, in process, instead of landing in the real broker."""
    from portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
