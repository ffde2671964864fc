"""Admin for every integrations model. Credentials are write-only: a blank field keeps the stored values, and no
page ever renders them (only the names of the stored keys)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from integrations import health
from integrations.conflicts import resolve
from integrations.models import (
    Conflict,
    Connection,
    ExternalRef,
    OutboxEntry,
    RateLimitWindow,
    SyncRun,
    SyncState,
    WebhookDelivery,
)
from integrations.registry import choices


def parse_pairs(text: str) -> dict[str, str]:
    pairs = {}
    for line in text.splitlines():
        if line.strip():
            key, sep, value = line.partition("=")
            if not sep:
                raise forms.ValidationError(f"“{key.strip()}” has no “=”: write one KEY=VALUE per line.")
            pairs[key.strip()] = value.strip()
    return pairs


class ConnectionAdminForm(forms.ModelForm):
    vendor = forms.ChoiceField(choices=())
    new_credentials = forms.CharField(
        label="Credentials", required=False, widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text="One KEY=VALUE per line. Write-only: stored encrypted, never shown again. Blank keeps them.",
    )

    class Meta:
        model = Connection
        fields = ["organization", "vendor", "name", "base_url", "config", "state", "paused_reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].choices = choices() or [(self.instance.vendor, self.instance.vendor)]
        self.initial.pop("new_credentials", None)

    def clean_new_credentials(self) -> dict[str, str]:
        return parse_pairs(self.cleaned_data.get("new_credentials") or "")

    def save(self, commit: bool = True) -> Connection:
        connection = super().save(commit=False)
        if self.cleaned_data.get("new_credentials"):
            connection.set_credentials(self.cleaned_data["new_credentials"])
        if commit:
            connection.save()
        return connection


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    form = ConnectionAdminForm
    list_display = ["name", "vendor", "organization", "state", "health", "consecutive_failures", "last_success_at"]
    list_filter = ["vendor", "state", "health"]
    search_fields = ["name", "organization__name", "base_url"]
    readonly_fields = ["stored_credential_keys", "health", "consecutive_failures", "last_error", "last_success_at",
                       "last_failure_at", "created_at", "updated_at"]
    actions = ["pause_connections", "resume_connections"]

    @admin.display(description="Stored credentials")
    def stored_credential_keys(self, obj: Connection) -> str:
        return ", ".join(sorted(obj.credentials)) or "none" if obj.pk else "—"

    @admin.action(description="Pause the selected connections")
    def pause_connections(self, request: HttpRequest, queryset: QuerySet) -> None:
        for connection in queryset:
            health.pause(connection.pk, f"Paused by {request.user} in the admin.")
        messages.success(request, f"Paused {queryset.count()} connection(s).")

    @admin.action(description="Resume the selected connections")
    def resume_connections(self, request: HttpRequest, queryset: QuerySet) -> None:
        for connection in queryset:
            health.resume(connection.pk)
        messages.success(request, f"Resumed {queryset.count()} connection(s).")


@admin.register(ExternalRef)
class ExternalRefAdmin(admin.ModelAdmin):
    list_display = ["vendor_id", "stream", "connection", "content_type", "object_id", "last_confirmed_at",
                    "missing_at_vendor_since"]
    list_filter = ["connection", "stream", "content_type"]
    search_fields = ["vendor_id"]
    list_select_related = ["connection", "content_type"]
    readonly_fields = ["last_seen_hash", "last_pushed_hash", "created_at", "updated_at"]
    actions = ["clear_missing"]

    @admin.action(description="Clear the “missing at vendor” mark")
    def clear_missing(self, request: HttpRequest, queryset: QuerySet) -> None:
        cleared = queryset.update(missing_at_vendor_since=None)
        messages.success(request, f"Cleared {cleared} mark(s).")


@admin.register(SyncState)
class SyncStateAdmin(admin.ModelAdmin):
    list_display = ["connection", "stream", "watermark", "last_full_pass_at", "updated_at"]
    list_filter = ["connection"]


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = ["id", "connection", "kind", "status", "started_at", "finished_at", "error_count"]
    list_filter = ["kind", "status", "connection"]
    readonly_fields = [f.name for f in SyncRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "connection", "status", "received_at", "processed_at"]
    list_filter = ["status", "connection"]
    search_fields = ["dedupe_key"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(OutboxEntry)
class OutboxEntryAdmin(admin.ModelAdmin):
    list_display = ["id", "connection", "stream", "action", "object_id", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "stream", "connection"]
    actions = ["retry_now"]

    @admin.action(description="Retry now")
    def retry_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        updated = queryset.exclude(status="sent").update(status="pending", next_attempt_at=None, attempts=0)
        messages.success(request, f"{updated} entr{'y' if updated == 1 else 'ies'} queued again.")


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["id", "connection", "content_type", "object_id", "field", "ours", "theirs", "detected_at",
                    "resolution"]
    list_filter = ["connection", "resolution"]
    readonly_fields = ["resolved_by", "resolved_at", "resolution"]
    actions = ["keep_ours", "take_theirs"]

    def _resolve(self, request: HttpRequest, queryset: QuerySet, how: str) -> None:
        for conflict in queryset.filter(resolved_at__isnull=True):
            resolve(conflict, how, request.user)
        messages.success(request, "Resolved.")

    @admin.action(description="Keep ours (push our value)")
    def keep_ours(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._resolve(request, queryset, "keep_ours")

    @admin.action(description="Take theirs (apply the vendor's value)")
    def take_theirs(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._resolve(request, queryset, "take_theirs")


@admin.register(RateLimitWindow)
class RateLimitWindowAdmin(admin.ModelAdmin):
    list_display = ["key", "paused_until"]
    readonly_fields = ["key", "hits", "paused_until"]
