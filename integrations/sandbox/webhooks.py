"""Outgoing webhooks of a sandbox: queued, sent from one background thread, with bounded retries."""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass

import httpx

logger = logging.getLogger("integrations.sandbox.webhooks")


@dataclass
class Delivery:
    url: str
    body: bytes
    headers: dict[str, str]
    attempts: int = 0


class WebhookSender:
    """Posts deliveries in order; a failed one is retried ``max_attempts`` times with a short pause."""

    def __init__(self, max_attempts: int = 3, retry_pause: float = 0.2, timeout: float = 5.0) -> None:
        self.max_attempts = max_attempts
        self.retry_pause = retry_pause
        self.timeout = timeout
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.sent = 0
        self.failed = 0
        self.log: list[dict[str, object]] = []  # the last deliveries (url, status), for tests and the control API

    def send(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        self._ensure_thread()
        self._queue.put(Delivery(url, body, headers))

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        with httpx.Client(timeout=self.timeout) as client:
            while True:
                delivery = self._queue.get()
                if delivery is None:
                    return
                self._deliver(client, delivery)
                self._queue.task_done()

    def _deliver(self, client: httpx.Client, delivery: Delivery) -> None:
        while delivery.attempts < self.max_attempts:
            delivery.attempts += 1
            try:
                response = client.post(delivery.url, content=delivery.body, headers=delivery.headers)
                status: int | str = response.status_code
                if response.is_success:
                    self.sent += 1
                    self._remember(delivery.url, status)
                    return
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            self._remember(delivery.url, status)
            time.sleep(self.retry_pause * delivery.attempts)
        self.failed += 1

    def _remember(self, url: str, status: int | str) -> None:
        self.log.append({"url": url, "status": status})
        del self.log[:-200]

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every queued delivery has been tried (tests use it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._queue.unfinished_tasks == 0:
                return True
            time.sleep(0.02)
        return False

    def stop(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=2)
