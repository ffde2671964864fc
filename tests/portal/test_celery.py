"""Celery: late acks, prefetch 1, time limits, beat from the database, tasks sent only once the transaction commits."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from celery.signals import after_task_publish
from django.db import transaction
from kombu import Connection

from portal.celery import app
from portal.core.tasks import ping


def test_the_worker_acknowledges_late_takes_one_task_at_a_time_and_has_time_limits():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"


def test_tasks_can_wait_for_the_transaction_to_commit():
    assert callable(getattr(ping, "delay_on_commit", None))
    assert callable(getattr(ping, "apply_async_on_commit", None))


@pytest.fixture
def published() -> Iterator[list[str]]:
    """The ping tokens Celery has handed to the broker (after_task_publish fires only once the broker took it)."""
    tokens: list[str] = []

    def receiver(sender=None, headers=None, body=None, **kwargs):
        if sender == ping.name:
            tokens.append(body[0][0] if body and body[0] else "")

    after_task_publish.connect(receiver, weak=False)
    yield tokens
    after_task_publish.disconnect(receiver)


@pytest.fixture
def private_queue() -> Iterator[str]:
    """A queue of our own on the configured broker, so other tests' messages cannot confuse the count."""
    name = f"test-on-commit-{uuid.uuid4().hex[:12]}"
    yield name
    with Connection(app.conf.broker_url, transport_options=app.conf.broker_transport_options) as conn:
        queue = conn.SimpleQueue(name)
        queue.clear()
        queue.close()


def messages_in(queue_name: str) -> list[str]:
    """Take every message from the queue; return the ping tokens they carry."""
    tokens = []
    with Connection(app.conf.broker_url, transport_options=app.conf.broker_transport_options) as conn:
        queue = conn.SimpleQueue(queue_name)
        try:
            while True:
                message = queue.get(timeout=0.5)
                tokens.append(message.payload[0][0])
                message.ack()
        except queue.Empty:
            pass
        finally:
            queue.close()
    return tokens


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_task_published_in_a_rolled_back_transaction_is_never_sent(published, private_queue):
    token = uuid.uuid4().hex
    with pytest.raises(Boom), transaction.atomic():
        ping.delay_on_commit(token)
        ping.apply_async_on_commit(args=[token], queue=private_queue)
        raise Boom

    assert token not in published
    assert messages_in(private_queue) == []


@pytest.mark.django_db(transaction=True)
def test_a_task_published_in_a_committed_transaction_is_sent_once_after_the_commit(published, private_queue):
    token = uuid.uuid4().hex
    with transaction.atomic():
        ping.apply_async_on_commit(args=[token], queue=private_queue)
        assert published == []  # not yet: the transaction is still open

    assert published == [token]
    assert messages_in(private_queue) == [token]


@pytest.mark.django_db(transaction=True)
def test_only_the_outer_transaction_decides(published, private_queue):
    token = uuid.uuid4().hex
    with pytest.raises(Boom), transaction.atomic():
        with transaction.atomic():
            ping.apply_async_on_commit(args=[token], queue=private_queue)
        # The inner block "committed", but only to a savepoint: nothing may go out yet, and nothing will.
        assert published == []
        raise Boom
    assert published == []
    assert messages_in(private_queue) == []


def test_delay_on_commit_is_deferred_by_the_same_on_commit_hook(django_capture_on_commit_callbacks, published,
                                                                 db):
    token = uuid.uuid4().hex
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ping.delay_on_commit(token)
    assert len(callbacks) == 1
    assert published == []  # captured, never run: as if the transaction had rolled back


def test_ping_answers_pong():
    assert ping.run("x") == "pong x"


def test_tasks_publish_to_the_configured_broker_in_any_django_process(tmp_path):
    """A process that only sets Django up (the web server, a shell) must use Lintel's app, not Celery's default."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "import django; django.setup()\n"
        "from portal.core.tasks import ping\n"
        "print(ping.app.main, ping.app.conf.broker_url)\n"
    )
    env = {**os.environ, "LINTEL_VAR_DIR": str(tmp_path), "CELERY_BROKER_URL": "redis://127.0.0.1:1/9"}
    done = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["lintel", "redis://127.0.0.1:1/9"]


# --- Housekeeping on beat's schedule ------------------------------------------------------------------------------

def test_beat_runs_the_housekeeping_and_every_scheduled_task_exists_in_the_worker(db):
    from django_celery_beat.models import PeriodicTask

    schedule = {t.task: t for t in PeriodicTask.objects.select_related("interval")}
    purge, sessions = (schedule["portal.core.tasks.purge_idempotency_records"],
                       schedule["portal.core.tasks.clear_expired_sessions"])
    assert purge.enabled and (purge.interval.every, purge.interval.period) == (1, "hours")
    assert sessions.enabled and (sessions.interval.every, sessions.interval.period) == (1, "days")
    previews = schedule["portal.core.tasks.drop_stale_import_previews"]
    assert previews.enabled and (previews.interval.every, previews.interval.period) == (1, "days")
    app.loader.import_default_modules()  # what a worker does at start: autodiscover every app's tasks module
    assert set(schedule) <= set(app.tasks), "beat would send a task no worker knows"


def test_the_purge_forgets_only_idempotency_keys_older_than_a_day(db):
    import datetime as dt

    from django.utils import timezone

    from portal.api.models import IdempotencyRecord
    from portal.core.tasks import purge_idempotency_records

    old = IdempotencyRecord.objects.create(owner="key:1", key="old", method="POST", path="/api/v1/homes/",
                                           fingerprint="x", status_code=201)
    fresh = IdempotencyRecord.objects.create(owner="key:1", key="fresh", method="POST", path="/api/v1/homes/",
                                             fingerprint="y", status_code=201)
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert purge_idempotency_records.apply().get() == 1
    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_clearing_sessions_deletes_only_the_expired_ones(db):
    import datetime as dt

    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from portal.core.tasks import clear_expired_sessions

    expired, live = SessionStore(), SessionStore()
    expired["n"] = live["n"] = 1
    expired.create()
    live.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - dt.timedelta(days=1))
    clear_expired_sessions.apply().get()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
