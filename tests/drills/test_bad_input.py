"""Drill: bad input at every door that takes files or bodies: a clear error each time, and nothing changed.

Doors: the homes CSV import (wrong encoding, missing columns, 50,000 rows, an oversized file, binary data, formula
cells), document uploads through the portal and the API (oversized, disguised as another type) and every webhook-
sending vendor's endpoint (bad signature, unsigned, stale, huge, not JSON, unknown connection). The API's own inputs
are swept by schemathesis in tests/portal/api/test_schemathesis.py (every operation, valid and invalid bodies, no
5xx, schema held).
"""

from __future__ import annotations

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from integrations import registry
from integrations.buildium import webhooks as buildium
from integrations.models import Connection, WebhookDelivery
from portal.accounts.apikeys import issue_key
from portal.documents.models import Document
from portal.homes.models import Home, HomeImport
from tests.integrations.buildium.conftest import CREDENTIALS
from tests.portal.web_documents.files import HTML, PDF, png_bytes

pytestmark = [pytest.mark.drill, pytest.mark.timeout(120), pytest.mark.django_db]
HEADER = "external_id,location,address_line1,city,state,postal_code\n"


def csv_rows(n: int) -> str:
    return HEADER + "".join(f"E{i},Cove,{i} A St,Dayton,OH,45402\n" for i in range(n))


@pytest.mark.parametrize(("name", "content", "error"), [
    ("utf16.csv", csv_rows(3).encode("utf-16"), "is not UTF-8 text"),
    ("latin1.csv", (HEADER + "E1,Cove,1 Rue Clémence,Dayton,OH,45402\n").encode("latin-1"), "is not UTF-8 text"),
    ("columns.csv", b"external_id,location,address_line1,city\nE1,Cove,1 A St,Dayton\n",
     "Missing columns: state, postal_code"),
    ("fifty-thousand.csv", csv_rows(50_000).encode(), "more than 5000 rows"),
    ("huge.csv", (HEADER + "E1,Cove,1 A St,Dayton,OH,45402," + "x" * (2 * 1024 * 1024) + "\n").encode(),
     "larger than 2 MB"),
    ("picture.csv", png_bytes(), "not UTF-8 text"),
], ids=["utf-16", "latin-1", "missing columns", "50,000 rows", "over 2 MB", "a PNG named .csv"])
def test_an_unusable_csv_is_refused_with_its_reason_and_nothing_is_kept(member_client, portfolio, name, content,
                                                                         error):
    homes = Home.objects.count()
    response = member_client.post("/homes/import/", {"file": SimpleUploadedFile(name, content, "text/csv")})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert Home.objects.count() == homes and not HomeImport.objects.exists()


def test_formula_cells_are_refused_row_by_row_and_never_imported(member_client, portfolio):
    formulas = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)"]
    text = HEADER + "".join(f"F{i},Cove,{f},Dayton,OH,45402\n" for i, f in enumerate(formulas))
    homes = Home.objects.count()
    preview = member_client.post("/homes/import/", {"file": SimpleUploadedFile("f.csv", text.encode())}, follow=True)
    page = preview.content.decode()
    assert page.count("looks like a spreadsheet formula") == len(formulas), page[:3000]
    batch = HomeImport.objects.get()
    assert (batch.creates, batch.error_rows) == (0, len(formulas))
    member_client.post(f"/homes/import/{batch.pk}/apply/")
    assert Home.objects.count() == homes
    assert not Home.objects.filter(external_id__startswith="F").exists()


BAD_UPLOADS = pytest.mark.parametrize(("name", "content", "error"), [
    ("deed.pdf", PDF + b"0" * (10 * 1024 * 1024), "the limit is 10 MB"),
    ("deed.pdf", b"MZ\x90\x00\x03" + b"\x00" * 2000, "is not accepted"),
    ("photo.png", HTML, "an SVG or HTML file, which is not accepted"),
    ("deed.pdf", png_bytes(), "is named like a PDF"),
    ("empty.pdf", b"", "empty"),
], ids=["over the limit", "a program named .pdf", "HTML named .png", "a PNG named .pdf", "empty"])


@BAD_UPLOADS
def test_an_oversized_or_disguised_upload_is_refused_and_nothing_is_stored(member_client, portfolio, settings, name,
                                                                           content, error):
    response = member_client.post("/documents/upload/", {"title": "Deed", "category": "other",
                                                         "home": portfolio.home.pk,
                                                         "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Document.objects.exists()
    stored = settings.MEDIA_ROOT
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))


