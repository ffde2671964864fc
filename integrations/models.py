"""The sync app's records: connections, refs tying local records to vendor ids, runs, outbox, webhooks, conflicts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from integrations.crypto import Credentials, EncryptedCredentialsField
from integrations.models_runs import RateLimitWindow, SyncRun, WebhookDelivery  # noqa: F401  (one app, two files)


class ConnectionState(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"


class Health(models.TextChoices):
    UNKNOWN = "unknown", "Not synced yet"
    OK = "ok", "Healthy"
    DEGRADED = "degraded", "Some records failed"
    FAILING = "failing", "Failing"


class Connection(models.Model):
    """A vendor plug-in installed for one organization. Credentials are encrypted and never shown again."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    vendor = models.CharField(max_length=32, db_index=True)
    name = models.CharField(max_length=100)
    base_url = models.URLField(max_length=300)
    credentials = EncryptedCredentialsField()
    # {"streams": [names] | absent (all), "schedule_minutes": 15, "rate_limit": {"requests", "per_seconds"} |
    #  {"enabled": false}, "lookback_seconds": 300, "options": {vendor option: value}}
    config = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=ConnectionState.choices, default=ConnectionState.ACTIVE)
    health = models.CharField(max_length=10, choices=Health.choices, default=Health.UNKNOWN)
    consecutive_failures = models.PositiveIntegerField(default=0)
    paused_reason = models.TextField(blank=True)
    last_error = models.TextField(blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    # The one-sync-at-a-time lease: holder "host:pid:nonce" until lock_expires_at (renewed every page).
    lock_holder = models.CharField(max_length=120, blank=True, editable=False)
    lock_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="connection_name_unique_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.vendor})"

    def __repr__(self) -> str:
        return f"<Connection {self.pk}: {self.vendor} {self.name!r}>"

    @property
    def plugin(self) -> Any:
        from integrations.registry import get_plugin

        return get_plugin(self.vendor)

    @property
    def is_active(self) -> bool:
        return self.state == ConnectionState.ACTIVE

    def set_credentials(self, values: dict[str, Any]) -> None:
        """Merge new values in (a blank value keeps the stored one, so forms can be write-only)."""
        current = self.credentials if isinstance(self.credentials, Credentials) else Credentials()
        self.credentials = current.merged(values)

    def stream_enabled(self, name: str) -> bool:
        enabled = (self.config or {}).get("streams")
        return enabled is None or name in enabled

    @property
    def options(self) -> dict[str, Any]:
        return dict((self.config or {}).get("options") or {})


class ExternalRef(models.Model):
    """One local record's identity at one vendor connection, and what was last seen / pushed."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="refs")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    stream = models.CharField(max_length=60)
    vendor_id = models.CharField(max_length=100)
    last_seen_hash = models.CharField(max_length=64, blank=True)
    last_pushed_hash = models.CharField(max_length=64, blank=True)
    # Shared fields as both sides last agreed on them: the base of three-way conflict detection.
    synced_values = models.JSONField(default=dict, blank=True)
    vendor_updated_at = models.DateTimeField(null=True, blank=True)
    last_confirmed_at = models.DateTimeField(null=True, blank=True)
    missing_at_vendor_since = models.DateTimeField(null=True, blank=True)
    # A write the vendor accepted but confirms later (contract.Accepted): its token until integrations.confirm
    # settles it, and the vendor's last word on the record ("Completed", "FailedGeoCoding" + its message).
    pending_token = models.CharField(max_length=200, blank=True)
    pending_since = models.DateTimeField(null=True, blank=True)
    vendor_status = models.CharField(max_length=60, blank=True)
    vendor_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["connection", "stream", "vendor_id"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "stream", "vendor_id"], name="extref_vendor_id_unique"),
            models.UniqueConstraint(
                fields=["connection", "stream", "content_type", "object_id"], name="extref_record_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["connection", "pending_since"], condition=~Q(pending_token=""),
                         name="extref_pending_confirmation"),
        ]
        verbose_name = "external reference"

    def __str__(self) -> str:
        return f"{self.connection.vendor}:{self.stream}:{self.vendor_id}"


class SyncState(models.Model):
    """The checkpoint of one pull stream: committed with each page's upsert, so a killed sync resumes there."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="states")
    stream = models.CharField(max_length=60)
    # {"pass": {"started_at", "full", "since", "page", "pages_done", "high_water"}} while a pass is under way.
    cursor = models.JSONField(default=dict, blank=True)
    watermark = models.DateTimeField(null=True, blank=True)
    deferred = models.JSONField(default=dict, blank=True)  # {vendor_id: reason} records waiting for a parent
    last_full_pass_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "stream"], name="syncstate_unique")]

    def __str__(self) -> str:
        return f"{self.connection_id}:{self.stream}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CONFLICT = "conflict", "Held: conflict"
    SUPERSEDED = "superseded", "Superseded by a later change"
    SKIPPED = "skipped", "Nothing to send"


class OutboxEntry(models.Model):
    """A local change waiting to be pushed to one connection (written in the same transaction as the change)."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="outbox")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    stream = models.CharField(max_length=60)
    action = models.CharField(max_length=12)
    payload = models.JSONField(default=dict, blank=True)  # the record's fields at the time of the change
    order = models.IntegerField(default=0)  # PushStream.order: parents first
    status = models.CharField(max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "created_at", "id"]
        indexes = [models.Index(fields=["connection", "status", "order", "id"])]
        verbose_name_plural = "outbox entries"

    def __str__(self) -> str:
        return f"{self.action} {self.stream} #{self.object_id} → {self.connection_id}"


class Resolution(models.TextChoices):
    KEEP_OURS = "keep_ours", "Keep ours"
    TAKE_THEIRS = "take_theirs", "Take theirs"


class Conflict(models.Model):
    """A shared field both sides changed since the last sync; neither value is applied until staff choose."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="conflicts")
    ref = models.ForeignKey(ExternalRef, on_delete=models.CASCADE, related_name="conflicts")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField(max_length=60)
    ours = models.JSONField(null=True, blank=True)
    theirs = models.JSONField(null=True, blank=True)
    detected_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=12, choices=Resolution.choices, blank=True)

    class Meta:
        ordering = ["-detected_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ref", "field"], condition=Q(resolved_at__isnull=True), name="conflict_one_open_per_field"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field} of {self.content_type.model} #{self.object_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
