"""The benchmarks' surroundings: a PostgreSQL database of their own, a private Redis, the environment of children.

Without DATABASE_URL a database ``lintel_bench_<pid>`` is created on the local PostgreSQL
(postgres://postgres@127.0.0.1:5432) and dropped at the end. With DATABASE_URL (PostgreSQL only: COPY is one of
the figures) that database is used as it is. A redis-server is started on a free 127.0.0.1 port for the broker,
the cache and the rate limiter when the binary is installed (never the machine's shared Redis); otherwise
CELERY_BROKER_URL / REDIS_URL are used if set, else the embedded file broker.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def log(message: str) -> None:
    """Progress goes to stderr: stdout carries only the JSON lines."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)


@contextlib.contextmanager
def database() -> Iterator[str]:
    given = os.environ.get("DATABASE_URL", "")
    if given:
        if not given.startswith(("postgres://", "postgresql://")):
            raise SystemExit("make bench needs PostgreSQL: DATABASE_URL must be a postgres:// URL (or unset).")
        log(f"using DATABASE_URL ({given.rsplit('@', 1)[-1]})")
        yield given
        return
    name = f"lintel_bench_{os.getpid()}"
    try:
        _admin(LOCAL_POSTGRES, f'CREATE DATABASE "{name}"')
    except Exception as exc:
        raise SystemExit(f"make bench: cannot create a database on {LOCAL_POSTGRES} ({exc}). Start PostgreSQL there "
                         "or set DATABASE_URL to a PostgreSQL database the benchmarks may fill.") from exc
    log(f"created database {name}")
    try:
        yield _with_db(LOCAL_POSTGRES, name)
    finally:
        with contextlib.suppress(Exception):
            _admin(LOCAL_POSTGRES, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            log(f"dropped database {name}")


@contextlib.contextmanager
def private_redis() -> Iterator[str | None]:
    binary = shutil.which("redis-server")
    if binary is None:
        yield os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL") or None
        return
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="lintel-bench-redis-")
    proc = subprocess.Popen(  # noqa: S603 (our own arguments)
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(port)
        log(f"private redis-server on 127.0.0.1:{port}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        if proc.poll() is None:
            proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def child_env(database_url: str, redis_url: str | None, var_dir: str) -> dict[str, str]:
    """What every benchmark process runs with: production-like settings (DEBUG off, so no query log)."""
    env = {k: v for k, v in os.environ.items() if k not in ("LINTEL_TEST_DB_SUFFIX",)}
    env.update(
        DATABASE_URL=database_url, DEBUG="0", SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver", SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0", SECURE_HSTS_SECONDS="0", LOG_LEVEL=env.get("LOG_LEVEL", "WARNING"),
        API_THROTTLE_RATE="100000000/minute", LINTEL_VAR_DIR=var_dir, MEDIA_ROOT=str(Path(var_dir) / "media"),
        DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=str(ROOT), SITE_URL="http://127.0.0.1",
        STATIC_ROOT=str(Path(var_dir) / "static"),
    )
    (Path(var_dir) / "static").mkdir(parents=True, exist_ok=True)
    if redis_url:
        env.update(CELERY_BROKER_URL=redis_url, REDIS_URL=redis_url)
    else:
        env.pop("CELERY_BROKER_URL", None)
        env.pop("REDIS_URL", None)
    return env


def migrate(env: dict[str, str]) -> None:
    started = time.monotonic()
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=600)
    log(f"migrated in {time.monotonic() - started:.1f} s")