@BAD_UPLOADS
def test_the_api_refuses_an_oversized_or_disguised_upload_and_stores_nothing(org, portfolio, settings, name, content,
                                                                           error):
    api = Client(headers={"Authorization": f"Bearer {issue_key(org, name='upload', scope='write').plaintext}"})
    response = api.post("/api/v1/documents/", {"home": portfolio.home.pk, "title": "Deed", "category": "other",
                                                "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400, response.content[:500]
    assert error in response.content.decode()
    assert not Document.objects.exists()
    stored = settings.MEDIA_ROOT
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))


@pytest.fixture
def buildium_connection(org) -> Connection:
    connection = Connection(organization=org, vendor="buildium", name="Buildium", base_url="http://127.0.0.1:9")
    connection.set_credentials(CREDENTIALS)
    connection.save()
    return connection


def event(unit_id: int = 7) -> bytes:
    return json.dumps({"EventName": "RentalUnit.Updated", "EventDateTime": "2026-06-01T12:00:00.0000000Z",
                       "AccountId": 1, "UnitId": unit_id}, separators=(",", ":")).encode()


@pytest.mark.parametrize(("body", "headers", "status", "error"), [
    (event(), {"buildium-webhook-timestamp": str(int(time.time())), "buildium-webhook-signature": "AAAA"}, 401,
     "signature does not match"),
    (event(), buildium.sign("another-secret", event()), 401, "signature does not match"),
    (event(), buildium.sign(CREDENTIALS["webhook_secret"], event(), now=time.time() - 3600), 401,
     "s away from now"),
    (event(), {}, 401, "not signed"),
    (b"{not json", buildium.sign(CREDENTIALS["webhook_secret"], b"{not json"), 401, "the body is not JSON"),
    (b"[" + b"1," * (600 * 1024) + b"1]", {}, 413, "Body too large"),
], ids=["bad signature", "another secret", "an hour old", "unsigned", "not JSON", "over 1 MB"])
def test_a_forged_stale_huge_or_broken_webhook_is_refused_and_nothing_is_stored(client, buildium_connection, body,
                                                                                headers, status, error):
    response = client.post(f"/integrations/webhooks/buildium/{buildium_connection.pk}/", data=body,
                           content_type="application/json", headers=headers)
    assert response.status_code == status
    assert error in response.json()["error"]
    assert not WebhookDelivery.objects.exists()


def test_a_webhook_for_no_such_connection_or_the_wrong_vendor_is_a_404(client, buildium_connection):
    body = event()
    signed = buildium.sign(CREDENTIALS["webhook_secret"], body)
    for url in (f"/integrations/webhooks/buildium/{buildium_connection.pk + 100}/",
                f"/integrations/webhooks/rentengine/{buildium_connection.pk}/"):
        response = client.post(url, data=body, content_type="application/json", headers=signed)
        assert response.status_code == 404 and response.json()["error"]
    assert not WebhookDelivery.objects.exists()


WEBHOOK_VENDORS = sorted(k for k, p in registry.available().items() if p.webhook_events)


@pytest.mark.parametrize("vendor", WEBHOOK_VENDORS)
def test_every_vendors_webhook_refuses_forged_unsigned_broken_and_huge_bodies(client, org, vendor):
    """Each vendor that sends webhooks, with its own signing scheme (its sandbox signs as it would)."""
    plugin = registry.get_plugin(vendor)
    connection = Connection(organization=org, vendor=vendor, name=vendor, base_url="http://127.0.0.1:9")
    connection.set_credentials(dict(plugin.demo_credentials))
    connection.save()
    secret = next(v for k, v in plugin.demo_credentials.items() if "webhook" in k)
    app = plugin.sandbox_app()
    url = f"/integrations/webhooks/{vendor}/{connection.pk}/"

    def signed(body: bytes, with_secret: str) -> dict[str, str]:
        app.webhook_secret = with_secret
        return app.sign_webhook(body)

    body = json.dumps({"EventName": "RentalUnit.Updated", "id": 7, "type": "unit.updated"}).encode()
    cases = {
        "forged": (body, signed(body, "not-the-secret"), (401,)),
        "unsigned": (body, {}, (401,)),
        "not JSON": (b"{not json", signed(b"{not json", secret), (400, 401)),
        "over 1 MB": (b"[" + b"1," * (600 * 1024) + b"1]", signed(b"[]", secret), (413,)),
    }
    for case, (data, headers, statuses) in cases.items():
        response = client.post(url, data=data, content_type="application/json", headers=headers)
        assert response.status_code in statuses, (vendor, case, response.status_code, response.content[:300])
        assert response.json()["error"], (vendor, case)
    assert not WebhookDelivery.objects.exists()
