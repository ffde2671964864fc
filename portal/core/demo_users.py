"""The demo's sign-ins: an owner with the run of the admin, and a manager who sees one region."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from portal.accounts.models import Membership, Organization, Role, User
from portal.locations.models import Location

ADMIN_EMAIL = "admin@example.com"
MANAGER_EMAIL = "manager@example.com"
MANAGER_REGION = "DEMO-TX"


@dataclass(frozen=True)
class NewLogin:
    email: str
    password: str | None  # None: it came from the environment, which the operator already knows
    env_var: str


def _password(env_var: str) -> tuple[str, bool]:
    given = os.environ.get(env_var, "").strip()
    return (given, False) if given else (secrets.token_urlsafe(12), True)


def _ensure_user(email: str, env_var: str, **flags: bool) -> tuple[User, NewLogin | None]:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, None  # an existing password is never reset or shown again
    password, generated = _password(env_var)
    if flags.get("is_superuser"):
        user = User.objects.create_superuser(email, password)
    else:
        user = User.objects.create_user(email, password, **flags)
    return user, NewLogin(email, password if generated else None, env_var)


def seed_users(org: Organization) -> list[NewLogin]:
    """Create the demo users that are missing; returns the logins created by this run."""
    created = []
    admin, login = _ensure_user(ADMIN_EMAIL, "DEMO_ADMIN_PASSWORD", is_superuser=True)
    created += [login] if login else []
    Membership.objects.get_or_create(user=admin, organization=org, defaults={"role": Role.OWNER})
    manager, login = _ensure_user(MANAGER_EMAIL, "DEMO_MANAGER_PASSWORD", is_staff=True)
    created += [login] if login else []
    membership, made = Membership.objects.get_or_create(
        user=manager, organization=org, defaults={"role": Role.MANAGER}
    )
    region = Location.objects.filter(organization=org, external_id=MANAGER_REGION).first()
    if made and region is not None:
        membership.scope.set([region])
    return created
