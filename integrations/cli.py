"""What the operator CLI does, apart from argument parsing: add a connection, connect the demo, report status."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse

from integrations import outbox
from integrations.models import Connection, ExternalRef, OutboxEntry, SyncState
from integrations.registry import UnknownVendor, VendorUnavailable, available, get_plugin
from portal.accounts.models import Organization

logger = logging.getLogger("integrations.cli")


def _organization(slug: str) -> Organization:
    org = Organization.objects.filter(slug=slug).first()
    if org is None:
        raise CommandError(f"No organization with slug {slug!r}.")
    return org


def add_connection(vendor: str, org_slug: str, name: str, base_url: str, pairs: list[str], config: str) -> Connection:
    try:
        plugin = get_plugin(vendor)
    except (UnknownVendor, VendorUnavailable) as exc:
        raise CommandError(str(exc)) from exc
    credentials = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise CommandError(f"--credential {key!r}: write KEY=VALUE.")
        credentials[key.strip()] = value
    known = {f.name for f in plugin.credential_fields}
    unknown = set(credentials) - known
    if unknown:
        raise CommandError(f"Unknown credential(s) for {vendor}: {', '.join(sorted(unknown))}. Known: "
                           f"{', '.join(sorted(known))}.")
    missing = [f.name for f in plugin.credential_fields if f.required and not credentials.get(f.name)]
    if missing:
        raise CommandError(f"Missing credential(s): {', '.join(missing)}.")
    try:
        parsed = json.loads(config or "{}")
    except ValueError as exc:
        raise CommandError(f"--config is not JSON: {exc}") from exc
    connection = Connection(organization=_organization(org_slug), vendor=vendor, name=name, base_url=base_url,
                            config=parsed)
    connection.set_credentials(credentials)
    connection.full_clean(exclude=["credentials"])
    connection.save()
    return connection


def backfill_outbox(connection: Connection) -> int:
    """Queue every existing record the connection's push streams cover (a new connection starts in sync)."""
    from django.apps import apps

    from integrations.context import vendor_options

    created = 0
    options = vendor_options(connection)
    for stream in connection.plugin.push_streams():
        if not connection.stream_enabled(stream.name) or "create" not in stream.actions:
            continue
        model = apps.get_model(stream.model)
        qs = model._default_manager.filter(organization=connection.organization).order_by("pk")
        batch = []
        for instance in qs.iterator(chunk_size=500):
            if outbox._applies(stream, instance, options):
                batch.append(OutboxEntry(connection=connection, content_type_id=_ct(model), object_id=instance.pk,
                                         stream=stream.name, action="create", payload=outbox.snapshot(instance),
                                         order=stream.order))
            if len(batch) >= 500:
                created += len(OutboxEntry.objects.bulk_create(batch))
                batch = []
        created += len(OutboxEntry.objects.bulk_create(batch))
    return created


def _ct(model: Any) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


def connect_demo(org_slug: str, sandbox_url: str, sync: bool = True) -> list[str]:
    """One connection per available plug-in, pointing at the sandbox, with the sandbox's demo credentials."""
    org = _organization(org_slug)
    lines = []
    for key, plugin in available().items():
        base_url = sandbox_url.rstrip("/") + plugin.prefix()
        with transaction.atomic():
            connection, created = Connection.objects.get_or_create(
                organization=org, vendor=key, name=f"{plugin.display_name} (sandbox)",
                defaults={"base_url": base_url, "config": {"schedule_minutes": 5, **(
                    {"options": dict(plugin.demo_options)} if plugin.demo_options else {})}},
            )
            if created or connection.base_url != base_url:
                connection.base_url = base_url
                connection.set_credentials(dict(plugin.demo_credentials))
                connection.save()
            queued = backfill_outbox(connection) if created else 0
        if plugin.webhook_events:
            _point_webhooks(connection, base_url)
        try:
            note = plugin.demo_setup(connection)
        except Exception as exc:  # the sandbox may be down; the connection stands and the operator is told
            note = f"demo setup failed: {type(exc).__name__}: {exc}"
        if sync and created:
            from integrations.tasks import publish_sync

            publish_sync(connection.pk)
        lines.append(f"{connection.pk:>4}  {key:<14} {base_url}  {'created' if created else 'already connected'}"
                     + (f", {queued} records queued for push" if queued else ""))
        if note:
            lines.append(f"      {key}: {note}")
    if not lines:
        lines.append("No vendor plug-in is available.")
    return lines


def webhook_secret(connection: Connection) -> str | None:
    """The credential the portal checks a vendor's deliveries with (its credential field named ``webhook_*``)."""
    values = connection.credentials.reveal() if connection.credentials else {}
    for field in connection.plugin.credential_fields:
        if field.name.startswith("webhook") and values.get(field.name):
            return values[field.name]
    return None


def _point_webhooks(connection: Connection, base_url: str) -> None:
    """Send the sandbox's deliveries to this portal, signed with the connection's own webhook credential (a sandbox
    signing with another secret than the connection's has every delivery refused with a 401)."""
    target = settings.SITE_URL.rstrip("/") + reverse("integrations:webhook", args=[connection.vendor, connection.pk])
    body: dict[str, Any] = {"url": target}
    secret = webhook_secret(connection)
    if secret is not None:
        body["secret"] = secret
    try:
        httpx.post(f"{base_url}/__sandbox__/webhooks", json=body, timeout=5)
    except httpx.HTTPError as exc:
        logger.warning("Could not point the %s sandbox's webhooks at %s: %s", connection.vendor, target, exc)


def status_of(connection: Connection) -> dict[str, Any]:
    last = connection.runs.order_by("-created_at").first()
    return {
        "id": connection.pk, "vendor": connection.vendor, "name": connection.name, "state": connection.state,
        "health": connection.health, "paused_reason": connection.paused_reason, "last_error": connection.last_error,
        "consecutive_failures": connection.consecutive_failures, "last_success_at": connection.last_success_at,
        "refs": ExternalRef.objects.filter(connection=connection).count(),
        "missing_at_vendor": ExternalRef.objects.filter(connection=connection,
                                                        missing_at_vendor_since__isnull=False).count(),
        "outbox": {s: OutboxEntry.objects.filter(connection=connection, status=s).count()
                   for s in ("pending", "failed", "conflict")},
        "streams": {s.stream: {"watermark": s.watermark, "in_pass": bool(s.cursor), "deferred": len(s.deferred)}
                    for s in SyncState.objects.filter(connection=connection)},
        "last_run": None if last is None else {"id": last.pk, "kind": last.kind, "status": last.status,
                                               "progress": last.progress, "totals": last.totals(),
                                               "message": last.message},
    }
