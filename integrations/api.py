"""/api/v1/connections, /sync-runs, /conflicts: the same auth, scoping, pagination and errors as portal/api."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from integrations import engine, health, tasks
from integrations.api_serializers import (
    ConflictSerializer,
    ConnectionSerializer,
    ResolveSerializer,
    SyncRequestSerializer,
    SyncRunSerializer,
)
from integrations.models import Conflict, Connection, SyncRun
from portal.api.authentication import KeyPrincipal
from portal.api.tenancy import tenant_of
from portal.api.views.base import ApiViewMixin


class ConnectionAdmins(permissions.BasePermission):
    """Connections hold a vendor's keys: changing them takes an owner or admin (or a write API key)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS or view.action in ("sync", "test"):
            return True
        if isinstance(request.user, KeyPrincipal) or (tenant_of(request).membership is None):
            return True
        if tenant_of(request).membership.is_admin:
            return True
        raise exceptions.PermissionDenied("Only owners and admins of the organization manage connections.")


class OrgScoped(ApiViewMixin):
    model: type[models.Model]
    org_path = "organization"

    def get_queryset(self) -> models.QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.model._default_manager.none()
        org = tenant_of(self.request).organization
        return self.model._default_manager.filter(**{self.org_path: org}).order_by("-id")


class ConnectionViewSet(OrgScoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Vendor connections of the organization. Credentials are write-only."""

    model = Connection
    serializer_class = ConnectionSerializer
    permission_classes = [*viewsets.GenericViewSet.permission_classes, ConnectionAdmins]
    http_method_names = ["get", "post", "patch", "head"]
    lookup_value_regex = "[0-9]+"

    def perform_create(self, serializer: Any) -> None:
        serializer.save(organization=tenant_of(self.request).organization)

    @extend_schema(request=SyncRequestSerializer, responses={202: SyncRunSerializer}, summary="Start a sync")
    @action(detail=True, methods=["post"])
    def sync(self, request: Request, pk: str | None = None) -> Response:
        connection = self.get_object()
        options = SyncRequestSerializer(data=request.data or {})
        options.is_valid(raise_exception=True)
        run = tasks.publish_sync(connection.pk, full=options.validated_data["full"])
        return Response(SyncRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, summary="Test the connection with one authenticated call")
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str | None = None) -> Response:
        ok, message = engine.test_connection(self.get_object())
        return Response({"ok": ok, "message": message})

    @extend_schema(request=None, summary="Pause syncing")
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk: str | None = None) -> Response:
        connection = self.get_object()
        health.pause(connection.pk, f"Paused by {request.user}.")
        connection.refresh_from_db()
        return Response(self.get_serializer(connection).data)

    @extend_schema(request=None, summary="Resume syncing")
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str | None = None) -> Response:
        connection = self.get_object()
        health.resume(connection.pk)
        connection.refresh_from_db()
        return Response(self.get_serializer(connection).data)


class SyncRunViewSet(OrgScoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Sync runs with their counts per stream, progress and record errors. Filter with ?connection=<id>."""

    model = SyncRun
    serializer_class = SyncRunSerializer
    org_path = "connection__organization"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> models.QuerySet:
        qs = super().get_queryset()
        for name in ("connection", "kind", "status"):
            value = self.request.query_params.get(name) if hasattr(self, "request") else None
            if value:
                qs = qs.filter(**{name: value})
        return qs


class ConflictViewSet(OrgScoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Fields both sides changed. Open ones by default; ?state=all lists resolved ones too."""

    model = Conflict
    serializer_class = ConflictSerializer
    org_path = "connection__organization"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> models.QuerySet:
        qs = super().get_queryset().select_related("ref", "content_type")
        if getattr(self, "request", None) is not None and self.request.query_params.get("state") != "all":
            qs = qs.filter(resolved_at__isnull=True)
        return qs

    @extend_schema(request=ResolveSerializer, responses=ConflictSerializer, summary="Resolve a conflict")
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        conflict = super().get_queryset().filter(pk=pk).first()
        if conflict is None:
            raise exceptions.NotFound("No such conflict in your organization.")
        body = ResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = None if isinstance(request.user, KeyPrincipal) else request.user
        resolved = engine.resolve_conflict(conflict, body.validated_data["resolution"], user)
        return Response(ConflictSerializer(resolved).data)
