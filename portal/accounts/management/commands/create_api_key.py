"""python manage.py create_api_key --org SLUG --name NAME --scope read|write [--expires-in-days N]

Prints what was created and, on the last line alone, the key itself: shown this once, so scripts can take it
with ``| tail -n 1``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from portal.accounts.apikeys import issue_key
from portal.accounts.models import APIKeyScope, Organization


class Command(BaseCommand):
    help = "Create an API key for an organization and print it once (on the last line)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="The organization's slug.")
        parser.add_argument("--name", required=True, help="What will use the key, e.g. “CRM sync”.")
        parser.add_argument("--scope", choices=APIKeyScope.values, default=APIKeyScope.READ)
        parser.add_argument("--expires-in-days", type=int, default=None, help="Optional lifetime in days.")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            known = ", ".join(Organization.objects.order_by("slug").values_list("slug", flat=True)[:20]) or "none"
            raise CommandError(f"No organization with slug “{options['org']}”. Known: {known}.")
        days = options["expires_in_days"]
        if days is not None and days < 1:
            raise CommandError("--expires-in-days must be 1 or more.")
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            issued = issue_key(organization, name=options["name"], scope=options["scope"], expires_at=expires_at)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        key = issued.key
        expiry = f"expires {key.expires_at:%Y-%m-%d %H:%M} UTC" if key.expires_at else "does not expire"
        self.stdout.write(
            f"Created {key.get_scope_display().lower()} key “{key.name}” ({key.prefix}) for {organization.name}; "
            f"it {expiry}. It is shown once, on the next line: store it now."
        )
        self.stdout.write(issued.plaintext)
