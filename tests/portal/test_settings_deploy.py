"""Production settings: `check --deploy` is clean, the security headers are sent, secrets come from the environment."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow
ROOT = Path(settings.BASE_DIR)
# Whatever the test run itself was given, a production process starts from its own environment.
INHERITED = ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
             "LINTEL_TEST_DB_SUFFIX", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE",
             "CSRF_COOKIE_SECURE", "AWS_STORAGE_BUCKET_NAME", "EMAIL_HOST")
HEADERS_SCRIPT = """
import json, django
django.setup()
from django.test import Client
client = Client()
plain = client.get("/healthz", HTTP_HOST="example.com")
secure = client.get("/healthz", HTTP_HOST="example.com", secure=True)
print(json.dumps({"plain": [plain.status_code, plain.get("Location")],
                  "secure": [secure.status_code, dict(secure.headers)],
                  "cookies": {"session": django.conf.settings.SESSION_COOKIE_SECURE,
                              "csrf": django.conf.settings.CSRF_COOKIE_SECURE}}))
"""


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in INHERITED}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="example.com",
               LINTEL_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="portal.settings")
    env.update(extra)
    return env


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_nothing_with_production_values(tmp_path):
    done = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_production_responses_carry_hsts_a_csp_without_inline_scripts_and_deny_framing(tmp_path):
    done = run([sys.executable, "-c", HEADERS_SCRIPT], production_env(tmp_path))
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])

    assert seen["plain"] == [301, "https://example.com/healthz"]  # plain HTTP is redirected to HTTPS
    status, headers = seen["secure"]
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy.get("script-src", "") + policy["default-src"]
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert seen["cookies"] == {"session": True, "csrf": True}


def test_the_csp_without_inline_scripts_is_sent_on_pages_in_development_too(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src


def test_without_debug_a_secret_key_is_required(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    for argv in (["manage.py", "migrate", "--noinput"], ["-c", "import django; django.setup()"]):
        done = run([sys.executable, *argv], env)
        assert done.returncode != 0, argv
        assert "SECRET_KEY must be set when DEBUG is off." in done.stderr, argv
    # Reading the code needs no key, but the deploy check says it is missing.
    assert run([sys.executable, "manage.py", "check"], env).returncode == 0
    done = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert done.returncode != 0
    assert "security.W009" in done.stderr + done.stdout


def test_secrets_can_come_from_files(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(64) + "\n")
    env = production_env(tmp_path, SECRET_KEY_FILE=str(key_file))
    del env["SECRET_KEY"]
    script = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    done = run([sys.executable, "-c", script], env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == key_file.read_text().strip()


def test_every_environment_variable_the_settings_read_is_in_the_readme_table():
    import re

    read = set()
    for source in ("portal/settings.py", "portal/env.py"):
        text = (ROOT / source).read_text()
        read |= set(re.findall(r'env\.get(?:_bool|_int|_list)?\(\s*"([A-Z][A-Z0-9_]+)"', text))
        read |= set(re.findall(r'os\.environ(?:\.get)?[(\[]\s*"([A-Z][A-Z0-9_]+)"', text))
    table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", (ROOT / "README.md").read_text(), flags=re.MULTILINE))
    assert read, "no variables found: has the way settings read the environment changed?"
    assert read - table == set(), "add these to README.md's configuration table"
    assert table - read == set(), "README.md documents variables the settings no longer read"
