"""Drill: every URL of the portal and the API, generated from the URLconf, tried with another organization's ids.

As a signed-in admin and with a write API key of organization A, every route taking an id is called with the id
of organization B's record (every method the route may take); every such call is a 404, or a 405 refused before
any lookup. Every list, search and export page is read too. No body, whatever its status, may carry any of B's
data (B's records all carry a marker word). A route added later is swept without editing this file; a route whose
id names a model this file does not know fails loudly until it is added to TARGETS.
tests/portal/api/test_tenancy_matrix.py holds the API router's detail matrix; this sweeps everything else too.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from integrations import registry
from integrations.models import Conflict, Connection, ExternalRef, SyncRun, WebhookDelivery
from portal.accounts.apikeys import issue_key
from portal.accounts.models import Role
from portal.core.models import OrgOwned
from portal.homes.models import Home, HomeImport
from portal.homes.pickers import KINDS as picker_kinds
from tests.conftest import build_portfolio
from tests.factories import MembershipFactory, UserFactory
from tests.integrations.conftest import FAKE
from tests.portal.api.test_tenancy_matrix import records_of

pytestmark = [pytest.mark.drill, pytest.mark.timeout(120), pytest.mark.django_db]
MARKER = "Quixotrel"
METHODS = ("get", "post", "put", "patch", "delete")
NOT_SWEPT = {"integrations:webhook": "vendors' endpoint, no session or key: verified by signature (bad input drill)",
             "api:unknown": "the catch-all 404 of the API"}
# Route name (or its start) -> the record of organization B whose id it takes, per URL parameter.
TARGETS = {
    "apikeys:revoke": "apikey", "connection-": "connection", "sync-run-": "run", "conflict-": "conflict",
    "api:location-": "location", "api:homeownership-": "homeownership", "api:home-": "home",
    "api:person-": "person", "api:lease-": "lease", "api:document-": "document",
    "integrations:run": "run", "integrations:resolve": "conflict", "integrations:clear_missing": "ref",
    "integrations:": "connection", "locations:": "location", "homes:import_": "import", "homes:": "home",
    "people:": "person", "leases:": "lease", "documents:": "document", "accounts:switch_organization": "org",
}
PARAM_TARGETS = {"link_pk": "homeownership"}
PUBLIC = {"healthz"}  # answers anyone (no data)
# Parameters that name no record (a vendor, a picker's kind): every value they may take is swept instead.
PARAM_VALUES = {"vendor": lambda: sorted(registry.table()), "kind": lambda: sorted(picker_kinds)}
# Apps not Lintel's: Django's admin (superusers only, no organization) and allauth's sign-in pages (no ids).
FOREIGN = ("django.contrib.admin.", "allauth.")  # module names (the admin site is its resolver: app "admin")


def is_api(name: str) -> bool:
    """The API's routes (its own namespace, and the integrations API mounted under /api/v1/ without one)."""
    return name.startswith(("api:", "connection-", "sync-run-", "conflict-"))


def urlconf_module(resolver: URLResolver) -> str:
    conf = resolver.urlconf_name
    return (conf if isinstance(conf, str) else getattr(conf, "__name__", "")) + "."


