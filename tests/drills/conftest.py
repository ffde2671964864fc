"""Drills: failure behaviour proved with real processes, sandboxes over HTTP and a broker of the drill's own.

Every drill is marked ``drill`` and bounded in time. Process drills share the test database on PostgreSQL; on
SQLite (whose test database lives in memory) the children use a migrated file of their own, copied from one
made once per session.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.drills.processes import RedisServer, redis_server
from tests.integrations.conftest import FAKE, fake_plugin, fake_sandbox, serve_sandbox  # noqa: F401  (reused)
from tests.integrations.test_worker_killed import child_env
from tests.needs import missing


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "drill: failure drill with real processes, bounded in time (tests/drills)")


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, made once; process drills on SQLite start from a copy of it."""
    folder = tmp_path_factory.mktemp("drill-db")
    child_env(folder)  # migrates folder/worker.sqlite3
    return folder / "worker.sqlite3"


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this drill's own on a free 127.0.0.1 port (never the machine's shared one)."""
    if shutil.which("redis-server") is None:
        missing("redis-server is not installed")
    with redis_server(tmp_path) as server:
        yield server


@pytest.fixture
def drill_env(request: pytest.FixtureRequest, transactional_db: None, tmp_path: Path, redis: RedisServer,
              settings) -> dict[str, str]:
    """The environment of the drill's processes: its database and its private Redis (broker, cache, limiter)."""
    from django.db import connection as db

    if db.vendor == "sqlite":
        shutil.copy(request.getfixturevalue("_migrated_sqlite"), tmp_path / "worker.sqlite3")
    env = child_env(tmp_path)
    env.update(CELERY_BROKER_URL=redis.url, REDIS_URL=redis.url, LINTEL_VAR_DIR=str(tmp_path / "var"),
               CELERY_TASK_ALWAYS_EAGER="0", LOG_LEVEL="INFO")
    settings.INTEGRATIONS_EXTRA_PLUGINS = FAKE
    return env
