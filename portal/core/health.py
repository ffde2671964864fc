"""/healthz: is the database answering, and is the broker?"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:  # any failure means "not answering"
        return False, type(exc).__name__


def check_broker() -> tuple[bool, str]:
    from portal.celery import app

    # The URL is read from settings at use, so what /healthz probes is what the settings say now.
    # One quick retry, not kombu's default 2 s back-off: a load balancer's probe must answer fast.
    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0.2, interval_step=0, timeout=2)
        return True, "ok"
    except Exception as exc:  # any failure means "not answering"
        return False, type(exc).__name__


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    started = time.monotonic()
    db_ok, db_detail = check_database()
    broker_ok, broker_detail = check_broker()
    healthy = db_ok and broker_ok
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": {"ok": db_ok, "detail": db_detail, "vendor": connection.vendor},
        "broker": {"ok": broker_ok, "detail": broker_detail,
                   "transport": settings.CELERY_BROKER_URL.split("://", 1)[0]},
        "elapsed_ms": round((time.monotonic() - started) * 1000, 1),
    }
    return JsonResponse(body, status=200 if healthy else 503)