def routes() -> list[tuple[str, list[str]]]:
    """(url name, names of its parameters) for every route of Lintel's own; an unnamed one fails loudly."""
    found, unnamed = [], []

    def walk(patterns: list, namespace: str | None, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin" or urlconf_module(p).startswith(FOREIGN):
                    continue
                walk(p.url_patterns, ":".join(filter(None, [namespace, p.namespace])) or None, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and not getattr(p.callback, "__module__", "").startswith(FOREIGN):
                if not p.name:
                    unnamed.append(prefix + str(p.pattern))
                    continue
                params = list(getattr(p.pattern, "converters", {}) or p.pattern.regex.groupindex)
                found.append((f"{namespace}:{p.name}" if namespace else p.name, params))

    walk(get_resolver().url_patterns, None, "")
    assert not unnamed, f"name these routes so the sweep can reverse them: {unnamed}"
    return found


def target(name: str, param: str) -> str:
    if param in PARAM_TARGETS:
        return PARAM_TARGETS[param]
    for start in sorted(TARGETS, key=len, reverse=True):
        if name.startswith(start):
            return TARGETS[start]
    raise KeyError(f"{name} takes {param!r}: say in TARGETS which record of another organization it names")


@pytest.fixture
def theirs(other_org, settings) -> dict[str, object]:
    """Organization B: a portfolio and one record of every kind a URL can name, each carrying MARKER."""
    settings.INTEGRATIONS_EXTRA_PLUGINS = FAKE
    records = records_of(build_portfolio(other_org, tag=MARKER))
    home = records["home"]
    connection = Connection(organization=other_org, vendor="fakevendor", name=f"{MARKER} vendor",
                            base_url="http://127.0.0.1:9/fake")
    connection.set_credentials({"api_key": f"{MARKER}-key"})
    connection.save()
    ref = ExternalRef.objects.create(connection=connection, content_type=ContentType.objects.get_for_model(Home),
                                     object_id=home.pk, stream="units", vendor_id=f"{MARKER}-1",
                                     missing_at_vendor_since=timezone.now())
    records.update(
        org=other_org, connection=connection, ref=ref,
        run=SyncRun.objects.create(connection=connection, kind="pull", status="partial", error_count=1,
                                   message=f"{MARKER} failed", errors=[{"stream": "units", "record": "1",
                                                                        "reason": f"{MARKER} refused"}]),
        conflict=Conflict.objects.create(connection=connection, ref=ref, content_type=ref.content_type,
                                         object_id=home.pk, field="market_rent", ours="1.00", theirs=MARKER),
        apikey=issue_key(other_org, name=f"{MARKER} key").key,
    )
    WebhookDelivery.objects.create(connection=connection, dedupe_key=MARKER, body=f'{{"{MARKER}": 1}}')
    user = UserFactory(email=f"{MARKER.lower()}@example.com")
    MembershipFactory(organization=other_org, role=Role.ADMIN, user=user)
    records["import"] = HomeImport.objects.create(organization=other_org, created_by=user,
                                                  file_name=f"{MARKER}.csv", content=f"address_line1\n{MARKER}\n")
    return records


@pytest.fixture
def ours(org, portfolio) -> tuple[Client, Client]:
    """Organization A's admin, signed in, and a client sending A's write API key."""
    user = MembershipFactory(organization=org, role=Role.ADMIN, user=UserFactory()).user
    browser = Client()
    browser.force_login(user)
    key = Client(headers={"Authorization": f"Bearer {issue_key(org, name='sweep', scope='write').plaintext}"})
    return browser, key


def body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def call(client: Client, method: str, url: str):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data="{}", content_type="application/json")


def picker_query(kind: str, theirs: dict[str, object]) -> str:
    """A picker's search, selecting organization B's record of its kind and typing B's marker."""
    record = next(r for r in theirs.values() if type(r) is picker_kinds[kind].model)
    return f"?name=pick&pick={record.pk}&pick_q={MARKER[:5]}&multiple=1"


def test_every_url_refuses_another_organizations_ids_and_shows_none_of_its_data(ours, theirs):
    browser, key = ours
    swept, refused = 0, []
    for name, params in routes():
        if name in NOT_SWEPT:
            continue
        api = is_api(name)
        # The API answers a session and a key alike; a portal page answers a person (with a key only: sign in).
        clients = {"user": browser, "key": key}
        methods = METHODS if api else ("get", "post")
        if not params or set(params) <= set(PARAM_VALUES):  # a page naming no record: read it, looking for B's data
            assert len(params) <= 1, f"{name}: sweep each combination of {params}"
            values = [{params[0]: v} for v in PARAM_VALUES[params[0]]()] if params else [{}]
            for kwargs in values:  # every vendor's form, every picker
                query = (picker_query(kwargs["kind"], theirs) if "kind" in kwargs
                         else f"?q={MARKER[:5]}&search={MARKER[:5]}")  # finds B's records, if anything would
                url = reverse(name, kwargs=kwargs) + query
                for who, client in clients.items():
                    response = client.get(url)
                    assert MARKER not in body(response), (who, url, response.status_code)
                    assert response.status_code < 500, (who, url, response.status_code)
                    if who == "key" and not api and name not in PUBLIC:
                        assert response.status_code in (302, 403, 404, 405), (url, response.status_code)
            swept += 1
            continue
        kwargs = {p: (theirs["org"].slug if target(name, p) == "org" else theirs[target(name, p)].pk)
                  for p in params}
        url = reverse(name, kwargs=kwargs)
        for who, client in clients.items():
            statuses = {}
            for method in methods:
                response = call(client, method, url)
                statuses[method] = response.status_code
                assert MARKER not in body(response), (who, method, url, response.status_code)
                allowed = (404, 405) if api or who == "user" else (302, 403, 404, 405)
                if response.status_code not in allowed:
                    refused.append((who, method.upper(), url, response.status_code))
            if api or who == "user":  # the view looked the id up, and did not find it
                assert 404 in statuses.values(), (who, url, statuses)
        swept += 1
    assert not refused, refused
    assert swept > 60  # the URLconf was really walked


def rows_of(org) -> dict[str, list[dict]]:
    """Every row of every model that belongs to ``org`` (directly, or through one of its vendor connections)."""
    rows = {}
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if "organization" in names:
            qs = model._default_manager.filter(organization=org)
        elif "connection" in names and model._meta.get_field("connection").related_model is Connection:
            qs = model._default_manager.filter(connection__organization=org)
        else:
            continue
        rows[model._meta.label] = list(qs.order_by("pk").values())
    return rows


def links_out_of(org) -> list[str]:
    """Every foreign key from ``org``'s rows to a row of another organization (there must be none)."""
    found = []
    for model in apps.get_models():
        if not issubclass(model, OrgOwned):
            continue
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model
                    and issubclass(field.related_model, OrgOwned)):
                continue
            mine = model._default_manager.filter(organization=org)
            lookup = f"{field.name}__organization"
            found += [f"{model._meta.label}.{field.name} of {pk}" for pk in
                      mine.exclude(**{f"{field.name}__isnull": True}).exclude(**{lookup: org})
                      .values_list("pk", flat=True).distinct()]
    return found


def test_nothing_of_theirs_changed_and_nothing_of_ours_points_at_theirs(ours, theirs, org):
    before = rows_of(theirs["org"])
    assert sum(map(len, before.values())) > 15, before.keys()  # B really has rows of many kinds
    test_every_url_refuses_another_organizations_ids_and_shows_none_of_its_data(ours, theirs)
    after = rows_of(theirs["org"])
    changed = {label: [r for r in after[label] if r not in before[label]] +
               [r for r in before[label] if r not in after[label]] for label in before}
    assert not {label: rows for label, rows in changed.items() if rows}, "organization B's rows changed"
    assert not links_out_of(org), "organization A's rows point at organization B's"
    assert not links_out_of(theirs["org"])
