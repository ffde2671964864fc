"""/healthz answers 200 when the database and the broker answer, 503 when either does not."""

from __future__ import annotations

import socket

import pytest

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local port nothing listens on (bound and released at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_is_200_when_the_database_and_the_broker_answer(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "detail": "ok", "vendor": body["database"]["vendor"]}
    assert body["broker"]["ok"] is True
    assert body["broker"]["transport"] == settings.CELERY_BROKER_URL.split("://", 1)[0]
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("scheme", ["redis", "amqp"])
def test_healthz_is_503_when_the_broker_is_unreachable(client, settings, scheme):
    settings.CELERY_BROKER_URL = f"{scheme}://127.0.0.1:{closed_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False
    assert body["broker"]["transport"] == scheme
    assert body["broker"]["detail"]  # the error's class name, never the URL (it may carry a password)
    assert "127.0.0.1" not in response.content.decode()
    assert body["elapsed_ms"] < 5000  # a probe must not hang on a dead broker


def test_healthz_needs_no_sign_in_and_only_answers_get(client):
    assert client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
