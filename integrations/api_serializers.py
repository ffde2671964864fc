"""API shapes of connections (credentials write-only), sync runs and conflicts."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from integrations.models import Conflict, Connection, Resolution, SyncRun
from integrations.registry import available


class ConnectionSerializer(serializers.ModelSerializer):
    credentials = serializers.DictField(
        child=serializers.CharField(allow_blank=True), write_only=True, required=False,
        help_text="Write-only: stored encrypted, never returned. On update, blank or absent keys keep their values.",
    )
    credential_keys = serializers.SerializerMethodField(help_text="The names of the stored credentials (no values).")
    vendor_name = serializers.SerializerMethodField()
    webhook_url = serializers.SerializerMethodField()

    class Meta:
        model = Connection
        fields = ["id", "vendor", "vendor_name", "name", "base_url", "config", "state", "health",
                  "consecutive_failures", "paused_reason", "last_error", "last_success_at", "created_at",
                  "credentials", "credential_keys", "webhook_url"]
        read_only_fields = ["state", "health", "consecutive_failures", "paused_reason", "last_error",
                            "last_success_at", "created_at"]

    def get_credential_keys(self, obj: Connection) -> list[str]:
        return sorted(obj.credentials)

    def get_vendor_name(self, obj: Connection) -> str:
        plugin = available().get(obj.vendor)
        return plugin.display_name if plugin else obj.vendor

    def get_webhook_url(self, obj: Connection) -> str:
        path = reverse("integrations:webhook", args=[obj.vendor, obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def validate_vendor(self, value: str) -> str:
        if self.instance is not None and value != self.instance.vendor:
            raise serializers.ValidationError("A connection's vendor cannot change: add a new connection.")
        if value not in available():
            raise serializers.ValidationError(f"Unknown or unavailable vendor. Available: {', '.join(available())}.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        vendor = attrs.get("vendor") or getattr(self.instance, "vendor", None)
        plugin = available().get(vendor or "")
        creds = attrs.get("credentials") or {}
        if plugin is not None:
            known = {f.name for f in plugin.credential_fields}
            unknown = set(creds) - known
            if unknown:
                raise serializers.ValidationError({"credentials": [f"Unknown keys: {', '.join(sorted(unknown))}."]})
            if self.instance is None:
                missing = [f.name for f in plugin.credential_fields if f.required and not creds.get(f.name)]
                if missing:
                    raise serializers.ValidationError({"credentials": [f"Required: {', '.join(missing)}."]})
        return attrs

    def create(self, validated: dict[str, Any]) -> Connection:
        creds = validated.pop("credentials", {})
        connection = Connection(**validated)
        connection.set_credentials(creds)
        connection.save()
        return connection

    def update(self, instance: Connection, validated: dict[str, Any]) -> Connection:
        creds = validated.pop("credentials", None)
        for key, value in validated.items():
            setattr(instance, key, value)
        if creds:
            instance.set_credentials(creds)
        instance.save(update_fields=[*validated, *(["credentials"] if creds else []), "updated_at"])
        return instance


class SyncRunSerializer(serializers.ModelSerializer):
    totals = serializers.SerializerMethodField()

    class Meta:
        model = SyncRun
        fields = ["id", "connection", "kind", "status", "full", "started_at", "finished_at", "counts", "totals",
                  "progress", "errors", "error_count", "message", "created_at"]
        read_only_fields = fields

    def get_totals(self, obj: SyncRun) -> dict[str, int]:
        return obj.totals()


class ConflictSerializer(serializers.ModelSerializer):
    model = serializers.SerializerMethodField()
    vendor_id = serializers.CharField(source="ref.vendor_id", read_only=True)

    class Meta:
        model = Conflict
        fields = ["id", "connection", "model", "object_id", "vendor_id", "field", "ours", "theirs", "detected_at",
                  "resolution", "resolved_at"]
        read_only_fields = fields

    def get_model(self, obj: Conflict) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=Resolution.choices)


class SyncRequestSerializer(serializers.Serializer):
    full = serializers.BooleanField(default=False)
