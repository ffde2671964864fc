"""Admin saves go through the services: the tree's rules, the lease lifecycle and the upload checks hold there too."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.accounts.models import User
from portal.documents.models import Document
from portal.homes.models import Home
from portal.leases.models import Lease, LeaseStatus
from portal.locations import services as locations
from portal.locations.models import Kind, Location
from tests.portal.test_admin_tenancy import management
from tests.portal.test_documents import PDF, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("root@example.com", "correct horse battery")
    client.force_login(user)
    client.user = user
    return client


def post_location(client, org, **fields):
    data = {"organization": org.pk, "name": "New place", "country": "US", "is_active": "on", **fields}
    return client.post(reverse("admin:locations_location_add"), {**data, **management("documents")})


def errors_of(response) -> str:
    assert response.status_code == 200, "the form is shown again with the refusal"
    form = response.context["adminform"].form
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def test_a_location_of_the_wrong_kind_is_refused_as_a_form_error(admin_client, portfolio):
    response = post_location(admin_client, portfolio.org, kind=Kind.DIVISION)  # a division needs a region above
    assert "cannot stand at the top of the tree" in errors_of(response)
    response = post_location(admin_client, portfolio.org, kind=Kind.REGION, parent=portfolio.neighborhood.pk)
    assert "cannot stand under a neighborhood" in errors_of(response)
    assert not Location.objects.filter(name="New place").exists()


def test_no_location_is_added_under_an_inactive_chain(admin_client, portfolio):
    empty = locations.create_location(portfolio.org, kind=Kind.NEIGHBORHOOD, name="Empty", parent=portfolio.master)
    locations.deactivate_location(empty)
    response = post_location(admin_client, portfolio.org, kind=Kind.PROPERTY, parent=empty.pk)
    assert "“Empty” is inactive" in errors_of(response)
    assert not Location.objects.filter(name="New place").exists()


def test_a_location_added_in_the_admin_gets_its_path_and_a_history_record_naming_the_user(admin_client, portfolio):
    response = post_location(admin_client, portfolio.org, kind=Kind.NEIGHBORHOOD, parent=portfolio.master.pk)
    assert response.status_code == 302
    made = Location.objects.get(name="New place")
    assert made.path == f"{portfolio.master.path}{made.pk}/"
    record = made.history.first()
    assert (record.actor_kind, record.history_user) == ("user", admin_client.user)


def test_deactivating_a_location_with_active_children_is_refused_with_what_blocks_it(admin_client, portfolio):
    url = reverse("admin:locations_location_change", args=[portfolio.master.pk])
    data = {"name": portfolio.master.name, "country": "US", **management("documents")}  # is_active unticked
    assert "1 active child location" in errors_of(admin_client.post(url, data))
    portfolio.master.refresh_from_db()
    assert portfolio.master.is_active


def test_a_home_under_a_region_or_an_inactive_neighborhood_is_refused(admin_client, portfolio):
    empty = locations.create_location(portfolio.org, kind=Kind.NEIGHBORHOOD, name="Empty", parent=portfolio.master)
    locations.deactivate_location(empty)
    home = {"organization": portfolio.org.pk, "address_line1": "5 Elm St", "city": "Dayton", "state": "oh",
            "postal_code": "45402", "country": "US", "home_type": "single_family", "status": "active",
            **management("homeownerships", "documents")}
    url = reverse("admin:homes_home_add")
    assert "must stand under a neighborhood or property" in errors_of(
        admin_client.post(url, {**home, "location": portfolio.region.pk}))
    assert "is inactive" in errors_of(admin_client.post(url, {**home, "location": empty.pk}))
    assert admin_client.post(url, {**home, "location": portfolio.neighborhood.pk}).status_code == 302
    assert Home.objects.get(address_line1="5 Elm St").state == "OH"


def lease_form(lease: Lease, **changes) -> dict:
    data = {"external_id": lease.external_id, "lease_type": lease.lease_type, "status": lease.status,
            "start_date": lease.start_date, "end_date": lease.end_date, "rent": lease.rent,
            "deposit": lease.deposit, "due_day": lease.due_day, **changes}
    return {**data, **management("lease_tenants", "documents")}


def test_a_lease_status_change_in_the_admin_is_a_checked_transition(admin_client, portfolio):
    url = reverse("admin:leases_lease_change", args=[portfolio.lease.pk])
    refused = admin_client.post(url, lease_form(portfolio.lease, status=LeaseStatus.ENDED))
    assert "Select a valid choice" in errors_of(refused)  # draft -> ended is not even offered
    assert admin_client.post(url, lease_form(portfolio.lease, status=LeaseStatus.ACTIVE)).status_code == 302
    portfolio.lease.refresh_from_db()
    assert portfolio.lease.status == LeaseStatus.ACTIVE
    assert portfolio.lease.history.first().actor_kind == "user"


def test_the_lease_form_refuses_a_transition_even_when_offered_a_stale_status(admin_client, portfolio):
    url = reverse("admin:leases_lease_change", args=[portfolio.lease.pk])
    form_page = admin_client.get(url)  # the form offers draft and active
    Lease.objects.filter(pk=portfolio.lease.pk).update(status=LeaseStatus.ENDED)  # meanwhile it ended elsewhere
    assert form_page.status_code == 200
    response = admin_client.post(url, lease_form(portfolio.lease, status=LeaseStatus.ENDED))
    assert response.status_code == 302  # nothing changed: ended stays ended
    response = admin_client.post(url, lease_form(portfolio.lease, status=LeaseStatus.ACTIVE))
    assert "Select a valid choice" in errors_of(response)
    portfolio.lease.refresh_from_db()
    assert portfolio.lease.status == LeaseStatus.ENDED


def test_a_fixed_lease_without_an_end_date_is_refused(admin_client, portfolio):
    url = reverse("admin:leases_lease_change", args=[portfolio.lease.pk])
    assert "needs an end date" in errors_of(admin_client.post(url, lease_form(portfolio.lease, end_date="")))


def test_an_uploaded_png_named_pdf_is_refused_and_a_real_pdf_is_stored(admin_client, portfolio):
    url = reverse("admin:documents_document_add")
    base = {"home": portfolio.home.pk, "category": "inspection", "title": "Report"}
    fake = SimpleUploadedFile("report.pdf", png_bytes(), content_type="application/pdf")
    assert "its content is a PNG image" in errors_of(admin_client.post(url, {**base, "file": fake}))
    real = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    assert admin_client.post(url, {**base, "file": real}).status_code == 302
    doc = Document.objects.get(title="Report")
    assert (doc.content_type, doc.home, doc.original_name) == ("application/pdf", portfolio.home, "report.pdf")


def test_a_document_needs_exactly_one_record_to_attach_to(admin_client, portfolio):
    url = reverse("admin:documents_document_add")
    data = {"home": portfolio.home.pk, "lease": portfolio.lease.pk, "category": "other", "title": "Both",
            "external_url": "https://example.com/a"}
    assert "one record only" in errors_of(admin_client.post(url, data))


def test_history_cannot_be_reverted_around_the_rules(admin_client, portfolio):
    version = portfolio.home.history.first()
    url = reverse("admin:homes_home_simple_history", args=[portfolio.home.pk, version.history_id])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"address_line1": "old"}).status_code == 403


def test_homeowners_are_added_inline_through_the_service(admin_client, portfolio):
    url = reverse("admin:homes_home_change", args=[portfolio.home.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(management("homeownerships", "documents"))
    data.update({"homeownerships-TOTAL_FORMS": "1", "homeownerships-0-person": portfolio.person.pk,
                 "homeownerships-0-ownership_type": "primary", "homeownerships-0-home": portfolio.home.pk})
    assert admin_client.post(url, data).status_code == 302
    link = portfolio.home.homeownerships.get()
    assert link.person == portfolio.person
    assert link.history.first().actor_kind == "user"


def test_an_api_key_page_shows_its_prefix_never_its_hash_and_the_action_revokes_it(admin_client, portfolio):
    from portal.accounts.apikeys import issue_key

    issued = issue_key(portfolio.org, name="CRM sync")
    page = admin_client.get(reverse("admin:accounts_apikey_change", args=[issued.key.pk])).content.decode()
    assert issued.key.prefix in page
    assert issued.key.hashed_key not in page
    assert issued.plaintext not in page
    response = admin_client.post(reverse("admin:accounts_apikey_changelist"),
                                 {"action": "revoke", "_selected_action": [issued.key.pk]})
    assert response.status_code == 302
    issued.key.refresh_from_db()
    assert issued.key.revoked_at is not None
    assert admin_client.get(reverse("admin:accounts_apikey_add")).status_code == 403
