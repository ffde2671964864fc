"""Reading settings from the environment.

Values are read when settings load (Django's settings module is itself the
"use" point); secrets may come from files through the ``<NAME>_FILE`` form.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def var_dir() -> Path:
    path = Path(os.environ.get("LINTEL_VAR_DIR", BASE_DIR / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def get(name: str, default: str | None = None) -> str | None:
    """Return NAME from the environment, or the content of the file named by NAME_FILE."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def get_bool(name: str, default: bool = False) -> bool:
    value = get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def get_int(name: str, default: int) -> int:
    value = get(name)
    return int(value) if value not in (None, "") else default


def get_list(name: str, default: str = "") -> list[str]:
    value = get(name, default) or ""
    return [item.strip() for item in value.split(",") if item.strip()]


def local_secret_key() -> str:
    """A secret key generated once into var/ for local use (never used when DEBUG is off)."""
    path = var_dir() / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()
