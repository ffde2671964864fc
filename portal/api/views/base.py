"""What every API view shares: actor, tenant, rate-limit headers, idempotency; and CRUD through the services."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.http import HttpRequest, HttpResponseBase
from rest_framework import exceptions, status, viewsets
from rest_framework.filters import SearchFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from portal.accounts.scoping import Tenant, scoped
from portal.api import idempotency
from portal.api.authentication import actor_for
from portal.api.filters import FilterBackend
from portal.api.pagination import sortable_fields
from portal.api.serializers.rows import plan_for
from portal.api.tenancy import tenant_of
from portal.api.throttling import HEADERS_ATTR
from portal.core.actor import reset_actor, set_actor


class ApiViewMixin:
    """Plugged into every API view (viewsets, schema and docs views alike)."""

    _actor_token: Any = None
    _idempotency: Any = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        finally:
            if self._actor_token is not None:
                reset_actor(self._actor_token)
                self._actor_token = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        try:
            super().initial(request, *args, **kwargs)  # type: ignore[misc]
        except exceptions.APIException:
            # Refused before the throttle ran (bad key, no credentials, no permission): count it anyway, so
            # guessing keys costs budget and the answer carries the rate-limit headers like every other.
            if getattr(request, HEADERS_ATTR, None) is None:
                self.check_throttles(request)  # type: ignore[attr-defined]
            raise
        actor = actor_for(request)
        if actor is not None:
            self._actor_token = set_actor(actor)
        self._idempotency = idempotency.begin(request)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, idempotency.Replay):
            return exc.response
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        state = getattr(request, HEADERS_ATTR, None)
        if state is not None:
            for name, value in state.headers().items():
                response[name] = value
        if self._idempotency is not None and isinstance(response, Response):
            idempotency.finish(self._idempotency, response)
            self._idempotency = None
        return response


class ServiceViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """Reads through ``scoped``; writes validated by an input serializer, made by a service, answered in full.

    Subclasses set ``model``, ``serializer_class`` (the response), ``create_serializer_class`` and
    ``update_serializer_class`` (the inputs) and add the mixins below for the operations the domain allows,
    implementing their ``perform_*`` with a service call.
    """

    model: type[models.Model]
    create_serializer_class: type[BaseSerializer] | None = None
    update_serializer_class: type[BaseSerializer] | None = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    lookup_value_regex = "[0-9]+"
    filter_backends = [FilterBackend, SearchFilter]  # the settings' backends, django-filter's skipped when unused

    @property
    def tenant(self) -> Tenant:
        return tenant_of(self.request)

    def get_queryset(self) -> models.QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no tenant
            return self.model._default_manager.none()
        qs = scoped(self.model, self.tenant)
        if self.select_related:  # select_related() with no names would join every foreign key, on every list
            qs = qs.select_related(*self.select_related)
        return qs.prefetch_related(*self.prefetch_related) if self.prefetch_related else qs

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "create" and self.create_serializer_class:
            return self.create_serializer_class
        if self.action in ("update", "partial_update") and self.update_serializer_class:
            return self.update_serializer_class
        return super().get_serializer_class()

    def respond(self, instance: models.Model, status_code: int = status.HTTP_200_OK, **kw: Any) -> Response:
        # Re-read through the list's queryset so the answer has the same shape (and prefetches) as a GET; a
        # member with a location scope may have written a record outside it, which is then answered as written.
        fresh = self.get_queryset().filter(pk=instance.pk).first() or instance
        data = self.serializer_class(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status_code, **kw)

    def validated(self, data: Any, partial: bool = False, instance: Any = None) -> dict[str, Any]:
        serializer = self.get_serializer(instance, data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class Listing:
    def list(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        plan = plan_for(self.get_serializer_class()) if self.paginator is not None else None
        if plan is None:
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        # The same page read as .values() rows and rendered by the serializer's compiled plan: no model
        # instances, no per-field DRF calls, the same JSON (serializers/rows.py).
        columns = dict.fromkeys((*plan.columns, *sortable_fields(self, queryset.model)))  # the cursor's values too
        rows = self.paginate_queryset(queryset.prefetch_related(None).values(*columns))
        return self.get_paginated_response(plan.render(rows, self.get_serializer()))

    def retrieve(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)


class Creating:
    def create(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(request.data)
        with transaction.atomic():
            instance = self.perform_create(data)
        response = self.respond(instance, status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"{request.path.rstrip('/')}/{instance.pk}/")
        return response

    def perform_create(self, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError


class Updating:
    def update(self: Any, request: Request, *args: Any, partial: bool = False, **kwargs: Any) -> Response:
        instance = self.get_object()
        data = self.validated(request.data, partial=partial, instance=instance)
        with transaction.atomic():
            instance = self.perform_update(instance, data)
        return self.respond(instance)

    def partial_update(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def perform_update(self, instance: Any, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError


class Destroying:
    def destroy(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        with transaction.atomic():
            self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_destroy(self, instance: Any) -> None:
        raise NotImplementedError
