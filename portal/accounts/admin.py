"""Organizations, users, memberships and API keys in the admin.

Members see the organizations they belong to; managing memberships and API keys needs the owner or admin role
there; users are managed by superusers only. An API key's hash is never shown: people know a key by its prefix.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from portal.accounts.apikeys import revoke_key
from portal.accounts.models import ADMIN_ROLES, APIKey, Membership, Organization, Role, User
from portal.core.admin import (
    AdminAccess,
    ScopedAdmin,
    ScopedInline,
    ScopedModelAdmin,
    ScopedPermissionsMixin,
    admin_access,
    count_of,
)

ADMINS = frozenset(ADMIN_ROLES)


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "organization", "role", "scope"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        organization = cleaned.get("organization") or getattr(self, "parent_instance", None)
        if organization is None and self.instance.organization_id:
            organization = self.instance.organization
        outside = [
            loc.name for loc in cleaned.get("scope") or () if organization and loc.organization_id != organization.pk
        ]
        if outside:
            self.add_error("scope", f"Not in this organization: {', '.join(outside)}.")
        access: AdminAccess | None = getattr(self, "access", None)
        if access is not None and not access.is_superuser and organization is not None:
            # Only an owner may make or unmake an owner: an admin cannot promote anyone above themselves.
            touches_owner = cleaned.get("role") == Role.OWNER or self.initial.get("role") == Role.OWNER
            if touches_owner and access.role_in(organization.pk) != Role.OWNER:
                self.add_error("role", "Only an owner of the organization can grant or change the owner role.")
        return cleaned


class MembershipInline(ScopedInline):
    model = Membership
    form = MembershipForm
    fields = ["user", "role", "scope"]
    autocomplete_fields = ["user", "scope"]
    view_roles = ADMINS
    write_roles = ADMINS

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.access = admin_access(request)
        formset.service_inline = None  # memberships have no service: the admin saves them as usual
        return formset


@admin.register(Organization)
class OrganizationAdmin(ScopedAdmin):
    list_display = ["name", "slug", "member_count", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["created_at"]
    inlines = [MembershipInline]
    write_roles = ADMINS

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser  # a member cannot found new tenants from the admin

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser  # and only while it owns nothing: its records PROTECT it

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_members=count_of(Membership, "organization"))

    def visibility(self, access: AdminAccess) -> Q:
        return Q(pk__in=access.org_ids(self.view_roles))

    @admin.display(description="Members", ordering="_members")
    def member_count(self, obj: Organization) -> int:
        return obj._members  # type: ignore[attr-defined]


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    form = MembershipForm
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", ("organization", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "organization"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organization__name"]
    autocomplete_fields = ["user", "organization", "scope"]
    view_roles = ADMINS
    write_roles = ADMINS

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.access = admin_access(request)
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["user", "organization"] if obj is not None else []


@admin.register(User)
class UserAdmin(ScopedPermissionsMixin, DjangoUserAdmin):
    """Superusers manage accounts; an organization's owners and admins may look up its members."""

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_superuser", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Name", {"fields": ["first_name", "last_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    view_roles = ADMINS
    write_roles = frozenset()  # members never edit accounts here; superusers pass every check

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.scoped_queryset(request, super().get_queryset(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A user belongs to no one organization: the row is visible when get_queryset let it through.
        return super().has_view_permission(request, None)

    def visibility(self, access: AdminAccess) -> Q:
        orgs = access.org_ids(self.view_roles)
        return Q(pk__in=Membership.objects.filter(organization_id__in=orgs).values("user_id"))


@admin.register(APIKey)
class APIKeyAdmin(ScopedModelAdmin):
    list_display = ["prefix", "name", "organization", "scope", "created_by", "created_at", "last_used_at",
                    "expires_at", "revoked_at"]
    list_filter = ["scope", ("organization", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["organization", "created_by"]
    search_fields = ["prefix", "name"]
    # hashed_key is left out everywhere: a hash is still a secret worth guessing against.
    fields = ["prefix", "name", "organization", "scope", "created_by", "created_at", "last_used_at", "expires_at",
              "revoked_at"]
    readonly_fields = ["prefix", "organization", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]
    view_roles = ADMINS
    write_roles = ADMINS
    can_add = False  # a key is issued where its secret can be shown once (the API's key page), not here

    @admin.action(description="Revoke the selected API keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        live = list(queryset.filter(revoked_at__isnull=True))
        for key in live:
            revoke_key(key)
        count = len(live)
        self.message_user(request, f"Revoked {count} API key{'s' if count != 1 else ''}.", messages.SUCCESS)
