"""The staff Integrations section: connections, add with a vendor form, sync now with progress, conflicts, logs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from integrations.models import Conflict, Connection, ExternalRef, SyncRun, WebhookDelivery
from integrations.pull import run_pull
from portal.homes import services as homes
from portal.homes.models import Home
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def admin_client(client, org):
    client.force_login(MembershipFactory(organization=org, role="admin", user=UserFactory()).user)
    return client


def test_the_list_shows_each_connection_with_its_health(admin_client, fake_connection):
    page = admin_client.get(reverse("integrations:connections"))
    assert page.status_code == 200
    assert "Fake" in page.content.decode() and "Not synced yet" in page.content.decode()


def test_adding_a_connection_uses_the_vendors_own_fields(admin_client, org, fake_sandbox):
    form = admin_client.get(reverse("integrations:add", args=["fakevendor"]))
    assert 'name="cred__api_key"' in form.content.decode() and 'type="password"' in form.content.decode()
    response = admin_client.post(reverse("integrations:add", args=["fakevendor"]), {
        "name": "Mine", "base_url": fake_sandbox.base_url, "cred__api_key": "fake-key", "cred__webhook_secret": "",
        "opt__region": "eu", "schedule_minutes": 30, "streams": ["units", "properties"],
    })
    connection = Connection.objects.get(name="Mine")
    assert response.status_code == 302 and response.url == reverse("integrations:connection", args=[connection.pk])
    assert connection.credentials["api_key"] == "fake-key" and connection.options == {"region": "eu"}
    assert connection.config["schedule_minutes"] == 30


def test_a_manager_cannot_add_connections(client, member, fake_plugin):
    client.force_login(member.user)
    assert client.get(reverse("integrations:add", args=["fakevendor"])).status_code == 403


def test_another_organizations_connection_is_404(admin_client, other_org, fake_plugin):
    theirs = Connection.objects.create(organization=other_org, vendor="fakevendor", name="Theirs",
                                       base_url="http://127.0.0.1:1")
    assert admin_client.get(reverse("integrations:connection", args=[theirs.pk])).status_code == 404
    assert admin_client.post(reverse("integrations:sync", args=[theirs.pk])).status_code == 404


def test_test_connection_shows_the_answer(admin_client, fake_connection):
    page = admin_client.post(reverse("integrations:test", args=[fake_connection.pk]), follow=True)
    assert "Connected to the fake vendor." in page.content.decode()


def test_sync_now_leads_to_a_run_page_that_polls_until_finished(admin_client, fake_connection, fake_sandbox):
    fake_sandbox.seed(5)
    response = admin_client.post(reverse("integrations:sync", args=[fake_connection.pk]))
    run = SyncRun.objects.get(connection=fake_connection, kind="pull")
    assert response.url == reverse("integrations:run", args=[run.pk])
    SyncRun.objects.filter(pk=run.pk).update(status="running", progress={"stream": "units", "pages_done": 1,
                                                                         "pages_total": 4, "percent": 40})
    live = admin_client.get(reverse("integrations:run_progress", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in live and 'value="40"' in live and "page 1 of 4" in live
    done = run_pull(fake_connection.pk, run_id=run.pk)
    final = admin_client.get(reverse("integrations:run", args=[done.pk])).content.decode()
    assert "hx-trigger" not in final and "Succeeded" in final


def test_the_conflicts_inbox_resolves_with_one_click(admin_client, fake_connection, fake_sandbox):
    fake_sandbox.seed(1)
    run_pull(fake_connection.pk, full=True)
    homes.update_home(Home.objects.get(), market_rent=1100)
    fake_sandbox.mutate("units", "1", {"rent": "1300.00"})
    run_pull(fake_connection.pk)
    conflict = Conflict.objects.get()
    page = admin_client.get(reverse("integrations:conflicts")).content.decode()
    assert "market_rent" in page and "1300.00" in page
    assert f'<a href="{reverse("homes:detail", args=[conflict.object_id])}">Home #{conflict.object_id}</a>' in page
    admin_client.post(reverse("integrations:resolve", args=[conflict.pk]), {"resolution": "take_theirs"})
    assert Home.objects.get().market_rent == 1300


def test_record_links_and_the_missing_mark_can_be_cleared(admin_client, fake_connection, fake_sandbox):
    from django.template import Context, Template

    fake_sandbox.seed(1)
    run_pull(fake_connection.pk, full=True)
    home = Home.objects.get()
    ref = ExternalRef.objects.get(stream="units")
    ExternalRef.objects.filter(pk=ref.pk).update(missing_at_vendor_since="2030-01-01T00:00:00Z")
    html = Template('{% include "integrations/_record_links.html" %}').render(Context({"object": home}))
    assert "Fake" in html and ref.vendor_id in html and "missing since" in html
    admin_client.post(reverse("integrations:clear_missing", args=[ref.pk]))
    ref.refresh_from_db()
    assert ref.missing_at_vendor_since is None


def test_the_dashboard_panel_shows_the_last_sync_and_failures(fake_connection, fake_sandbox, org):
    from django.template import Context, Template

    fake_sandbox.seed(1)
    run_pull(fake_connection.pk, full=True)
    Connection.objects.filter(pk=fake_connection.pk).update(consecutive_failures=2)
    html = Template('{% include "integrations/_dashboard_panel.html" %}').render(Context({"organization": org}))
    assert "Fake" in html and "Succeeded" in html and "2 failures in a row" in html


def test_the_webhook_log_lists_deliveries(admin_client, fake_connection):
    WebhookDelivery.objects.create(connection=fake_connection, dedupe_key="k", body='{"type": "unit.updated"}')
    page = admin_client.get(reverse("integrations:webhook_log", args=[fake_connection.pk])).content.decode()
    assert "unit.updated" in page


def test_a_record_error_links_the_portal_record_it_concerns(admin_client, fake_connection, fake_sandbox):
    fake_sandbox.seed(2)
    run_pull(fake_connection.pk, full=True)
    ref = ExternalRef.objects.get(stream="units", vendor_id="1")
    fake_sandbox.mutate("units", "1", {"rent": "a lot"})
    run = run_pull(fake_connection.pk)
    assert run.status == "partial"
    page = admin_client.get(reverse("integrations:run", args=[run.pk])).content.decode()
    assert "rent &#x27;a lot&#x27; is not a number" in page
    assert f'href="{reverse("homes:detail", args=[ref.object_id])}">Home #{ref.object_id}</a>' in page
    assert "finished in" in page and "0 minutes" not in page


def test_a_queued_run_says_what_the_worker_is_busy_with(admin_client, org, fake_connection, fake_plugin):
    other = Connection.objects.create(organization=org, vendor="fakevendor", name="Other vendor",
                                      base_url="http://127.0.0.1:1")
    SyncRun.objects.create(connection=other, kind="push", status="running", started_at="2030-01-01T00:00:00Z")
    queued = SyncRun.objects.create(connection=fake_connection, kind="pull", status="queued")
    live = admin_client.get(reverse("integrations:run_progress", args=[queued.pk])).content.decode()
    assert "Waiting for a worker: it is busy with Other vendor (push); this run starts after them" in live
    assert 'hx-trigger="every 1s"' in live


def test_a_running_push_shows_how_many_changes_are_done_and_waiting(admin_client, org, fake_connection):
    from integrations.models import OutboxEntry
    from portal.locations import services as locations

    for n in range(2):
        locations.create_location(org, kind="property", name=f"Tower {n}", address_line1=f"{n} Main St",
                                  city="Dayton", state="OH", postal_code="45402")
    assert OutboxEntry.objects.filter(connection=fake_connection, status="pending").count() == 2
    run = SyncRun.objects.create(connection=fake_connection, kind="push", status="running",
                                 started_at="2030-01-01T00:00:00Z", counts={"properties": {"pushed": 3}})
    live = admin_client.get(reverse("integrations:run_progress", args=[run.pk])).content.decode()
    assert "Pushing changes: 3 done, 2 waiting" in live and 'value="60"' in live
    listing = admin_client.get(reverse("integrations:connections")).content.decode()
    assert "Changes waiting to push" in listing
    assert '<td class="num">2</td>\n    <td class="num">0</td>' in listing  # 2 waiting, 0 failures in a row


def test_webhook_runs_do_not_hide_the_syncs(admin_client, fake_connection):
    pull = SyncRun.objects.create(connection=fake_connection, kind="pull", status="queued")
    hooks = [SyncRun.objects.create(connection=fake_connection, kind="webhook", status="succeeded") for _ in range(12)]
    WebhookDelivery.objects.create(connection=fake_connection, dedupe_key="k", body="{}")
    detail = admin_client.get(reverse("integrations:connection", args=[fake_connection.pk])).content.decode()
    run_link = 'href="{}"'.format
    assert run_link(reverse("integrations:run", args=[pull.pk])) in detail
    assert run_link(reverse("integrations:run", args=[hooks[-1].pk])) not in detail
    assert "1 delivery in the last 24 hours, 1 waiting to be processed" in detail
    runs_url = reverse("integrations:runs", args=[fake_connection.pk])
    syncs = admin_client.get(runs_url).content.decode()
    assert run_link(reverse("integrations:run", args=[pull.pk])) in syncs and "Showing 1–1 of 1" in syncs
    webhooks = admin_client.get(runs_url, {"kind": "webhooks"}).content.decode()
    assert "Showing 1–12 of 12" in webhooks and run_link(reverse("integrations:run", args=[pull.pk])) not in webhooks
    assert "Showing 1–13 of 13" in admin_client.get(runs_url, {"kind": "all"}).content.decode()
    listing = admin_client.get(reverse("integrations:connections")).content.decode()
    assert "Pull · Queued" in listing
    queued = admin_client.get(reverse("integrations:run_progress", args=[pull.pk])).content.decode()
    assert "it is busy with 1 webhook delivery; this run starts after them" in queued


def test_the_webhook_log_says_which_record_each_delivery_is_about(admin_client, fake_connection, fake_sandbox):
    fake_sandbox.seed(1)
    run_pull(fake_connection.pk, full=True)
    ref = ExternalRef.objects.get(stream="units")
    body = f'{{"type": "unit.updated", "id": {ref.vendor_id}, "at": "2030-01-01T00:00:00Z"}}'
    WebhookDelivery.objects.create(connection=fake_connection, dedupe_key="a", body=body)
    WebhookDelivery.objects.create(connection=fake_connection, dedupe_key="b", body="not json")
    page = admin_client.get(reverse("integrations:webhook_log", args=[fake_connection.pk])).content.decode()
    assert f'<a href="{reverse("homes:detail", args=[ref.object_id])}">Home #{ref.object_id}</a>' in page
    assert "not json" in page  # shown as it came


def test_a_location_page_shows_its_vendor_links(admin_client, fake_connection, fake_sandbox):
    fake_sandbox.seed(10)
    run_pull(fake_connection.pk, full=True)
    ref = ExternalRef.objects.get(stream="properties")
    page = admin_client.get(reverse("locations:edit", args=[ref.object_id])).content.decode()
    assert "Vendor links" in page and f"<code>{ref.vendor_id}</code>" in page and "Fake" in page


def test_a_vendor_without_webhooks_shows_no_webhook_url_or_log(admin_client, fake_connection, monkeypatch):
    url = reverse("integrations:connection", args=[fake_connection.pk])
    assert "Webhook URL" in admin_client.get(url).content.decode()
    monkeypatch.setattr(type(fake_connection.plugin), "webhook_events", False)
    page = admin_client.get(url).content.decode()
    assert "Webhook URL" not in page and "Webhook log" not in page and "deliveries in the last" not in page
