"""Integrations in the browser: a manager clicks Sync now, watches the progress bar to the end with the run's counts,
finds the run in the history, and sees the new home's vendor link.

The fake vendor's sandbox is served over HTTP on 127.0.0.1. The Celery worker is played by a thread of the test: the
view's publish is caught (nothing reaches a broker) and the thread runs the very sync the task would. A gate in front
of the sandbox holds the second page of units until the page has shown the run half done, so the bar is seen moving
without relying on timing.
"""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import expect

from integrations.models import Connection, ExternalRef, SyncRun
from integrations.sandbox.server import serve
from tests.browser.conftest import shot
from tests.integrations.conftest import FAKE

UNITS = 40  # 4 properties and two pages of 20 units


class Gate:
    """WSGI wrapper of a sandbox: the request for the second page of units waits until ``release`` is set."""

    def __init__(self, app) -> None:
        self.app = app
        self.release = threading.Event()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").endswith("/units") and "offset=20" in environ.get("QUERY_STRING", ""):
            self.release.wait(timeout=20)
        return self.app(environ, start_response)

    def __getattr__(self, name):  # the server stops the app's webhook sender
        return getattr(self.app, name)


@pytest.fixture
def vendor(settings, org):
    settings.INTEGRATIONS_EXTRA_PLUGINS = FAKE
    from integrations.registry import get_plugin

    plugin = get_plugin("fakevendor")
    app = plugin.sandbox_app(rate_limit=False)
    app.seed(UNITS)
    gate = Gate(app)
    server = serve({"/fake": gate})
    connection = Connection(organization=org, vendor="fakevendor", name="Fake Rentals",
                            base_url=server.url_for("/fake"), config={"rate_limit": {"enabled": False}})
    connection.set_credentials(plugin.demo_credentials)
    connection.save()
    yield connection, gate
    gate.release.set()
    server.stop()


@pytest.fixture
def worker(monkeypatch):
    """Catches the sync the view publishes; ``start()`` runs it in a thread, as the Celery worker would."""
    from django.db import connection as db

    from integrations import engine, tasks

    published: list[tuple[tuple, dict]] = []
    monkeypatch.setattr(tasks.sync_connection, "delay_on_commit", lambda *a, **kw: published.append((a, kw)))
    threads: list[threading.Thread] = []

    def run(args: tuple, kwargs: dict) -> None:
        try:
            engine.sync(*args, **kwargs)
        finally:
            db.close()

    def start() -> None:
        assert len(published) == 1, published
        thread = threading.Thread(target=run, args=published.pop(), daemon=True)
        thread.start()
        threads.append(thread)

    yield start
    for thread in threads:
        thread.join(timeout=20)


def test_sync_now_shows_live_progress_then_the_counts_history_and_vendor_links(signed_in, vendor, worker):
    connection, gate = vendor
    page = signed_in
    page.goto("/integrations/")
    page.get_by_role("link", name="Fake Rentals").click()
    expect(page.get_by_role("heading", name=re.compile("Fake Rentals"))).to_be_visible()
    page.get_by_role("button", name="Sync now").click()

    run = SyncRun.objects.get(connection=connection)
    expect(page).to_have_url(re.compile(rf"/integrations/runs/{run.pk}/$"))
    progress = page.locator("#run-progress")
    expect(progress.get_by_text("Queued")).to_be_visible()
    expect(progress.get_by_text("Waiting for a worker")).to_be_visible()

    worker()  # the worker takes the run; the sandbox holds the second page of units
    expect(progress.get_by_text("Running")).to_be_visible()
    expect(progress.get_by_text("Stream units (2 of 2): page 1 of 2, 20 of 40 records")).to_be_visible()
    bar = progress.locator("progress")
    expect(bar).to_have_attribute("value", "75")  # properties done (half), units half done
    shot(page, "integrations_run_progress")

    gate.release.set()
    expect(progress.get_by_text("Succeeded")).to_be_visible()
    expect(bar).to_have_count(0)  # finished: no bar, and the page stops polling
    expect(progress).not_to_have_attribute("hx-trigger", re.compile("."))
    units = progress.get_by_role("row", name=re.compile(r"^units\b"))
    expect(units.get_by_role("cell")).to_have_text(["units", "40", "40", "0", "0", "0", "0", "0", "0", "0", "0"])
    expect(progress.get_by_role("row", name=re.compile(r"^properties\b")).get_by_role("cell").nth(2)).to_have_text("4")
    shot(page, "integrations_run_done")

    page.get_by_role("link", name="Fake Rentals").click()
    page.get_by_role("link", name="All runs").click()
    row = page.get_by_role("row", name=re.compile(rf"#{run.pk}\b"))
    expect(row.get_by_text("Succeeded")).to_be_visible()
    expect(row.get_by_role("cell").nth(5)).to_have_text("44")  # created: 4 properties + 40 units
    row.get_by_role("link", name=f"#{run.pk}").click()
    expect(page.get_by_role("heading", name=f"Pull run #{run.pk} of Fake Rentals")).to_be_visible()

    ref = ExternalRef.objects.filter(connection=connection, stream="units").order_by("vendor_id").first()
    page.goto(f"/homes/{ref.object_id}/")
    links = page.locator(".vendor-links")
    link_row = links.get_by_role("row", name=re.compile("Fake Rentals"))
    expect(link_row.get_by_role("cell").nth(1)).to_have_text(ref.vendor_id)
    expect(link_row.get_by_role("cell").nth(2)).to_have_text(re.compile(r"(now|seconds? ago)$"))
    expect(link_row.get_by_text("present")).to_be_visible()
