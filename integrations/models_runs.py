"""Run history and webhook deliveries (kept apart from models.py to keep each module small)."""

from __future__ import annotations

from typing import Any

from django.db import models

# "faults": failed vendor calls (429, 5xx, timeouts, dropped connections, malformed bodies), retried or not.
COUNT_KEYS = ("fetched", "created", "updated", "unchanged", "failed", "deferred", "pushed", "missing", "conflicts",
              "faults")
MAX_ERRORS = 500  # a run keeps this many record errors; the rest are counted, not listed


class RunKind(models.TextChoices):
    PULL = "pull", "Pull"
    PUSH = "push", "Push"
    WEBHOOK = "webhook", "Webhook"
    CONFIRM = "confirm", "Push confirmation"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    WAITING = "waiting", "Waiting (rate limited, rescheduled)"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Finished with record errors"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


FINISHED = {RunStatus.SUCCEEDED, RunStatus.PARTIAL, RunStatus.FAILED, RunStatus.SKIPPED}


class SyncRun(models.Model):
    connection = models.ForeignKey("integrations.Connection", on_delete=models.CASCADE, related_name="runs")
    kind = models.CharField(max_length=10, choices=RunKind.choices)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    full = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)  # {stream: {fetched, created, updated, ...}}
    progress = models.JSONField(default=dict, blank=True)  # {stream, pages_done, pages_total, records_done, ...}
    errors = models.JSONField(default=list, blank=True)  # [{stream, record, reason}]
    error_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)  # why the run failed as a whole
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["connection", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} run {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    def add(self, stream: str, key: str, n: int = 1) -> None:
        counts = self.counts.setdefault(stream, dict.fromkeys(COUNT_KEYS, 0))
        counts[key] = counts.get(key, 0) + n

    def add_error(self, stream: str, record: Any, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"stream": stream, "record": None if record is None else str(record),
                                "reason": str(reason)[:1000]})

    def totals(self) -> dict[str, int]:
        total = dict.fromkeys(COUNT_KEYS, 0)
        for counts in self.counts.values():
            for key, value in counts.items():
                total[key] = total.get(key, 0) + value
        return total

    @property
    def percent(self) -> int | None:
        done, total = self.progress.get("pages_done"), self.progress.get("pages_total")
        if not total:
            return None
        return min(100, int(100 * (done or 0) / total))


class DeliveryStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed"
    HELD = "held", "Held (connection paused)"


class WebhookDelivery(models.Model):
    connection = models.ForeignKey("integrations.Connection", on_delete=models.CASCADE, related_name="deliveries")
    dedupe_key = models.CharField(max_length=128)
    headers = models.JSONField(default=dict, blank=True)  # without signatures, keys or tokens
    body = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.RECEIVED)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "dedupe_key"], name="webhook_delivery_dedupe_unique"),
        ]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"Delivery {self.pk} ({self.status})"


class RateLimitWindow(models.Model):
    """The database-backed rate limiter's state for one connection (used when there is no Redis)."""

    key = models.CharField(max_length=100, unique=True)
    hits = models.JSONField(default=list, blank=True)  # send times (epoch seconds) inside the current window
    paused_until = models.FloatField(default=0)

    def __str__(self) -> str:
        return self.key
