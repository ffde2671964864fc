"""Query filters for the lists (django-filter). Unknown values are refused with a 400, never ignored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters as df
from django import forms
from django.db.models import Q, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.request import Request

from portal.accounts.scoping import scoped
from portal.documents.models import Category, Document
from portal.homes.models import Home, Homeownership, HomeStatus, HomeType, OwnershipType, Person
from portal.leases.models import Lease, LeaseStatus, LeaseType
from portal.locations.models import Kind, Location


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when the query names none of the list's filters: the filter set and its
    form cost about a millisecond a page to build (bench/README.md, api) and, given no filter, change nothing."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not _names_a_filter(request.query_params, filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _names_a_filter(params: Any, filters: Any) -> bool:
    """A parameter is a filter's own name or one of its widget's (``name_min``, ``name_0``...)."""
    return any(param == name or param.startswith(f"{name}_") for param in params for name in filters)


class StrictBooleanField(forms.Field):
    """Only “true” or “false”: a typo must not silently mean “no filter”."""

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if value in ("true", "false"):
            return value == "true"
        raise forms.ValidationError("Use true or false.", code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(df.BooleanFilter):
    field_class = StrictBooleanField


def _scoped(model: type) -> Any:
    def queryset(request: Request | None) -> QuerySet:
        from portal.api.tenancy import tenant_of

        return model.objects.none() if request is None else scoped(model, tenant_of(request))

    return queryset


def _subtree(*lookups: str) -> Any:
    """A filter method keeping rows whose location (through ``lookups``) is the given one or under it."""

    def method(queryset: QuerySet, name: str, value: Location | None) -> QuerySet:
        if value is None:
            return queryset
        q = Q()
        for lookup in lookups:
            q |= Q(**{f"{lookup}__startswith": value.path})
        return queryset.filter(q)

    return staticmethod(method)


def location_filter(help_text: str = "This location and everything under it.") -> df.ModelChoiceFilter:
    subtree = df.ModelChoiceFilter(queryset=_scoped(Location), method="filter_location", label=help_text)
    return extend_schema_field(OpenApiTypes.INT)(subtree)


class UtcDateTimeFilter(df.IsoDateTimeFilter):
    """An ISO 8601 time compared in UTC. Python accepts any offset under 24 hours (``+20:45``), PostgreSQL none
    beyond ±15:59, so the value is converted before it reaches the database; one that falls past either end of
    the calendar in UTC (year 9999 at −05:00) is later, or earlier, than every row."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value is None or value.tzinfo is None:
            return super().filter(qs, value)
        try:
            value = value.astimezone(dt.UTC)
        except OverflowError:
            return qs.none() if value.year > 1 else qs
        return super().filter(qs, value)


def updated_since() -> df.IsoDateTimeFilter:
    return UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte",
        label="Only rows changed at or after this time (ISO 8601); for incremental reads.",
    )


class StrictFilterSet(df.FilterSet):
    """An empty value (``?status=``) is an error, not “no filter”, except for free-text filters."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, declared in self.filters.items():
            if name in self.data and self.data.get(name) == "" and not isinstance(declared, df.CharFilter):
                self.form.add_error(name, "Give a value, or leave the parameter out.")
                valid = False
        return valid


class Common(StrictFilterSet):
    updated_since = updated_since()
    external_id = df.CharFilter(field_name="external_id", label="Your own id for the record (exact).")


class LocationFilter(Common):
    location = location_filter("This location and its whole subtree.")
    parent = df.ModelChoiceFilter(queryset=_scoped(Location), label="Direct children of this location.")
    kind = df.ChoiceFilter(choices=Kind.choices)
    is_active = StrictBooleanFilter()
    filter_location = _subtree("path")

    class Meta:
        model = Location
        fields: list[str] = []


class HomeFilter(Common):
    location = location_filter()
    status = df.ChoiceFilter(choices=HomeStatus.choices)
    type = df.ChoiceFilter(field_name="home_type", choices=HomeType.choices, label="Home type.")
    filter_location = _subtree("location__path")

    class Meta:
        model = Home
        fields: list[str] = []


class PersonFilter(Common):
    email = df.CharFilter(field_name="email", lookup_expr="iexact")

    class Meta:
        model = Person
        fields: list[str] = []


class HomeownershipFilter(StrictFilterSet):
    updated_since = updated_since()
    location = location_filter()
    home = df.ModelChoiceFilter(queryset=_scoped(Home))
    person = df.ModelChoiceFilter(queryset=_scoped(Person))
    type = df.ChoiceFilter(field_name="ownership_type", choices=OwnershipType.choices, label="Ownership type.")
    filter_location = _subtree("home__location__path")

    class Meta:
        model = Homeownership
        fields: list[str] = []


class LeaseFilter(Common):
    location = location_filter()
    home = df.ModelChoiceFilter(queryset=_scoped(Home))
    status = df.ChoiceFilter(choices=LeaseStatus.choices)
    type = df.ChoiceFilter(field_name="lease_type", choices=LeaseType.choices, label="Lease type.")
    filter_location = _subtree("home__location__path")

    class Meta:
        model = Lease
        fields: list[str] = []


class DocumentFilter(Common):
    location = location_filter("Documents of this location, or of homes and leases under it.")
    home = df.ModelChoiceFilter(queryset=_scoped(Home))
    lease = df.ModelChoiceFilter(queryset=_scoped(Lease))
    category = df.ChoiceFilter(choices=Category.choices)
    filter_location = _subtree("location__path", "home__location__path", "lease__home__location__path")

    class Meta:
        model = Document
        fields: list[str] = []
